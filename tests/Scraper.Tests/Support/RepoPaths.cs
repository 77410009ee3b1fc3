namespace Scraper.Tests.Support;

/// <summary>Finds the repository's folders from the test binary, so tests run from any working directory.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Samples => Path.Combine(Root, "samples");

    /// <summary>../shared/corpora beside the clone; absent on some machines, so tests skip with a message.</summary>
    public static string Corpora => Path.GetFullPath(Path.Combine(Root, "..", "shared", "corpora"));

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Scraper.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Scraper.sln not found above " + AppContext.BaseDirectory);
    }
}
