using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Scraper.Bench -- --filter '*Extraction*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
