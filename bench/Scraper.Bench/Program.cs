using BenchmarkDotNet.Running;
using Scraper.Bench;

// dotnet run -c Release --project bench/Scraper.Bench -- --filter '*Extraction*'
// dotnet run -c Release --project bench/Scraper.Bench -- export-memory 100000   (see ExportMemoryCheck)
if (args is ["export-memory", ..])
{
    await ExportMemoryCheck.RunAsync(args.Length > 1 ? int.Parse(args[1]) : int.MaxValue);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
