using System.Text;
using System.Text.RegularExpressions;
using Scraper.Tests.Support;

namespace Scraper.Tests.Cli;

/// <summary>
/// The whole process's peak resident memory on the largest pages accepted, measured on the real CLI as a child process
/// (its VmHWM): <c>extract</c> of a 20 MB page stays under 300 MB (it took 400 MB to over 1 GB before, depending on the
/// page's shape), and a crawl at the default concurrency of pages near the 10 MB download limit under 400 MB (1.4 GB
/// before). bench/memory.py prints the same figures.
/// </summary>
public sealed class PeakMemoryTests : IDisposable
{
    private const string SeedPage = "en.wuxi.gov.cn/2023-11/23/c_941797.htm";
    private const string SeedUrl = "https://en.wuxi.gov.cn/2023-11/23/c_941797.htm";
    private const string BodyAnchor = "<p>Over 100 high-level executives";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>The seed article with distinct paragraphs added to its body up to <paramref name="size"/> bytes.</summary>
    private static byte[] GrownArticle(int size, string marker = "")
    {
        var seed = File.ReadAllText(Path.Combine(RepoPaths.Samples, SeedPage));
        var at = seed.IndexOf(BodyAnchor, StringComparison.Ordinal);
        Assert.True(at > 0);
        var page = new StringBuilder(size + 1024).Append(seed, 0, at).Append($"<p>{marker} The district reported its new projects.</p>\n");
        for (var n = 1; page.Length + seed.Length - at < size; n++)
            page.Append($"<p>Paragraph {n} of the report: the district's {n} new projects cover integrated circuits, biomedicine and new energy, with an investment of {n * 7 % 1000} million yuan this year.</p>\n");
        return Encoding.UTF8.GetBytes(page.Append(seed, at, seed.Length - at).ToString());
    }

    /// <summary>700,000 tiny paragraphs: the most elements a 20 MB page can hold in ordinary markup.</summary>
    private static byte[] TinyParagraphs(int size)
    {
        var page = new StringBuilder(size + 100).Append("<html><head><title>Filler</title></head><body>");
        while (page.Length < size - 40) page.Append("<p>filler filler filler</p>\n");
        return Encoding.ASCII.GetBytes(page.Append("</body></html>").ToString());
    }

    [Theory]
    [InlineData("article", SeedUrl)]
    [InlineData("article", "https://example.org/news/1.html")]
    [InlineData("tiny-paragraphs", "https://example.org/news/2.html")]
    [InlineData("one-paragraph", "https://example.org/news/3.html")]
    public async Task Extract_of_a_20_MB_page_stays_under_300_MB(string shape, string url)
    {
        const int size = 20_000_000;
        var bytes = shape switch
        {
            "article" => GrownArticle(size),
            "tiny-paragraphs" => TinyParagraphs(size),
            _ => Encoding.ASCII.GetBytes("<html><head><title>One</title></head><body><p>" + string.Concat(Enumerable.Repeat("word ", size / 5 - 20)) + "</p></body></html>"),
        };
        Assert.InRange(bytes.Length, size - 1000, 20 * 1024 * 1024);
        var page = _temp.File("page.htm");
        File.WriteAllBytes(page, bytes);

        var (result, peak) = await PeakMemory.RunCliAsync(Patience, "extract", page, "--url", url, "--format", "text");

        Assert.True(result.ExitCode == 0, result.Error);
        // The page was read, its article too (up to the parse budget: its start, not its chrome).
        Assert.Contains(shape == "article" ? "Paragraph 1000 of the report" : shape == "one-paragraph" ? "word word" : "filler filler", result.Out);
        Assert.True(peak is > 0 and <= 300 * 1024, $"peak {peak / 1024} MB");
    }

    [Fact]
    public async Task A_crawl_of_pages_near_the_10_MB_limit_stays_under_400_MB()
    {
        const int pages = 10;
        var root = _temp.File("site");
        var host = Path.Combine(root, "en.wuxi.gov.cn");
        Directory.CreateDirectory(Path.Combine(host, "2024-05", "01"));
        // The samples' section list, linking only the large pages.
        var listing = File.ReadAllText(Path.Combine(RepoPaths.Samples, "en.wuxi.gov.cn", "bizupdates.html"));
        var item = Regex.Match(listing, @"<li><a href=""/2023-11/23/c_941797\.htm""[^\n]*?</li>").Value;
        Assert.NotEmpty(item);
        var items = new StringBuilder();
        for (var n = 1; n <= pages; n++)
        {
            var path = $"/2024-05/01/c_{9_000_000 + n}.htm";
            File.WriteAllBytes(Path.Combine(host, "2024-05", "01", $"c_{9_000_000 + n}.htm"), GrownArticle(9_900_000, $"pagemarker{n}"));
            items.Append(item.Replace("/2023-11/23/c_941797.htm", path)).Append('\n');
        }
        listing = Regex.Replace(listing.Replace(item, "{items}"), @"<li><a href=""/20[^""]*""[^\n]*?</li>", "")
            .Replace("bizupdates_2.html", "bizupdates.html").Replace("{items}", items.ToString());
        File.WriteAllText(Path.Combine(host, "bizupdates.html"), listing);
        await using var site = await LoopbackSite.StartAsync(root, defaultHost: "en.wuxi.gov.cn");

        var (result, peak) = await PeakMemory.RunCliAsync(Patience, "crawl", "--site", "en.wuxi.gov.cn",
            "--start", site.Url("/bizupdates.html").AbsoluteUri, "--delay", "0", "--quiet", "--db", _temp.File("archive.db"));

        Assert.True(result.ExitCode == 0, result.Error + result.Out);
        Assert.True(result.Out.Contains($"{pages} new,"), result.Out + result.Error);
        Assert.Equal(pages, site.Requests.Count(r => r.Path.StartsWith("/2024-05/01/", StringComparison.Ordinal)));
        Assert.True(peak is > 0 and <= 400 * 1024, $"peak {peak / 1024} MB");
    }
}
