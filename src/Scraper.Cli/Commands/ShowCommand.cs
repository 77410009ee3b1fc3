using System.CommandLine;
using Scraper.Archive;
using Scraper.Export;
using Scraper.Extraction;

namespace Scraper.Cli.Commands;

/// <summary><c>scraper show &lt;url|id&gt; [--revision N] [--format json|text|markdown]</c>: one archived article.</summary>
public static class ShowCommand
{
    public static Command Create(CliContext context)
    {
        var page = new Argument<string>("page") { Description = "The page's URL (any of its URLs: either scheme, a mirror host, an alias) or its id from 'scraper list'" };
        var revision = new Option<int?>("--revision") { Description = "Show revision N (1 = the first seen; default: the current one)", HelpName = "N" };
        var format = new Option<string>("--format") { Description = "json (the extract fields plus archive fields), text or markdown", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "text", "markdown");
        var db = ArchiveLocation.CreateOption();
        var command = new Command("show", "Show an archived article, its current revision or an earlier one, with the page's other URLs (aliases).\n" + ScraperCli.LookupExitCodeHelp)
        {
            page, revision, format, db,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(context,
            parse.GetValue(page)!, parse.GetValue(revision), parse.GetValue(format)!, parse.GetValue(db), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string pageArgument, int? revision, string format, string? dbOption, CancellationToken cancellationToken)
    {
        if (revision is < 1)
            throw new UsageException("--revision must be 1 or more");
        await using var store = await ArchiveLocation.OpenAsync(dbOption, ArchiveAccess.ReadOnly, cancellationToken);
        ArchivedArticle archived;
        IReadOnlyList<PageAlias> aliases;
        try
        {
            var page = await FindArticlePageAsync(store, pageArgument, cancellationToken);
            archived = await store.Reader.GetArticleAsync(page.PageId, revision, cancellationToken)
                ?? throw new CommandFailedException(
                    $"{page.Url} has no revision {revision} (it has {(await store.Reader.GetHistoryAsync(page.PageId, cancellationToken)).Count}; see 'scraper history')",
                    ExitCodes.NotFound);
            aliases = await store.Pages.ListAliasesAsync(page.PageId, cancellationToken);
        }
        catch (ArchiveException e)
        {
            throw ArchiveLocation.ToCommandFailure(e);
        }

        var article = archived.Article;
        var footer = $"Revision {archived.Revision} of {archived.Revisions}{(archived.IsLatest ? " (current)" : "")}, "
            + $"first captured {ArchiveLocation.ShortTime(archived.CapturedAt)} UTC, extractor {article.Extractor}, content sha256 {archived.ContentSha256[..12]}";
        // The page's other URLs: where it was also fetched, imported or linked (the other scheme, a mirror host).
        var alsoAt = aliases.Count == 0 ? "" : "Also at: " + string.Join(", ", aliases.Select(a =>
            TerminalText.Safe(a.Url) + (a.Captures > 0 ? $" ({a.Captures} capture{(a.Captures == 1 ? "" : "s")})" : " (linked)")));
        context.Out.Write(format switch
        {
            "text" => ArticleFormatter.ToText(article) + "\n" + footer + "\n" + (alsoAt.Length > 0 ? alsoAt + "\n" : ""),
            "markdown" => ArticleFormatter.ToMarkdown(article) + "\n---\n\n*" + footer + "*\n" + (alsoAt.Length > 0 ? "\n*" + alsoAt + "*\n" : ""),
            // The same object as a line of `export -f jsonl`, aliases included.
            _ => ArticleFormatter.ToJson(article, indented: true, extraLast: JsonLinesArticleWriter.ArchiveFields(archived)) + "\n",
        });
        return ExitCodes.Ok;
    }

    /// <summary>The page of an article by URL or id; shared with <c>history</c>.</summary>
    internal static async Task<PageReference> FindArticlePageAsync(ArchiveStore store, string urlOrId, CancellationToken cancellationToken)
    {
        if (!long.TryParse(urlOrId, out _) && !CanonicalUrl.TryNormalize(urlOrId, out _))
            throw new UsageException($"'{urlOrId}' is neither an http(s) URL nor a page id");
        var page = await store.Reader.FindPageAsync(urlOrId, cancellationToken)
            ?? throw new CommandFailedException($"{urlOrId} is not in the archive ({store.Path})", ExitCodes.NotFound);
        if (page.ContinuationOf is not null)
            throw new CommandFailedException($"{page.Url} is a continuation page of {page.ContinuationOf}; its text is part of that page's article");
        if (!page.HasArticle)
            throw new CommandFailedException($"{page.Url} is archived but has no extracted article", ExitCodes.NotFound);
        return page;
    }
}
