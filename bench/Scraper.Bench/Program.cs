using BenchmarkDotNet.Running;
using Scraper.Bench;

// dotnet run -c Release --project bench/Scraper.Bench -- --filter '*Extraction*'
// dotnet run -c Release --project bench/Scraper.Bench -- corpus [DIR] [--repeat N] [--words]
if (args is ["corpus", ..]) return CorpusCommand.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
