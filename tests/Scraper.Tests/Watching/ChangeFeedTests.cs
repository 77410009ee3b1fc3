using System.Net;
using Scraper.Archive;
using Scraper.Cli;
using Scraper.Extraction;
using Scraper.Tests.Export;
using Scraper.Tests.Support;
using Scraper.Watching;
using static Scraper.Tests.Archive.ArchiveFixtures;

namespace Scraper.Tests.Watching;

/// <summary>
/// <c>scraper changes --format atom</c>: an archive with a new article, a correction, a sidebar-only change, a page that
/// went back to its first text and an article of the other site, written as a feed from the CLI and read back.
/// </summary>
public sealed class ChangeFeedTests : ExportTestFolder
{
    private const string WndUrl = "https://www.wndonline.cn/2024-03/15/c_1000777.htm";

    private static Article Original => WuxiArticle();

    private static Article Corrected => Original with
    {
        Title = "Wuxi hosts international innovation forum with 300 guests",
        Paragraphs = [Original.Paragraphs[0], "More than 300 guests attended, and investment deals worth 12 billion yuan were signed.", Original.Paragraphs[2]],
    };

    private static Article WndArticle => WuxiArticle(WndUrl) with
    {
        Site = "wnd.gov.cn",
        Extractor = "site:wnd.gov.cn",
        Title = "WND signs 18 projects",
        Source = "wndonline.cn",
        Paragraphs = ["Eighteen projects were signed on Friday."],
        Figures = [],
    };

    /// <summary>Page A: new at T0, sidebar change at +1h, corrected at +2h, back to its first text at +3h; page B new at +2h30.</summary>
    private async Task BuildArchiveAsync()
    {
        await using var store = await OpenAsync(Db);
        await store.Captures.StorePageAsync(Capture(Original, T0), Original);
        await store.Captures.StorePageAsync(Capture(Original, T0.AddHours(1), boilerplate: "9.99K"), Original);
        await store.Captures.StorePageAsync(Capture(Corrected, T0.AddHours(2)), Corrected);
        await store.Captures.StorePageAsync(Capture(WndArticle, T0.AddHours(2.5)), WndArticle);
        await store.Captures.StorePageAsync(Capture(Original, T0.AddHours(3)), Original);
    }

    private async Task<(CliResult Result, byte[] Feed)> FeedAsync(DateTimeOffset since, params string[] more)
    {
        var path = folder.File("changes.atom");
        File.Delete(path);
        var result = await CliRunner.RunAsync(["changes", "--db", Db, "--since", since.ToString("O"), "--format", "atom", "--out", path, .. more]);
        return (result, File.Exists(path) ? await File.ReadAllBytesAsync(path) : []);
    }

    [Fact]
    public async Task The_feed_has_one_entry_per_change_newest_first_and_keeps_rfc_4287()
    {
        await BuildArchiveAsync();
        var (result, bytes) = await FeedAsync(T0.AddMinutes(-1));
        Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
        Assert.Equal("", result.Out);

        var feed = AtomChecks.Validate(bytes);
        var entries = AtomChecks.Entries(feed);
        // The sidebar-only capture is no change; going back to the first text is one.
        Assert.Equal(
            [
                (T0.AddHours(3), "changed", "back to revision 1: title changed, 1 paragraph changed", Original.Url!),
                (T0.AddHours(2.5), "new", "new article", WndUrl),
                (T0.AddHours(2), "changed", "title changed, 1 paragraph changed", Original.Url!),
                (T0, "new", "new article", Original.Url!),
            ],
            entries.Select(e => (e.Updated, e.Kind!, e.Summary!, e.Link!)));
        Assert.Equal(entries.Count, entries.Select(e => e.Id).Distinct().Count());
        Assert.All(entries, e => Assert.Matches("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", e.Id));
        Assert.Equal([Original.Title, WndArticle.Title, Corrected.Title, Original.Title], entries.Select(e => e.Title));

        // The feed is as new as its newest entry.
        Assert.Equal(T0.AddHours(3), DateTimeOffset.Parse(feed.Root!.Element(AtomChecks.Atom + "updated")!.Value));
        Assert.Equal("scraper", feed.Root.Element(AtomChecks.Atom + "generator")!.Value);

        // The content is HTML (escaped in the XML): the word diff of a change, the whole text of a new article.
        var correction = entries[2].Content!;
        Assert.Contains("<h4>Title changed</h4>", correction);
        Assert.Contains("<h4>Paragraph 2 changed</h4>", correction);
        Assert.Contains("<del>bliion</del><ins>billion</ins>", correction);
        Assert.Contains("Wuxi hosts international innovation forum<ins> with 300 guests</ins>", correction);
        Assert.Contains("Revision 2 (was revision 1)", correction);
        var fresh = entries[1].Content!;
        Assert.Contains("<p>Eighteen projects were signed on Friday.</p>", fresh);
        Assert.DoesNotContain("<del>", fresh);
        Assert.Contains($"<p>{WebUtility.HtmlEncode(Original.Paragraphs[2])}</p>", entries[3].Content!);
    }

