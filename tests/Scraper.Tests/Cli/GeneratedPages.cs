using Scraper.Tests.Support;

namespace Scraper.Tests.Cli;

/// <summary>
/// Many distinct article pages in a samples/-like tree (<c>&lt;host&gt;/&lt;path&gt;</c>), for imports long enough to be
/// signalled or killed in the middle: the seed sample, each copy with a word of its own (<see cref="Marker"/>).
/// </summary>
public static class GeneratedPages
{
    private const string SeedPage = "en.wuxi.gov.cn/2023-11/23/c_941797.htm";
    private const string SeedPhrase = "nearly 400 Japanese enterprises";

    /// <summary>The word only page <paramref name="number"/> has.</summary>
    public static string Marker(int number) => $"pagemarker{number:D6}";

    public static string Url(int number) => $"https://en.wuxi.gov.cn/2023-11/23/c_{9_000_000 + number}.htm";

    /// <summary>Writes pages 1 to <paramref name="count"/> under <c>&lt;folder&gt;/pages</c> and returns that folder.</summary>
    public static string Write(TempFolder folder, int count)
    {
        var seed = File.ReadAllText(Path.Combine(RepoPaths.Samples, SeedPage));
        Assert.Contains(SeedPhrase, seed);
        for (var i = 1; i <= count; i++)
            folder.Write(Path.Combine("pages", "en.wuxi.gov.cn", "2023-11", "23", $"c_{9_000_000 + i}.htm"),
                seed.Replace(SeedPhrase, $"{SeedPhrase} {Marker(i)}"));
        return folder.File("pages");
    }
}
