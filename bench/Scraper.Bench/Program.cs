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
// SCRAPER_BENCH_PG=postgresql://… dotnet run -c Release --project bench/Scraper.Bench -- postgres-archive
// makes PostgresSearchBenchmarks' 100,000-article archive beforehand: it takes longer than a benchmark's set-up may.
if (args is ["postgres-archive"])
{
    Console.WriteLine(ArchiveSearchBenchmarks.EnsurePostgresArchive());
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
