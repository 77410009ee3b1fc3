using System.CommandLine;
using System.Text.Json.Nodes;
using Scraper.Archive;
using Scraper.Extraction;

namespace Scraper.Cli.Commands;

/// <summary><c>scraper search "&lt;query&gt;"</c>: full-text search over the current revision of every article.</summary>
public static class SearchCommand
{
    public static Command Create(CliContext context)
    {
        var query = new Argument<string>("query")
        {
            Description = "FTS5 query: words (all must match), \"a phrase\", OR, NOT, prefix*, title:word, NEAR(a b); "
                + "text that is not a valid FTS5 query (R&D, 1.49, Wuxi's) is searched as plain words",
        };
        var limit = new Option<int>("--limit") { Description = "At most this many results", DefaultValueFactory = _ => 20, HelpName = "N" };
        var site = new Option<string?>("--site") { Description = "Only this site family (en.wuxi.gov.cn or wnd.gov.cn)" };
        var format = new Option<string>("--format") { Description = "table or json (one JSON array)", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var db = ArchiveLocation.CreateOption();
        var command = new Command("search",
            "Search the title and text of each article's current revision; best matches first, matched words in **bold** in the snippets.\n"
            + ScraperCli.ExitCodeHelp)
        {
            query, limit, site, format, db,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(context,
            parse.GetValue(query)!, parse.GetValue(limit), parse.GetValue(site), parse.GetValue(format)!, parse.GetValue(db), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string query, int limit, string? site, string format, string? dbOption, CancellationToken cancellationToken)
    {
        if (limit < 1)
            throw new UsageException("--limit must be 1 or more");
        if (string.IsNullOrWhiteSpace(query))
            throw new UsageException("the search query is empty");
        await using var store = await ArchiveLocation.OpenAsync(dbOption, ArchiveAccess.ReadOnly, cancellationToken);
        IReadOnlyList<SearchHit> hits;
        long unindexed;
        try
        {
            hits = await store.Search.SearchAsync(query, limit, site, "**", "**", cancellationToken);
            unindexed = await store.Search.CountUnindexedAsync(cancellationToken);
        }
        catch (ArchiveException e)
        {
            throw ArchiveLocation.ToCommandFailure(e);
        }
        // A read cannot bring the index up to date; what it could not see is said, not hidden.
        if (unindexed > 0)
            context.Error.WriteLine(UnindexedNote(unindexed));

        if (format == "json")
        {
            var array = new JsonArray();
            var rank = 0;
            foreach (var hit in hits)
                array.Add((JsonNode)new JsonObject
                {
                    ["url"] = hit.Url,
                    ["rank"] = ++rank,
                    ["page_id"] = hit.PageId,
                    ["title"] = hit.Title,
                    ["snippet"] = hit.Snippet,
                    ["score"] = Math.Round(hit.Score, 4),
                });
            context.Out.WriteLine(array.ToJsonString(ArticleFormatter.Json));
            return ExitCodes.Ok;
        }

        if (hits.Count == 0)
        {
            context.Out.WriteLine("No matches.");
            return ExitCodes.Ok;
        }
        for (var i = 0; i < hits.Count; i++)
        {
            var hit = hits[i];
            context.Out.WriteLine($"{i + 1,3}. {TerminalText.Safe(hit.Title ?? "(untitled)")}");
            context.Out.WriteLine($"     {hit.Url}  (id {hit.PageId})");
            context.Out.WriteLine($"     {TerminalText.Safe(hit.Snippet.ReplaceLineEndings(" "))}");
        }
        return ExitCodes.Ok;
    }

    internal static string UnindexedNote(long pages) =>
        $"scraper: note: {pages} page(s) stored lately are not in the search index yet, so this search did not see them as they are now; "
        + "a writer at work indexes them within seconds, and after one that was killed the next crawl, import or reextract does";
}
