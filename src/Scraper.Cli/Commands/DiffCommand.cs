using System.CommandLine;
using System.Text;
using Scraper.Archive;
using Scraper.Diffing;

namespace Scraper.Cli.Commands;

/// <summary>
/// <c>scraper diff &lt;url|page-id&gt; [--from REV] [--to REV] [--format text|json|html] [--out FILE]</c>: what changed
/// between two revisions of an archived page (by default its last two).
/// </summary>
public static class DiffCommand
{
    public const string ExitCodeHelp =
        "Exit codes: 0 ok (also \"no changes\"), 1 unknown page or revision, 2 usage, 3 archive locked, 4 failed.";

    /// <summary>Opens the revisions of the archive named by <c>--db</c> (null: the default archive).</summary>
    public delegate Task<IRevisionSource> RevisionSourceOpener(string? archivePath, CancellationToken cancellationToken);

    public static Command Create(CliContext context) => Create(context, OpenArchiveAsync);

    public static Command Create(CliContext context, RevisionSourceOpener openSource)
    {
        var page = new Argument<string>("page") { Description = "The page: its URL or its id in the archive" };
        var from = new Option<int?>("--from") { Description = "The older revision (default: the one before --to)", HelpName = "REV" };
        var to = new Option<int?>("--to") { Description = "The newer revision (default: the latest)", HelpName = "REV" };
        var format = new Option<string>("--format")
        {
            Description = "text (word-level marks, coloured on a terminal unless NO_COLOR is set), json or html (one self-contained page)",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json", "html");
        var output = new Option<string?>("--out") { Description = "Write the diff to this file instead of the standard output", HelpName = "FILE" };
        var archive = ArchiveLocation.CreateOption();
        var command = new Command("diff",
            "Show what changed between two revisions of an archived page: title, subtitle, date, byline, paragraphs "
            + "(matched across insertions, deletions and moves, words marked inside an edited one) and figures. "
            + "Paragraph and figure numbers count from 1 in text and html, indexes from 0 in json.\n" + ExitCodeHelp)
        {
            page, from, to, format, output, archive,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var request = new DiffRequest(parse.GetValue(page)!, parse.GetValue(from), parse.GetValue(to), parse.GetValue(format)!, parse.GetValue(output));
            request.Validate();
            var source = await openSource(parse.GetValue(archive), cancellationToken);
            try
            {
                // Colour only when writing to the real console (tests pass string writers) and it is a terminal.
                var colour = request.Format == "text" && request.OutFile is null
                    && UseColour(ReferenceEquals(context.Out, Console.Out) && !Console.IsOutputRedirected, Environment.GetEnvironmentVariable("NO_COLOR"));
                return await RunAsync(context, source, request, colour, cancellationToken);
            }
            catch (ArchiveException e)
            {
                throw ArchiveLocation.ToCommandFailure(e);
            }
            finally
            {
                if (source is IAsyncDisposable disposable) await disposable.DisposeAsync();
            }
        });
        return command;
    }

    /// <param name="OutFile">Null: the standard output.</param>
    public sealed record DiffRequest(string Page, int? From, int? To, string Format, string? OutFile)
    {
        public void Validate()
        {
            if (string.IsNullOrWhiteSpace(Page)) throw new UsageException("the page is empty: give its URL or its id");
            if (From is < 1) throw new UsageException($"--from {From} is not a revision number (they start at 1)");
            if (To is < 1) throw new UsageException($"--to {To} is not a revision number (they start at 1)");
            if (OutFile is not null && (OutFile.Length == 0 || Directory.Exists(OutFile)))
                throw new UsageException($"--out '{OutFile}' is not a file path");
        }
    }

    /// <summary>Colour only for a terminal, and never when NO_COLOR is set to anything (https://no-color.org).</summary>
    public static bool UseColour(bool writesToTerminal, string? noColor) => writesToTerminal && string.IsNullOrEmpty(noColor);

    public static async Task<int> RunAsync(CliContext context, IRevisionSource source, DiffRequest request, bool colour, CancellationToken cancellationToken)
    {
        var history = await source.FindPageAsync(request.Page.Trim(), cancellationToken)
            ?? throw new CommandFailedException($"no page '{request.Page}' in the archive", ExitCodes.NotFound);
        var (fromNumber, toNumber) = ChooseRevisions(history, request.From, request.To);
        if (request.From is null && request.To is null && fromNumber == toNumber)
            context.Error.WriteLine($"scraper: {history.Url} has a single revision; nothing to compare it with");
        var older = await source.GetRevisionAsync(history.PageId, fromNumber, cancellationToken)
            ?? throw new CommandFailedException($"{history.Url} has no revision {fromNumber}", ExitCodes.NotFound);
        var newer = await source.GetRevisionAsync(history.PageId, toNumber, cancellationToken)
            ?? throw new CommandFailedException($"{history.Url} has no revision {toNumber}", ExitCodes.NotFound);

        var diff = ArticleDiff.Compare(older.Article, newer.Article);
        var rendered = request.Format switch
        {
            "json" => JsonDiffRenderer.Render(diff, older.Info, newer.Info),
            "html" => HtmlDiffRenderer.Render(diff, older.Info, newer.Info),
            _ => TextDiffRenderer.Render(diff, older.Info, newer.Info, colour),
        };
        if (request.OutFile is null)
        {
            await context.Out.WriteAsync(rendered);
            return ExitCodes.Ok;
        }
        try
        {
            await File.WriteAllTextAsync(request.OutFile, rendered, new UTF8Encoding(false), cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--out '{request.OutFile}': {e.Message.ReplaceLineEndings(" ")}");
        }
        context.Out.WriteLine($"{request.OutFile}: {diff.Summary()} (revision {fromNumber} → {toNumber})");
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The two revisions to compare: <c>--to</c> defaults to the latest, <c>--from</c> to the revision before
    /// <c>--to</c> (the same one when <c>--to</c> is the first, which compares to "no changes").
    /// </summary>
    public static (int From, int To) ChooseRevisions(RevisionHistory history, int? from, int? to)
    {
        var numbers = history.RevisionNumbers;
        if (numbers.Count == 0) throw new CommandFailedException($"{history.Url} has no article revisions in the archive", ExitCodes.NotFound);
        foreach (var (name, number) in new[] { ("--from", from), ("--to", to) })
            if (number is { } n && !numbers.Contains(n))
                throw new CommandFailedException($"{history.Url} has no revision {n} ({name}); it has {Describe(numbers)}", ExitCodes.NotFound);
        var newer = to ?? numbers[^1];
        var position = numbers.ToList().IndexOf(newer);
        var older = from ?? numbers[Math.Max(0, position - 1)];
        return (older, newer);
    }

    private static string Describe(IReadOnlyList<int> numbers) =>
        numbers.Count == 1 ? $"only revision {numbers[0]}"
        : numbers.Zip(numbers.Skip(1)).All(p => p.Second == p.First + 1) ? $"revisions {numbers[0]}–{numbers[^1]}"
        : "revisions " + string.Join(", ", numbers);

    /// <summary>The archive named by <c>--db</c> (else <c>SCRAPER_DB</c>, else <c>./archive.db</c>), read-only.</summary>
    private static async Task<IRevisionSource> OpenArchiveAsync(string? archivePath, CancellationToken cancellationToken) =>
        new ArchiveRevisionSource(await ArchiveLocation.OpenAsync(archivePath, ArchiveAccess.ReadOnly, cancellationToken));
}
