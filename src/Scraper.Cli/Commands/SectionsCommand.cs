using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Scraper.Archive;
using Scraper.Crawling;
using Scraper.Extraction;

namespace Scraper.Cli.Commands;

/// <summary>
/// <c>scraper sections [--site SITE] [--format text|json]</c>: every section the crawls found, with its list URL, how many
/// articles it holds, its newest article and when it was last read.
/// </summary>
public static class SectionsCommand
{
    public static Command Create(CliContext context)
    {
        var site = new Option<string?>("--site") { Description = "Only this site family (en.wuxi.gov.cn or wnd.gov.cn)" };
        var format = new Option<string>("--format") { Description = "text (a table) or json (one JSON array)", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var db = ArchiveLocation.CreateOption();
        var command = new Command("sections",
            "List every section the crawls found through the sites' navigation (and any page's crumb): its list URL, how many "
            + "articles its list pages offered when last read and how many of them are archived, its newest archived article, "
            + "and when it was last read. A section linked to but not read yet says queued; one whose page was not there, missing.\n"
            + ScraperCli.ExitCodeHelp)
        {
            site, format, db,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var family = parse.GetValue(site);
            var sections = await ArchiveLocation.ReadAsync(parse.GetValue(db), store => SectionReport.ReadAsync(store, family, cancellationToken), cancellationToken);
            context.Out.Write(parse.GetValue(format) == "json" ? Json(sections) : Table(sections, family));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Json(IReadOnlyList<SectionSummary> sections)
    {
        var array = new JsonArray();
        foreach (var s in sections)
            array.Add((JsonNode)new JsonObject
            {
                ["url"] = s.Url,
                ["site"] = s.Site,
                ["section"] = s.Name,
                ["state"] = s.State,
                ["note"] = s.Note,
                ["list_pages"] = s.ListPages,
                ["articles"] = s.Articles,
                ["archived"] = s.Archived,
                ["newest"] = s.Newest is { } newest
                    ? new JsonObject { ["url"] = newest.Url, ["page_id"] = newest.PageId, ["title"] = newest.Title, ["published"] = newest.Published }
                    : null,
                ["last_read"] = ArchiveLocation.JsonTime(s.LastRead),
            });
        return array.ToJsonString(ArticleFormatter.Json) + "\n";
    }

    private static string Table(IReadOnlyList<SectionSummary> sections, string? site)
    {
        if (sections.Count == 0)
            return site is null ? "No sections yet (a crawl finds them through the sites' navigation).\n" : $"No sections of {site} yet.\n";
        var table = new TextTable("SITE", "SECTION", "PAGES", "ARTICLES", "ARCHIVED", "NEWEST", "LAST READ", "URL");
        foreach (var s in sections)
        {
            var newest = s.Newest is { } n ? $"{n.Published ?? "undated"} {TextTable.Truncate(n.Title, 40)}" : null;
            var lastRead = s.State switch
            {
                "read" => ArchiveLocation.ShortTime(s.LastRead),
                "missing" => "never: " + (s.Note ?? "not there"),
                _ => "never: queued",
            };
            table.Add(s.Site, s.Name, N(s.ListPages), N(s.Articles), N(s.Archived), newest, lastRead, s.Url);
        }
        return table.Render();
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
}
