using System.CommandLine;
using System.Text.Json.Nodes;
using Scraper.Extraction;
using Scraper.Fetching;
using Scraper.Sites;

namespace Scraper.Cli.Commands;

/// <summary><c>scraper extract &lt;file-or-url&gt;...</c>: one article per input, without touching the archive.</summary>
public static class ExtractCommand
{
    public static Command Create(CliContext context)
    {
        var inputs = new Argument<string[]>("inputs") { Description = "HTML files or http(s) URLs", Arity = ArgumentArity.OneOrMore };
        var url = new Option<string?>("--url") { Description = "The original URL of a single file input (by default a samples/-like path gives it)" };
        var format = new Option<string>("--format") { Description = "json (JSON Lines for several inputs), text or markdown", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "text", "markdown");
        var rules = SiteRulesOption.Create();
        var command = new Command("extract", "Extract the article of saved pages or URLs (the archive is not touched).\n" + ScraperCli.ExitCodeHelp)
        {
            inputs, url, format, rules,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(context,
            parse.GetValue(inputs)!, parse.GetValue(url), parse.GetValue(format)!, parse.GetValue(rules), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string[] inputs, string? urlOption, string format, string? rulesFile,
        CancellationToken cancellationToken)
    {
        Uri? givenUrl = null;
        if (urlOption is not null)
        {
            if (inputs.Length != 1 || IsUrl(inputs[0]))
                throw new UsageException("--url applies to a single file input");
            if (!Uri.TryCreate(urlOption, UriKind.Absolute, out givenUrl) || givenUrl.Scheme is not ("http" or "https"))
                throw new UsageException($"--url '{urlOption}' is not an http(s) URL");
        }
        var extractor = new ArticleExtractor(SiteRulesOption.Load(rulesFile));
        // URLs go through the crawler's downloader: robots.txt, politeness and retries apply to one-off fetches too.
        using var http = new HttpPageSource();
        var downloader = new Downloader(http);
        var failed = 0;
        foreach (var input in inputs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Article article;
            try
            {
                article = IsUrl(input)
                    ? await ExtractUrlAsync(extractor, downloader, new Uri(input), cancellationToken)
                    : await ExtractFileAsync(extractor, input, givenUrl, cancellationToken);
            }
            catch (Exception e) when (e is UnreadablePageException or IOException or UnauthorizedAccessException or InputException)
            {
                failed++;
                context.Error.WriteLine($"scraper: {input}: {OneLine(e.Message)}");
                continue;
            }
            if (article.IsEmpty)
            {
                failed++;
                context.Error.WriteLine($"scraper: {input}: no article text found (a page cut off before its body, or not an article page)");
                continue;
            }
            context.Out.Write(format switch
            {
                "text" => ArticleFormatter.ToText(article) + (inputs.Length > 1 ? "\n" : ""),
                "markdown" => ArticleFormatter.ToMarkdown(article) + (inputs.Length > 1 ? "\n---\n\n" : ""),
                _ when inputs.Length == 1 => ArticleFormatter.ToJson(article, indented: true) + "\n",
                _ => ArticleFormatter.ToJson(article, indented: false, [new("input", JsonValue.Create(input))]) + "\n",
            });
        }
        return failed == 0 ? ExitCodes.Ok : ExitCodes.Partial;
    }

    private static async Task<Article> ExtractFileAsync(ArticleExtractor extractor, string path, Uri? givenUrl, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path)) throw new InputException("is a folder, not an HTML file");
        if (!File.Exists(path)) throw new InputException("no such file");
        var length = new FileInfo(path).Length;
        var loader = new HtmlDocumentLoader();
        if (length > loader.MaxBytes)
            throw new InputException($"{length / 1048576.0:0.0} MB is larger than the {loader.MaxBytes / 1048576} MB limit for one page");
        var url = givenUrl ?? SamplePaths.UrlForFile(path) ?? new Uri(Path.GetFullPath(path));
        var body = await File.ReadAllBytesAsync(path, cancellationToken);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        // A multi-page article's sibling pages are the files of the same folder named by the pager.
        return await extractor.ExtractJoinedAsync(url, body, null, async (sibling, ct) =>
        {
            var file = Path.Combine(folder, Uri.UnescapeDataString(sibling.Segments[^1]));
            return File.Exists(file) ? await File.ReadAllBytesAsync(file, ct) : null;
        }, cancellationToken);
    }

    private static async Task<Article> ExtractUrlAsync(ArticleExtractor extractor, Downloader downloader, Uri url, CancellationToken cancellationToken)
    {
        var page = await downloader.FetchAsync(new FetchRequest(url), cancellationToken);
        if (!page.IsSuccess) throw new InputException(page.ErrorMessage ?? $"HTTP {page.StatusCode}");
        if (page.Truncated) throw new InputException($"the body is larger than {FetchOptions.DefaultMaxBodyBytes / 1048576} MB");
        return await extractor.ExtractJoinedAsync(page.FinalUrl, page.Body, page.ContentType, async (sibling, ct) =>
        {
            var result = await downloader.FetchAsync(new FetchRequest(sibling), ct);
            return result.IsSuccess && !result.Truncated ? result.Body : null;
        }, cancellationToken);
    }

    private static bool IsUrl(string input) =>
        input.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || input.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");

    private sealed class InputException(string message) : Exception(message);
}
