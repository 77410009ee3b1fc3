using Scraper.Tests.Support;

namespace Scraper.Tests.Extraction;

/// <summary>
/// Every bundled sample page with a committed <c>*.verified.json</c> is extracted through the CLI
/// (<c>scraper extract FILE --format json</c>) and must match it exactly.
/// </summary>
public sealed class SampleSnapshotTests
{
    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        // "*.links.verified.json" beside the list pages belong to the list reader's tests.
        foreach (var verified in Directory.EnumerateFiles(RepoPaths.Samples, "*.verified.json", SearchOption.AllDirectories)
                     .Where(f => !f.EndsWith(".links.verified.json", StringComparison.Ordinal)).Order())
            data.Add(Path.GetRelativePath(RepoPaths.Samples, verified));
        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Extraction_matches_the_verified_snapshot(string verifiedRelative)
    {
        var verified = Path.Combine(RepoPaths.Samples, verifiedRelative);
        var page = PageFor(verified);
        var result = await CliRunner.RunAsync("extract", page, "--format", "json");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("", result.Error);
        Snapshot.Match(verified, result.Out);
    }

    [Fact]
    public void Every_article_sample_has_a_snapshot()
    {
        var pages = Directory.EnumerateFiles(RepoPaths.Samples, "*", SearchOption.AllDirectories)
            .Where(f => PageExtensions.Any(e => f.EndsWith(e, StringComparison.Ordinal)))
            .Where(f => !IsListPage(f));
        var missing = pages.Where(p => !File.Exists(Path.ChangeExtension(p, ".verified.json"))).ToList();
        Assert.Empty(missing);
        Assert.True(pages.Count() >= 50, "the samples hold at least 25 pages per site family");
    }

    /// <summary>The pages' file names as on the sites, the legacy WAP CMS's <c>newsDetail.cmsAction</c> included.</summary>
    private static readonly string[] PageExtensions = [".htm", ".html", ".shtml", ".cmsAction"];

    private static bool IsListPage(string path) =>
        System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(path), @"^(bizupdates|news)(_\d+)?\.html$");

    private static string PageFor(string verified)
    {
        var stem = verified[..^".verified.json".Length];
        foreach (var extension in PageExtensions)
            if (File.Exists(stem + extension)) return stem + extension;
        throw new FileNotFoundException("no page beside " + verified);
    }
}