    [Fact]
    public async Task A_reader_polling_the_regenerated_feed_sees_each_change_once()
    {
        await BuildArchiveAsync();
        var seen = new Dictionary<string, (DateTimeOffset, string)>();
        var shown = new List<string>();
        void Poll(byte[] bytes)
        {
            foreach (var entry in AtomChecks.Entries(AtomChecks.Validate(bytes)))
            {
                if (seen.TryGetValue(entry.Id, out var known))
                {
                    // The same id always names the same change.
                    Assert.Equal(known, (entry.Updated, entry.Link!));
                    continue;
                }
                seen[entry.Id] = (entry.Updated, entry.Link!);
                shown.Add($"{entry.Updated:HH:mm} {entry.Summary}");
            }
        }

        var (_, first) = await FeedAsync(T0.AddMinutes(-1));
        Poll(first);
        // Written again with nothing new: the same bytes.
        var (_, again) = await FeedAsync(T0.AddMinutes(-1));
        Assert.Equal(first, again);
        Poll(again);

        // The next article changes; the feed is written again for a later window that overlaps the first.
        await using (var store = await OpenAsync(Db))
        {
            var edited = WndArticle with { Paragraphs = ["Eighteen projects were signed on Friday.", "They are worth 5 billion yuan."] };
            await store.Captures.StorePageAsync(Capture(edited, T0.AddHours(4)), edited);
        }
        var (_, later) = await FeedAsync(T0.AddHours(2).AddMinutes(30));
        Assert.Equal(3, AtomChecks.Entries(AtomChecks.Validate(later)).Count);
        Poll(later);

        Assert.Equal(
            ["09:00 new article", "11:00 title changed, 1 paragraph changed", "11:30 new article",
             "12:00 back to revision 1: title changed, 1 paragraph changed", "13:00 1 paragraph added"],
            shown.Order());
    }

    [Fact]
    public async Task Exit_code_says_whether_anything_changed()
    {
        await BuildArchiveAsync();
        var since = T0.AddMinutes(-1).ToString("O");
        var changed = await CliRunner.RunAsync("changes", "--db", Db, "--since", since, "--exit-code");
        Assert.Equal(1, changed.ExitCode);
        Assert.Contains("new article", changed.Out);
        Assert.Equal(1, (await CliRunner.RunAsync("changes", "--db", Db, "--since", since, "--exit-code", "--format", "json")).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync("changes", "--db", Db, "--since", since, "--format", "json")).ExitCode);

        var quiet = T0.AddHours(5);
        var nothing = await CliRunner.RunAsync("changes", "--db", Db, "--since", quiet.ToString("O"), "--exit-code");
        Assert.Equal(0, nothing.ExitCode);
        Assert.StartsWith("No articles appeared or changed since", nothing.Out);

