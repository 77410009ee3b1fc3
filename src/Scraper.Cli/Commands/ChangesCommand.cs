using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Scraper.Archive;
using Scraper.Diffing;
using Scraper.Extraction;
using Scraper.Sites;
using Scraper.Watching;

namespace Scraper.Cli.Commands;

/// <summary>
/// <c>scraper changes [--since 24h|DATE] [--site SITE] [--format table|json|atom] [--out FILE] [--exit-code]</c>: the
/// articles that appeared or changed in a window, each with a one-line account from the diff engine, for a daily report;
/// or as an Atom feed, one entry per change.
/// </summary>
public static class ChangesCommand
{
    public const string ExitCodeHelp =
        "Exit codes: 0 ok (with --exit-code: nothing appeared or changed), 1 with --exit-code: something appeared or changed, "
        + "2 usage, 3 archive locked, 4 failed (no archive, or it could not be read).";

    public static Command Create(CliContext context)
    {
        var since = new Option<string>("--since")
        {
            Description = "The window: a duration back from now (24h, 7d, 90m) or a date / ISO 8601 time (UTC); default 24h",
            DefaultValueFactory = _ => "24h",
            HelpName = "24h|DATE",
        };
        var site = new Option<string?>("--site") { Description = "Only this site family (en.wuxi.gov.cn or wnd.gov.cn)" };
        var format = new Option<string>("--format")
        {
            Description = "table, json (one JSON array, one object per page) or atom (an Atom 1.0 feed, one entry per change, with the word diff)",
            DefaultValueFactory = _ => "table",
        };
        format.AcceptOnlyFromAmong("table", "json", "atom");
        var output = new Option<string>("--out")
        {
            Description = "The file to write (replaced only once complete), or - for the standard output",
            DefaultValueFactory = _ => "-",
            HelpName = "FILE|-",
        };
        var exitCode = new Option<bool>("--exit-code") { Description = "Exit with 1 when something appeared or changed in the window, 0 when nothing did (as git diff --exit-code)" };
        var feedUrl = new Option<string?>("--feed-url") { Description = "atom: the address the feed will be served at (its rel=\"self\" link and id)", HelpName = "URL" };
        var db = ArchiveLocation.CreateOption();
        var command = new Command("changes",
            "List the articles that appeared or changed in the window, oldest change first, with what changed "
            + "(\"2 paragraphs changed, 1 figure added\"; see scraper diff for the details); --format atom writes a feed.\n" + ExitCodeHelp)
        {
            since, site, format, output, exitCode, feedUrl, db,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var from = ArchiveLocation.ParseSince(parse.GetValue(since), "--since")!.Value;
            var family = parse.GetValue(site);
            if (family is not null && SiteCatalog.Default.Find(family) is null)
                throw new UsageException($"--site '{family}' is not a known site (en.wuxi.gov.cn or wnd.gov.cn)");
            var chosen = parse.GetValue(format)!;
            var selfUrl = parse.GetValue(feedUrl);
            if (selfUrl is not null && (chosen != "atom" || !Uri.TryCreate(selfUrl, UriKind.Absolute, out _)))
                throw new UsageException(chosen != "atom" ? "--feed-url applies to --format atom only" : $"--feed-url '{selfUrl}' is not an absolute URL");
            await using var file = OutputFile.Open(parse.GetValue(output));
            var (text, found) = await ArchiveLocation.ReadAsync(parse.GetValue(db), async store =>
            {
                if (chosen == "atom")
                {
                    var changes = await FeedChangesAsync(store, from, family, cancellationToken);
                    var info = new FeedInfo(
                        selfUrl ?? AtomFeedWriter.FeedId(store.Path, family),
                        "scraper: new and changed articles of " + (family ?? "en.wuxi.gov.cn and wnd.gov.cn"),
                        from, selfUrl, ScraperVersion.Number);
                    using var feed = new MemoryStream();
                    await AtomFeedWriter.WriteAsync(changes, feed, info, cancellationToken);
                    return (Encoding.UTF8.GetString(feed.ToArray()), changes.Count);
                }
                var reported = await ReportAsync(store, from, family, cancellationToken);
                return (chosen == "json" ? Json(reported) : Table(reported, from), reported.Count);
            }, cancellationToken);
            await file.WriteAsync(context, text, cancellationToken);
            return parse.GetValue(exitCode) && found > 0 ? ExitCodes.Partial : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Every change in the window, read first (they are small) and then diffed one by one.</summary>
    private static async Task<IReadOnlyList<DescribedChange>> FeedChangesAsync(ArchiveStore store, DateTimeOffset since, string? site,
        CancellationToken cancellationToken)
    {
        var changes = new List<ArticleChange>();
        await foreach (var change in store.Changes.ReadArticleChangesAsync(since, site, cancellationToken))
            changes.Add(change);
        var describer = new ArticleChangeDescriber(store);
        var described = new List<DescribedChange>(changes.Count);
        foreach (var change in changes)
            described.Add(await describer.DescribeAsync(change, cancellationToken));
        return described;
    }

    private sealed record ReportedChange(PageChange Page, string Summary);

    private static async Task<IReadOnlyList<ReportedChange>> ReportAsync(ArchiveStore store, DateTimeOffset since, string? site, CancellationToken cancellationToken)
    {
        var reported = new List<ReportedChange>();
        foreach (var page in await store.Runs.ListChangesAsync(since, site, cancellationToken))
        {
            var summary = page.BaselineRevision is { } baseline ? await SummariseAsync(store, page, baseline, cancellationToken)
                // A page that appeared in the window and changed in it too: what changed since its first revision.
                : page.CurrentRevision > 1 ? "new article, then " + await SummariseAsync(store, page, 1, cancellationToken)
                : "new article";
            reported.Add(new ReportedChange(page, summary));
        }
        return reported;
    }

    private static async Task<string> SummariseAsync(ArchiveStore store, PageChange page, int baseline, CancellationToken cancellationToken)
    {
        if (baseline == page.CurrentRevision)
            return "changed and changed back (no net change)";
        var before = await store.Reader.GetArticleAsync(page.PageId, baseline, cancellationToken);
        var after = await store.Reader.GetArticleAsync(page.PageId, page.CurrentRevision, cancellationToken);
        if (before is null || after is null) return "changed";
        var diff = ArticleDiff.Compare(before.Article, after.Article);
        // Revisions differ in their content hash, which covers more than the diff shows (the section, a figure's alt).
        return diff.IsEmpty ? "changed in details the diff does not show" : diff.Summary();
    }

    private static string Json(IReadOnlyList<ReportedChange> changes)
    {
        var array = new JsonArray();
        foreach (var (page, summary) in changes)
            array.Add((JsonNode)new JsonObject
            {
                ["url"] = page.Url,
                ["page_id"] = page.PageId,
                ["site"] = page.Site,
                ["title"] = page.Title,
                ["kind"] = page.IsNew ? "new" : "changed",
                ["changed_at"] = ArchiveLocation.JsonTime(page.ChangedAt),
                ["from_revision"] = page.BaselineRevision,
                ["to_revision"] = page.CurrentRevision,
                ["summary"] = summary,
            });
        return array.ToJsonString(ArticleFormatter.Json) + "\n";
    }

    private static string Table(IReadOnlyList<ReportedChange> changes, DateTimeOffset since)
    {
        if (changes.Count == 0) return $"No articles appeared or changed since {ArchiveLocation.ShortTime(since)} UTC.\n";
        var table = new TextTable("CHANGED", "REVS", "WHAT", "TITLE", "URL");
        foreach (var (page, summary) in changes)
        {
            var revisions = page.BaselineRevision is { } from
                ? string.Create(CultureInfo.InvariantCulture, $"{from}→{page.CurrentRevision}")
                : page.CurrentRevision.ToString(CultureInfo.InvariantCulture);
            table.Add(ArchiveLocation.ShortTime(page.ChangedAt), revisions, summary, TextTable.Truncate(page.Title, 50), page.Url);
        }
        return table.Render();
    }
}
