using BenchmarkDotNet.Running;
using Scraper.Bench;

// dotnet run -c Release --project bench/Scraper.Bench -- --filter '*Extraction*'
// dotnet run -c Release --project bench/Scraper.Bench -- export-memory 100000   (see ExportMemoryCheck)
if (args is ["export-memory", ..])
{
    await ExportMemoryCheck.RunAsync(args.Length > 1 ? int.Parse(args[1]) : int.MaxValue);
    return 0;
}
// dotnet run -c Release --project bench/Scraper.Bench -- corpus [DIR] [--repeat N] [--words]
if (args is ["corpus", ..]) return CorpusCommand.Run(args[1..]);
// dotnet run -c Release --project bench/Scraper.Bench -- segments [DIR] [--quiet] [--only TEXT] [--dump DIR]
if (args is ["segments", ..]) return SegmentsCommand.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