        // An empty feed is still a valid feed, as of its window's start.
        var (empty, bytes) = await FeedAsync(quiet, "--exit-code");
        Assert.Equal(0, empty.ExitCode);
        var feed = AtomChecks.Validate(bytes);
        Assert.Empty(AtomChecks.Entries(feed));
        Assert.Equal(quiet, DateTimeOffset.Parse(feed.Root!.Element(AtomChecks.Atom + "updated")!.Value));
        var (some, _) = await FeedAsync(T0, "--exit-code", "--site", "wnd.gov.cn");
        Assert.Equal(1, some.ExitCode);
    }

    [Fact]
    public async Task Site_filter_feed_url_and_text_xml_cannot_carry()
    {
        await BuildArchiveAsync();
        await using (var store = await OpenAsync(Db))
        {
            var odd = WndArticle with { Title = "Control\u0001 characters \u001b[31m and 🎉 stay out of the XML" };
            await store.Captures.StorePageAsync(Capture(odd, T0.AddHours(6)), odd);
        }
        var (result, bytes) = await FeedAsync(T0, "--site", "wnd.gov.cn", "--feed-url", "https://example.org/wnd.atom");
        Assert.True(result.ExitCode == 0, result.Error);
        var feed = AtomChecks.Validate(bytes);
        var entries = AtomChecks.Entries(feed);
        Assert.All(entries, e => Assert.Equal(WndUrl, e.Link));
        Assert.Equal("Control characters [31m and 🎉 stay out of the XML", entries[0].Title);
        Assert.Equal("https://example.org/wnd.atom", feed.Root!.Element(AtomChecks.Atom + "id")!.Value);
        var self = feed.Root.Elements(AtomChecks.Atom + "link").Single();
        Assert.Equal(("self", "https://example.org/wnd.atom"), ((string)self.Attribute("rel")!, (string)self.Attribute("href")!));

        // The standard output carries the same feed.
        var printed = await CliRunner.RunAsync("changes", "--db", Db, "--since", T0.ToString("O"), "--format", "atom", "--site", "wnd.gov.cn",
            "--feed-url", "https://example.org/wnd.atom");
        Assert.Equal(System.Text.Encoding.UTF8.GetString(bytes), printed.Out);
    }

    [Theory]
    [InlineData(new[] { "--feed-url", "https://example.org/feed" }, "--feed-url applies to --format atom only")]
    [InlineData(new[] { "--format", "atom", "--feed-url", "feed.xml" }, "is not an absolute URL")]
    [InlineData(new[] { "--format", "atom", "--out", "/no/such/folder/feed.xml" }, "cannot be written")]
    [InlineData(new[] { "--format", "rss" }, "rss")]
    public async Task Bad_options_are_usage_errors(string[] args, string message)
    {
        await BuildArchiveAsync();
        var result = await CliRunner.RunAsync(["changes", "--db", Db, .. args]);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(message, result.Error);
    }

    [Fact]
    public void Entry_ids_are_rfc_4122_name_based_uuids()
    {
        // RFC 4122 appendix B's example name in the DNS namespace, as Python's uuid.uuid5 computes it.
        Assert.Equal(new Guid("886313e1-3b8a-5372-9b90-0c9aee199e5d"),
            AtomFeedWriter.NameBasedUuid(new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "python.org"));
        var change = new ArticleChange(7, 1, Original.Url!, "en.wuxi.gov.cn", T0, 2, 1, "abc", null);
        Assert.Equal(AtomFeedWriter.EntryId(change), AtomFeedWriter.EntryId(change with { CaptureId = 8, Revision = 3, ContentSha256 = "def" }));
        Assert.NotEqual(AtomFeedWriter.EntryId(change), AtomFeedWriter.EntryId(change with { SeenAt = T0.AddMilliseconds(1) }));
        Assert.NotEqual(AtomFeedWriter.EntryId(change), AtomFeedWriter.EntryId(change with { Url = WndUrl }));
    }
}
