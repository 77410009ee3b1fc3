namespace Scraper.Bench;

/// <summary>Finds the repository from the benchmark binary (BenchmarkDotNet runs it from a generated folder).</summary>
public static class BenchPaths
{
    public static string Root { get; } = Find();

    public static string Samples => Path.Combine(Root, "samples");

    private static string Find()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Scraper.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Scraper.sln not found above " + Environment.CurrentDirectory);
    }
}
