using System.CommandLine;
using Scraper.Archive;
using Scraper.Extraction;
using Scraper.Sites;

namespace Scraper.Cli.Commands;

/// <summary><c>scraper reextract</c>: the current extractors over every stored raw capture, without refetching.</summary>
public static class ReextractCommand
{
    public static Command Create(CliContext context)
    {
        var db = ArchiveLocation.CreateOption();
        var rules = SiteRulesOption.Create();
        var command = new Command("reextract",
            "Run the current extractors again over every stored raw capture, each page with the rules of the site it was archived "
            + "under; a revision is added only where the article changed.\n" + ScraperCli.ExitCodeHelp)
        {
            db, rules,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(context, parse.GetValue(db), parse.GetValue(rules), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string? dbOption, string? rulesFile, CancellationToken cancellationToken)
    {
        var sites = SiteRulesOption.Load(rulesFile);
        await using var store = await ArchiveLocation.OpenAsync(dbOption, ArchiveAccess.ReadWrite, cancellationToken);
        var archiver = new ArticleArchiver(store, new ArticleExtractor(sites));
        int done = 0, newRevisions = 0, changedPages = 0, failed = 0;
        try
        {
            var captures = await store.Reader.ListCapturesAsync(cancellationToken);
            // A page fetched often has many captures of few bodies: each body of a page is extracted once.
            var readings = new Dictionary<string, PageReading>(StringComparer.Ordinal);
            long? page = null;
            foreach (var capture in captures)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (capture.PageId != page) { readings.Clear(); page = capture.PageId; }
                try
                {
                    var (result, reading) = await archiver.ReextractAsync(capture, readings.GetValueOrDefault(capture.BodySha256), cancellationToken);
                    readings[capture.BodySha256] = reading;
                    done++;
                    if (result.RevisionAdded)
                    {
                        newRevisions++;
                        context.Out.WriteLine($"revision {result.RevisionNumber,-3} {capture.Url} (capture of {ArchiveLocation.ShortTime(capture.CapturedAt)} UTC)");
                    }
                    if (result.LatestChanged)
                        changedPages++;
                }
                catch (UnreadablePageException e)
                {
                    failed++;
                    context.Error.WriteLine($"scraper: {capture.Url}: capture {capture.CaptureId} left as it was: {e.Message.ReplaceLineEndings(" ")}");
                }
            }
            context.Out.WriteLine(
                $"Re-extracted {done} of {captures.Count} capture(s): {newRevisions} new revision(s), {changedPages} page(s) with a new current revision"
                + (failed > 0 ? $", {failed} unreadable." : "."));
        }
        catch (ArchiveException e)
        {
            context.Error.WriteLine($"scraper: {done} capture(s) were re-extracted before the error");
            throw ArchiveLocation.ToCommandFailure(e);
        }
        return failed == 0 ? ExitCodes.Ok : done > 0 ? ExitCodes.Partial : ExitCodes.Failed;
    }
}
