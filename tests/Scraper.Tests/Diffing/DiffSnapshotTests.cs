using Scraper.Diffing;
using Scraper.Tests.Support;

namespace Scraper.Tests.Diffing;

/// <summary>
/// Every revision pair in every format against its committed snapshot in <c>Diffing/Snapshots/</c>
/// (accept reviewed changes with <c>SCRAPER_ACCEPT_SNAPSHOTS=1</c>).
/// </summary>
public sealed class DiffSnapshotTests
{
    private static string SnapshotFolder => Path.Combine(RepoPaths.Root, "tests", "Scraper.Tests", "Diffing", "Snapshots");

    public static TheoryData<string, string> PairsAndFormats()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in RevisionPairs.Names)
            foreach (var format in new[] { "text", "json", "html" })
                data.Add(name, format);
        return data;
    }

    [Theory]
    [MemberData(nameof(PairsAndFormats))]
    public void Diff_matches_the_snapshot(string pairName, string format)
    {
        var pair = RevisionPairs.Get(pairName);
        var diff = ArticleDiff.Compare(pair.From, pair.To);
        var (output, extension) = format switch
        {
            "text" => (TextDiffRenderer.Render(diff, pair.FromInfo, pair.ToInfo, colour: false), "txt"),
            "json" => (JsonDiffRenderer.Render(diff, pair.FromInfo, pair.ToInfo), "json"),
            _ => (HtmlDiffRenderer.Render(diff, pair.FromInfo, pair.ToInfo), "html"),
        };
        Snapshot.Match(Path.Combine(SnapshotFolder, $"{pairName}.verified.{extension}"), output);
    }
}
