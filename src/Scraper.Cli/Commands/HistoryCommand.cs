using System.CommandLine;
using System.Text.Json.Nodes;
using Scraper.Archive;
using Scraper.Extraction;

namespace Scraper.Cli.Commands;

/// <summary><c>scraper history &lt;url|id&gt; [--format table|json]</c>: a page's revisions.</summary>
public static class HistoryCommand
{
    public static Command Create(CliContext context)
    {
        var page = new Argument<string>("page") { Description = "The page's URL (any spelling of it) or its id from 'scraper list'" };
        var format = new Option<string>("--format") { Description = "table or json (one JSON array)", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var db = ArchiveLocation.CreateOption();
        var command = new Command("history", "List a page's revisions: when each content was first seen, which extractor made it, and its hash.\n" + ScraperCli.LookupExitCodeHelp)
        {
            page, format, db,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(context, parse.GetValue(page)!, parse.GetValue(format)!, parse.GetValue(db), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string pageArgument, string format, string? dbOption, CancellationToken cancellationToken)
    {
        await using var store = await ArchiveLocation.OpenAsync(dbOption, ArchiveAccess.ReadOnly, cancellationToken);
        PageReference page;
        IReadOnlyList<RevisionSummary> history;
        try
        {
            page = await ShowCommand.FindArticlePageAsync(store, pageArgument, cancellationToken);
            history = await store.Reader.GetHistoryAsync(page.PageId, cancellationToken);
        }
        catch (ArchiveException e)
        {
            throw ArchiveLocation.ToCommandFailure(e);
        }

        if (format == "json")
        {
            var array = new JsonArray();
            foreach (var revision in history)
                array.Add((JsonNode)new JsonObject
                {
                    ["url"] = page.Url,
                    ["revision"] = revision.Number,
                    ["first_seen"] = ArchiveLocation.JsonTime(revision.FirstSeen),
                    ["created_at"] = ArchiveLocation.JsonTime(revision.CreatedAt),
                    ["extractor"] = revision.Extractor,
                    ["content_sha256"] = revision.ContentSha256,
                    ["title"] = revision.Title,
                    ["captures"] = revision.Captures,
                    ["current"] = revision.IsLatest,
                });
            context.Out.WriteLine(array.ToJsonString(ArticleFormatter.Json));
            return ExitCodes.Ok;
        }

        context.Out.WriteLine(page.Url);
        var table = new TextTable("REV", "FIRST SEEN (UTC)", "EXTRACTOR", "CAPTURES", "SHA256", "TITLE");
        foreach (var revision in history)
            table.Add((revision.IsLatest ? "*" : "") + revision.Number, ArchiveLocation.ShortTime(revision.FirstSeen), revision.Extractor,
                revision.Captures.ToString(), revision.ContentSha256[..12], TextTable.Truncate(revision.Title, 60));
        context.Out.Write(table.Render());
        return ExitCodes.Ok;
    }
}
