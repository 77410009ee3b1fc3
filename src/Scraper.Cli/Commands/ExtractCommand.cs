using System.CommandLine;
using System.Text.Json.Nodes;
using Scraper.Extraction;
using Scraper.Fetching;
using Scraper.Sites;

namespace Scraper.Cli.Commands;

/// <summary><c>scraper extract &lt;file-or-url&gt;...</c>: one article per input, without touching the archive.</summary>
public static class ExtractCommand
{
    /// <summary>The input that names standard input: one page, read whole.</summary>
    public const string StandardInput = "-";

    public static Command Create(CliContext context)
    {
        var inputs = new Argument<string[]>("inputs")
        {
            Description = "HTML files, http(s) URLs, or - for one page on standard input",
            Arity = ArgumentArity.ZeroOrMore,
            HelpName = "FILE|URL|-",
        };
        var inputFile = new Option<string?>("--input-file", "-i")
        {
            Description = "Also read inputs from FILE, one per line (- for standard input; blank lines and # comments skipped)",
            HelpName = "FILE",
        };
        var url = new Option<string?>("--url") { Description = "The original URL of a single file or standard-input page (by default a samples/-like path gives it)", HelpName = "URL" };
        var format = new Option<string>("--format", "-f") { Description = "json (JSON Lines for several inputs), text or markdown", DefaultValueFactory = _ => "json", HelpName = "FORMAT" };
        format.AcceptOnlyFromAmong("json", "text", "markdown");
        var rules = SiteRulesOption.Create();
        var jobs = new Option<int>("--jobs", "-j")
        {
            Description = "Extract this many inputs at once (output stays in input order)",
            DefaultValueFactory = _ => Environment.ProcessorCount,
            HelpName = "N",
        };
        var command = new Command("extract", "Extract the article of saved pages or URLs (the archive is not touched).")
        {
            inputs, inputFile, url, format, rules, jobs,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(context,
            new Request(parse.GetValue(inputs)!, parse.GetValue(inputFile), parse.GetValue(url), parse.GetValue(format)!,
                parse.GetValue(rules), parse.GetValue(jobs)),
            cancellationToken));
        return command;
    }

    private sealed record Request(string[] Inputs, string? InputFile, string? Url, string Format, string? RulesFile, int Jobs);

    /// <summary>One input's outcome: what goes to standard output, or the one line that goes to standard error.</summary>
    private sealed record Outcome(string? Output, string? Error);

    private static async Task<int> RunAsync(CliContext context, Request request, CancellationToken cancellationToken)
    {
        if (request.Jobs < 1)
            throw new UsageException("--jobs must be 1 or more");
        if (request.InputFile == StandardInput && request.Inputs.Contains(StandardInput))
            throw new UsageException("standard input cannot be both a page (-) and the input list (--input-file -)");
        if (request.Inputs.Count(i => i == StandardInput) > 1)
            throw new UsageException("standard input (-) can be read only once");
        var listed = request.InputFile is null ? [] : ReadInputList(context, request.InputFile);

        // Read up to two inputs to know whether this is one JSON object or JSON Lines; the rest stay unread until needed.
        using var all = request.Inputs.Concat(listed).GetEnumerator();
        if (!all.MoveNext())
            throw new UsageException("no input: name HTML files or URLs, - for standard input, or --input-file FILE");
        var first = all.Current;
        var several = all.MoveNext();

        Uri? givenUrl = null;
        if (request.Url is not null)
        {
            if (several || IsUrl(first))
                throw new UsageException("--url applies to a single file input (or - for standard input)");
            if (!Uri.TryCreate(request.Url, UriKind.Absolute, out givenUrl) || givenUrl.Scheme is not ("http" or "https"))
                throw new UsageException($"--url '{request.Url}' is not an http(s) URL");
        }
        var extractor = new ArticleExtractor(SiteRulesOption.Load(request.RulesFile));
        // URLs go through the crawler's downloader: robots.txt, politeness and retries apply to one-off fetches too.
        // Made only when an input is a URL: most runs read files.
        var downloader = new Lazy<(HttpPageSource Http, Downloader Downloader)>(() =>
        {
            var http = new HttpPageSource();
            return (http, new Downloader(http));
        });
        try
        {
            var failed = 0;
            var work = OrderedWork.RunAsync(Remaining(first, several ? all : null),
                (input, ct) => ExtractOneAsync(context, extractor, downloader, input, givenUrl, request.Format, several, ct),
                request.Jobs, cancellationToken);
            await foreach (var outcome in work)
            {
                if (outcome.Error is not null)
                {
                    failed++;
                    context.Error.WriteLine(outcome.Error);
                }
                else
                    context.Out.Write(outcome.Output);
            }
            return failed == 0 ? ExitCodes.Ok : ExitCodes.Partial;
        }
        finally
        {
            if (downloader.IsValueCreated) downloader.Value.Http.Dispose();
        }
    }

