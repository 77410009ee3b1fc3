using System.CommandLine;
using Scraper.Archive;
using Scraper.Extraction;
using Scraper.Sites;

namespace Scraper.Cli.Commands;

/// <summary><c>scraper import &lt;file-or-folder&gt;... [--url URL]</c>: archives saved HTML pages.</summary>
public static class ImportCommand
{
    private static readonly string[] PageExtensions = [".htm", ".html", ".shtml", ".xhtml"];

    public static Command Create(CliContext context)
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Saved HTML files, or folders laid out like samples/ (<host>/<path>)", Arity = ArgumentArity.OneOrMore };
        var url = new Option<string?>("--url") { Description = "The original URL of a single file input (by default a samples/-like path gives it)" };
        var db = ArchiveLocation.CreateOption();
        var rules = SiteRulesOption.Create();
        var command = new Command("import",
            "Archive saved HTML pages: each page's raw body, and its article as a new revision when the content is new. "
            + "Importing the same content again records nothing.\n" + ScraperCli.ExitCodeHelp
            + " SIGINT or SIGTERM stops the import after the file in hand, with the summary of what was imported, and exits 130 or 143.")
        {
            inputs, url, db, rules,
        };
        command.SetAction((parse, cancellationToken) =>
            RunAsync(context, parse.GetValue(inputs)!, parse.GetValue(url), parse.GetValue(db), parse.GetValue(rules), cancellationToken));
        return command;
    }

    private sealed record ImportFile(string Path, Uri? Url);

    private static async Task<int> RunAsync(CliContext context, string[] inputs, string? urlOption, string? dbOption, string? rulesFile,
        CancellationToken cancellationToken)
    {
        var sites = SiteRulesOption.Load(rulesFile);
        Uri? givenUrl = null;
        if (urlOption is not null)
        {
            if (inputs.Length != 1 || Directory.Exists(inputs[0]))
                throw new UsageException("--url applies to a single file input");
            if (!Uri.TryCreate(urlOption, UriKind.Absolute, out givenUrl) || givenUrl.Scheme is not ("http" or "https"))
                throw new UsageException($"--url '{urlOption}' is not an http(s) URL");
        }

        // SIGINT and SIGTERM stop the import between two files: the file in hand is stored whole (or not at all, as any
        // page), the summary says what was imported, and the exit code is 130 or 143, as for crawl.
        using var stop = new StopSignals(cancellationToken);
        var failed = 0;
        var files = new List<ImportFile>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                files.AddRange(Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories)
                    .Where(f => PageExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal)
                    .Select(f => new ImportFile(f, SamplePaths.UrlForFile(f))));
            }
            else if (File.Exists(input))
            {
                files.Add(new ImportFile(input, givenUrl ?? SamplePaths.UrlForFile(input)));
            }
            else
            {
                context.Error.WriteLine($"scraper: {input}: no such file or folder");
                failed++;
            }
        }
        if (files.Count == 0)
        {
            if (failed == 0)
                context.Error.WriteLine("scraper: no HTML files (.htm, .html, .shtml) in the given folders");
            return ExitCodes.Failed;
        }

        // Sibling pages of a multi-page article are found among the inputs first, then in the archive.
        var byUrl = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files.Where(f => f.Url is not null))
            byUrl.TryAdd(SchemelessKey(file.Url!), file.Path);

        await using var store = await ArchiveLocation.OpenAsync(dbOption, ArchiveAccess.ReadWrite, CancellationToken.None);
        var archiver = new ArticleArchiver(store, new ArticleExtractor(sites));
        var loader = new HtmlDocumentLoader();
        int imported = 0, newPages = 0, newRevisions = 0, unchanged = 0, done = 0;
        foreach (var file in files)
        {
            if (stop.Token.IsCancellationRequested)
                break;
            done++;
            if (file.Url is null)
            {
                context.Error.WriteLine($"scraper: {file.Path}: cannot tell the page's URL from its path (no <host>/ folder above it); pass --url");
                failed++;
                continue;
            }
            try
            {
                if (new FileInfo(file.Path).Length > loader.MaxBytes)
                    throw new UnreadablePageException($"larger than the {loader.MaxBytes / 1048576} MB limit for one page");
                // Read up to the limit whatever the path is: a FIFO or /dev/zero has no size to check beforehand.
                // The file in hand is finished whatever signal comes meanwhile.
                var body = await PageFile.ReadAsync(file.Path, loader.MaxBytes, CancellationToken.None);
                var capture = new PageCapture(file.Url, DateTimeOffset.UtcNow, body, CaptureOrigin.Import);
                var (stored, reading) = await archiver.ArchiveAsync(capture, (sibling, ct) => LoadSiblingAsync(byUrl, file.Path, sibling, ct), CancellationToken.None);
                imported++;
                if (stored.PageAdded) newPages++;
                if (stored.RevisionAdded) newRevisions++;
                if (!stored.CaptureAdded && !stored.RevisionAdded) unchanged++;
                // A file imported under another URL of an archived page (the other scheme, a mirror host) adds to that page.
                context.Out.WriteLine($"{Describe(stored, reading),-12} {stored.Url}" + (stored.Alias is { } alias ? $" (as {alias})" : ""));
            }
            catch (Exception e) when (e is UnreadablePageException or IOException or UnauthorizedAccessException)
            {
                context.Error.WriteLine($"scraper: {file.Path}: {e.Message.ReplaceLineEndings(" ")}");
                failed++;
            }
            catch (ArchiveException e)
            {
                context.Error.WriteLine($"scraper: {imported} file(s) were imported before the error");
                throw ArchiveLocation.ToCommandFailure(e);
            }
        }
        var stopped = stop.Received && done < files.Count;
        context.Out.WriteLine(
            $"Imported {imported} file(s) into {store.Path}: {newPages} new page(s), {newRevisions} new revision(s), {unchanged} unchanged"
            + (failed > 0 ? $", {failed} failed" : "")
            + (stopped ? $"; stopped by {(stop.ExitCode == StopSignals.TerminateExitCode ? "SIGTERM" : "SIGINT")}, {files.Count - done} file(s) not imported." : "."));
        // A signal that came with the last file stopped nothing: the exit code says how the import went.
        if (stopped)
            return stop.ExitCode;
        return failed == 0 ? ExitCodes.Ok : imported > 0 ? ExitCodes.Partial : ExitCodes.Failed;
    }

    private static string Describe(StoreResult stored, PageReading reading) =>
        reading.ContinuationOf is not null ? (stored.CaptureAdded ? "continuation" : "unchanged")
        : reading.IsStandingPage ? (stored.CaptureAdded ? "standing" : "unchanged")
        // A section list, or a page with no article text: its body is kept, but there is no article to revise.
        : reading.Article is null ? (stored.CaptureAdded ? "no article" : "unchanged")
        : stored.PageAdded ? "new"
        : stored.RevisionAdded ? $"revision {stored.RevisionNumber}"
        : stored.CaptureAdded ? "recaptured"
        : "unchanged";

    /// <summary>A sibling page among the inputs, else beside the file being imported (as <c>extract</c> finds it).</summary>
    private static async Task<ReadOnlyMemory<byte>?> LoadSiblingAsync(Dictionary<string, string> byUrl, string importing, Uri sibling, CancellationToken cancellationToken)
    {
        if (!byUrl.TryGetValue(SchemelessKey(sibling), out var path))
            path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(importing))!, Uri.UnescapeDataString(sibling.Segments[^1]));
        if (!File.Exists(path)) return null;
        try { return await PageFile.ReadAsync(path, new HtmlDocumentLoader().MaxBytes, cancellationToken); }
        catch (UnreadablePageException) { return null; }
    }

    // Saved pages' links may say http:// where the folder layout says https://; the page is the same.
    private static string SchemelessKey(Uri url)
    {
        var canonical = CanonicalUrl.Normalize(url);
        return canonical[canonical.IndexOf("://", StringComparison.Ordinal)..];
    }
}
