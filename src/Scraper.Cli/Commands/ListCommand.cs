using System.CommandLine;
using System.Text.Json.Nodes;
using Scraper.Archive;
using Scraper.Extraction;

namespace Scraper.Cli.Commands;

/// <summary><c>scraper list [--site SITE] [--since DATE] [--format table|json]</c>: the archived articles.</summary>
public static class ListCommand
{
    public static Command Create(CliContext context)
    {
        var site = new Option<string?>("--site") { Description = "Only this site family (en.wuxi.gov.cn or wnd.gov.cn)" };
        var since = new Option<string?>("--since") { Description = "Only pages whose content changed on or after this date (YYYY-MM-DD, UTC)", HelpName = "DATE" };
        var format = new Option<string>("--format") { Description = "table or json (one JSON array)", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var db = ArchiveLocation.CreateOption();
        var command = new Command("list", "List the archived articles (pages with at least one revision), oldest first.\n" + ScraperCli.ExitCodeHelp)
        {
            site, since, format, db,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(context,
            new PageFilter(parse.GetValue(site), ArchiveLocation.ParseSince(parse.GetValue(since), "--since")),
            parse.GetValue(format)!, parse.GetValue(db), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, PageFilter filter, string format, string? dbOption, CancellationToken cancellationToken)
    {
        await using var store = await ArchiveLocation.OpenAsync(dbOption, ArchiveAccess.ReadOnly, cancellationToken);
        var pages = new List<ArchivedPage>();
        try
        {
            await foreach (var page in store.Reader.ListPagesAsync(filter, cancellationToken))
                pages.Add(page);
        }
        catch (ArchiveException e)
        {
            throw ArchiveLocation.ToCommandFailure(e);
        }

        if (format == "json")
        {
            var array = new JsonArray();
            foreach (var page in pages)
                array.Add((JsonNode)new JsonObject
                {
                    ["url"] = page.Url,
                    ["page_id"] = page.PageId,
                    ["site"] = page.Site,
                    ["title"] = page.Title,
                    ["published"] = page.Published,
                    ["extractor"] = page.Extractor,
                    ["revisions"] = page.Revisions,
                    ["captures"] = page.Captures,
                    ["first_seen"] = ArchiveLocation.JsonTime(page.FirstSeen),
                    ["last_changed"] = ArchiveLocation.JsonTime(page.LastChanged),
                });
            context.Out.WriteLine(array.ToJsonString(ArticleFormatter.Json));
            return ExitCodes.Ok;
        }

        if (pages.Count == 0)
        {
            context.Out.WriteLine("No archived articles" + (filter.Site is not null || filter.ChangedSince is not null ? " match." : " yet."));
            return ExitCodes.Ok;
        }
        var table = new TextTable("ID", "CHANGED", "REVS", "SITE", "PUBLISHED", "TITLE", "URL");
        foreach (var page in pages)
            table.Add(page.PageId.ToString(), ArchiveLocation.ShortTime(page.LastChanged), page.Revisions.ToString(), page.Site,
                page.Published, TextTable.Truncate(page.Title, 50), page.Url);
        context.Out.Write(table.Render());
        return ExitCodes.Ok;
    }
}