    private static IEnumerable<string> Remaining(string first, IEnumerator<string>? rest)
    {
        yield return first;
        if (rest is null) yield break;
        do yield return rest.Current;
        while (rest.MoveNext());
    }

    /// <summary>The lines of an input list, read as they are needed.</summary>
    private static IEnumerable<string> ReadInputList(CliContext context, string path)
    {
        TextReader reader;
        try
        {
            reader = path == StandardInput ? new StreamReader(context.OpenInput()) : new StreamReader(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--input-file {path}: {(e is FileNotFoundException ? "no such file" : e.Message)}");
        }
        return Lines(reader);

        static IEnumerable<string> Lines(TextReader reader)
        {
            using (reader)
                while (reader.ReadLine() is { } line)
                {
                    var input = line.Trim();
                    if (input.Length > 0 && !input.StartsWith('#'))
                        yield return input;
                }
        }
    }

    private static async Task<Outcome> ExtractOneAsync(CliContext context, ArticleExtractor extractor,
        Lazy<(HttpPageSource Http, Downloader Downloader)> downloader, string input, Uri? givenUrl, string format, bool several,
        CancellationToken cancellationToken)
    {
        Article article;
        try
        {
            article = input == StandardInput ? await ExtractStandardInputAsync(context, extractor, givenUrl, cancellationToken)
                : IsUrl(input) ? await ExtractUrlAsync(extractor, downloader.Value.Downloader, new Uri(input), cancellationToken)
                : await ExtractFileAsync(extractor, input, givenUrl, cancellationToken);
        }
        catch (Exception e) when (e is UnreadablePageException or IOException or UnauthorizedAccessException or InputException)
        {
            return new Outcome(null, $"scraper: {input}: {OneLine(e.Message)}");
        }
        if (article.IsEmpty)
            return new Outcome(null, $"scraper: {input}: no article text found (a page cut off before its body, or not an article page)");
        return new Outcome(format switch
        {
            "text" => ArticleFormatter.ToText(article) + (several ? "\n" : ""),
            "markdown" => ArticleFormatter.ToMarkdown(article) + (several ? "\n---\n\n" : ""),
            _ when !several => ArticleFormatter.ToJson(article, indented: true) + "\n",
            _ => ArticleFormatter.ToJson(article, indented: false, [new("input", JsonValue.Create(input))]) + "\n",
        }, null);
    }

    private static async Task<Article> ExtractFileAsync(ArticleExtractor extractor, string path, Uri? givenUrl, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path)) throw new InputException("is a folder, not an HTML file");
        if (!File.Exists(path)) throw new InputException("no such file");
        var length = new FileInfo(path).Length;
        // The extractor's own limit: a loader made here for it would set up a parser for each input.
        var maxBytes = extractor.MaxPageBytes;
        if (length > maxBytes)
            throw new InputException($"{length / 1048576.0:0.0} MB is larger than the {maxBytes / 1048576} MB limit for one page");
        var url = givenUrl ?? SamplePaths.UrlForFile(path) ?? new Uri(Path.GetFullPath(path));
        // Read up to the limit whatever the path is: a FIFO or /dev/zero has no size to check beforehand.
        var body = await PageFile.ReadAsync(path, maxBytes, cancellationToken);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        // A multi-page article's sibling pages are the files of the same folder named by the pager.
        return await extractor.ExtractJoinedAsync(url, body, null, async (sibling, ct) =>
        {
            var file = Path.Combine(folder, Uri.UnescapeDataString(sibling.Segments[^1]));
            if (!File.Exists(file)) return null;
            try { return await PageFile.ReadAsync(file, maxBytes, ct); }
            catch (UnreadablePageException) { return null; }
        }, cancellationToken);
    }

    /// <summary>One page piped in (<c>curl … | scraper extract - --url …</c>); its URL is <c>--url</c>, else that of standard input.</summary>
    private static async Task<Article> ExtractStandardInputAsync(CliContext context, ArticleExtractor extractor, Uri? givenUrl,
        CancellationToken cancellationToken)
    {
        var limit = extractor.MaxPageBytes;
        using var buffer = new MemoryStream();
        await using (var input = context.OpenInput())
        {
            var chunk = new byte[81920];
            int read;
            while ((read = await input.ReadAsync(chunk, cancellationToken)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > limit)
                    throw new InputException($"more than the {limit / 1048576} MB limit for one page");
            }
        }
        var url = givenUrl ?? new Uri("file:///dev/stdin");
        // No sibling pages: a piped page has no folder to find them in.
        return await extractor.ExtractJoinedAsync(url, buffer.ToArray(), null, (_, _) => Task.FromResult<ReadOnlyMemory<byte>?>(null), cancellationToken);
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
