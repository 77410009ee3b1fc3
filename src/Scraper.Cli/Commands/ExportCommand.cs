using System.CommandLine;
using System.Text;
using Scraper.Archive;
using Scraper.Export;
using Scraper.Sites;

namespace Scraper.Cli.Commands;

/// <summary>
/// <c>scraper export [--format csv|jsonl|warc] [--out FILE|-] [--site SITE] [--since DATE] [--until DATE]
/// [--changed-since DATE] [--all-revisions] [--figures] [--bom] [--raw] [--cdx]</c>: the archive's articles for other tools.
/// </summary>
public static class ExportCommand
{
    public const string ExitCodeHelp =
        "Exit codes: 0 ok, 2 usage (bad option, date or format; an --out that cannot be written), 3 archive locked, "
        + "4 failed (nothing matched the selection, or the archive or the output failed; no file is left behind), "
        + "130/143 interrupted by SIGINT/SIGTERM (nothing written).";

    public static Command Create(CliContext context)
    {
        var format = new Option<string>("--format")
        {
            Description = "csv (default), jsonl (one JSON object per article) or warc (the raw captures as WARC/1.1, gzipped per record)",
            DefaultValueFactory = _ => "csv",
        };
        format.AcceptOnlyFromAmong("csv", "jsonl", "warc");
        var output = new Option<string>("--out")
        {
            Description = "The file to write (it replaces the file there only once the export is complete), or - for the standard output",
            DefaultValueFactory = _ => "-",
            HelpName = "FILE|-",
        };
        var site = new Option<string?>("--site") { Description = "Only this site family" };
        site.AcceptOnlyFromAmong([.. SiteCatalog.Default.Rules.Select(r => r.Site)]);
        var since = new Option<string?>("--since") { Description = "Only articles published on or after this date (articles without a date are left out)", HelpName = "DATE" };
        var until = new Option<string?>("--until") { Description = "Only articles published on or before this date (articles without a date are left out)", HelpName = "DATE" };
        var changedSince = new Option<string?>("--changed-since") { Description = "Only pages whose current content was first seen on or after this date (UTC) or time", HelpName = "DATE" };
        var allRevisions = new Option<bool>("--all-revisions") { Description = "Every revision of each selected page, oldest first (warc: every capture), instead of the current one" };
        var figures = new Option<bool>("--figures") { Description = "csv: one row per figure (url, revision, ordinal, src, alt, caption, credit, image_sha256) instead of one per article" };
        var bom = new Option<bool>("--bom") { Description = "csv: start with a UTF-8 byte order mark, for Excel" };
        var raw = new Option<bool>("--raw") { Description = "csv: write values exactly; by default a value starting with = + - @ tab or CR gets a ' in front so spreadsheets do not run it as a formula" };
        var cdx = new Option<bool>("--cdx") { Description = "warc: also write a CDXJ index of the file beside it (FILE.warc.gz gives FILE.cdxj), for replay tools such as pywb" };
        var db = ArchiveLocation.CreateOption();
        var command = new Command("export",
            "Export the archived articles: CSV, JSON Lines, or the raw captures as WARC. Rows are streamed in archive order; "
            + "filters select pages by their current revision.\n" + ExitCodeHelp)
        {
            format, output, site, since, until, changedSince, allRevisions, figures, bom, raw, cdx, db,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var request = new ExportRequest(
                parse.GetValue(format)!, parse.GetValue(output)!,
                new PageFilter(
                    parse.GetValue(site),
                    ArchiveLocation.ParseSince(parse.GetValue(changedSince), "--changed-since"),
                    parse.GetValue(allRevisions),
                    PublishedDate(parse.GetValue(since), "--since"),
                    PublishedDate(parse.GetValue(until), "--until")),
                parse.GetValue(figures), parse.GetValue(bom), parse.GetValue(raw), parse.GetValue(db))
            { Cdx = parse.GetValue(cdx) };
            return RunAsync(context, request, cancellationToken);
        });
        return command;
    }

    /// <param name="Out">A file path, or <c>-</c> for the standard output.</param>
    public sealed record ExportRequest(string Format, string Out, PageFilter Filter, bool Figures, bool Bom, bool Raw, string? Db)
    {
        public bool ToStandardOutput => Out == "-";

        /// <summary>warc: write a CDXJ index beside the file.</summary>
        public bool Cdx { get; init; }

        /// <summary>Where --cdx writes the index: <c>x.warc.gz</c>, <c>x.warc</c> and <c>x.gz</c> give <c>x.cdxj</c>, any other name gets <c>.cdxj</c> added.</summary>
        public string CdxPath
        {
            get
            {
                var path = Out;
                foreach (var suffix in new[] { ".gz", ".warc" })
                    if (path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) path = path[..^suffix.Length];
                return path + ".cdxj";
            }
        }

        public void Validate()
        {
            if (Format != "csv")
            {
                foreach (var (set, name) in new[] { (Figures, "--figures"), (Bom, "--bom"), (Raw, "--raw") })
                    if (set) throw new UsageException($"{name} applies to --format csv only");
            }
            if (Cdx && Format != "warc")
                throw new UsageException("--cdx applies to --format warc only");
            if (Cdx && ToStandardOutput)
                throw new UsageException("--cdx writes an index of the file beside it: give --out FILE");
            if (Filter.PublishedSince > Filter.PublishedUntil)
                throw new UsageException($"--since {Filter.PublishedSince:yyyy-MM-dd} is after --until {Filter.PublishedUntil:yyyy-MM-dd}");
            if (string.IsNullOrWhiteSpace(Out))
                throw new UsageException("--out is empty: give a file path, or - for the standard output");
        }
    }

    private static async Task<int> RunAsync(CliContext context, ExportRequest request, CancellationToken cancellationToken)
    {
        request.Validate();
        // SIGINT and SIGTERM stop the export cleanly: the temporary file is deleted and an existing --out file kept.
        using var stop = new StopSignals(cancellationToken);
        try
        {
            return await ExportAsync(context, request, stop.Token);
        }
        catch (OperationCanceledException) when (stop.Received)
        {
            context.Error.WriteLine("scraper: export interrupted" + (request.ToStandardOutput ? "" : $"; {request.Out} was not written"));
            return stop.ExitCode;
        }
    }

    private static async Task<int> ExportAsync(CliContext context, ExportRequest request, CancellationToken cancellationToken)
    {
        // The output first: an --out that cannot be written is a usage error whatever the archive holds.
        await using var file = request.ToStandardOutput ? null : CreateFile(request.Out);
        await using var cdxFile = request.Cdx ? CreateFile(request.CdxPath) : null;
        var index = request.Cdx ? new CdxjIndex(Path.GetFileName(request.Out)) : null;
        await using var store = await ArchiveLocation.OpenAsync(request.Db, ArchiveAccess.ReadOnly, cancellationToken);
        long count;
        long images = 0;
        await using (var stream = file?.Stream is null ? OpenStandardOutput(context, binary: request.Format == "warc") : null)
        {
            var target = file?.Stream ?? stream!;
            try
            {
                if (request.Format == "warc")
                {
                    var warc = await WriteWarcAsync(store, request, target, index, cancellationToken);
                    (count, images) = (warc.Captures, warc.Images);
                }
                else
                {
                    count = await WriteAsync(store, request, target, cancellationToken);
                }
            }
            catch (ArchiveException e)
            {
                throw ArchiveLocation.ToCommandFailure(e);
            }
            catch (InvalidDataException e)
            {
                // A stored body that no longer decompresses: the archive file is damaged.
                throw new CommandFailedException($"{store.Path}: {e.Message}; the export stopped" + (file is null ? "" : $" and {request.Out} was left as it was"));
            }
            catch (IOException e)
            {
                throw new CommandFailedException(request.ToStandardOutput
                    ? $"writing to the standard output failed ({e.Message.TrimEnd('.')})"
                    : $"writing {request.Out} failed ({e.Message.TrimEnd('.')}); it was left as it was");
            }
        }

        if (count + images == 0)
        {
            context.Error.WriteLine($"scraper: nothing to export: {DescribeEmpty(request)}" + (file is null ? "" : $"; {request.Out} was not written"));
            return ExitCodes.Failed;
        }
        if (file is not null)
        {
            try
            {
                await file.CommitAsync(cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CommandFailedException($"writing {request.Out} failed ({e.Message.TrimEnd('.')}); it was left as it was");
            }
            if (cdxFile is not null)
            {
                try
                {
                    await index!.WriteAsync(cdxFile.Stream, cancellationToken);
                    await cdxFile.CommitAsync(cancellationToken);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new CommandFailedException($"{request.Out} was written, but its index {request.CdxPath} was not ({e.Message.TrimEnd('.')})");
                }
            }
            var what = request.Format == "warc" ? $"capture(s){(images > 0 ? $" and {images} image(s)" : "")}"
                : request.Figures ? "figure(s)" : request.Filter.AllRevisions ? "revision(s)" : "article(s)";
            context.Out.WriteLine($"Exported {count} {what} to {request.Out} ({request.Format}{(cdxFile is null ? "" : $", index {request.CdxPath}")}).");
        }
        return ExitCodes.Ok;
    }

    private static Task<long> WriteAsync(ArchiveStore store, ExportRequest request, Stream target, CancellationToken cancellationToken) =>
        request.Format switch
        {
            "jsonl" => JsonLinesArticleWriter.WriteAsync(store.Reader.ReadArticlesAsync(request.Filter, cancellationToken), target, cancellationToken),
            _ when request.Figures => CsvArticleWriter.WriteFiguresAsync(store.Exports.ReadFiguresAsync(request.Filter, cancellationToken), target,
                new CsvExportOptions(request.Bom, request.Raw), cancellationToken),
            _ => CsvArticleWriter.WriteArticlesAsync(store.Reader.ReadArticlesAsync(request.Filter, cancellationToken), target,
                new CsvExportOptions(request.Bom, request.Raw, RevisionTimes: request.Filter.AllRevisions), cancellationToken),
        };

    /// <summary>
    /// The WARC file: the selected article pages' captures, then every other capture the archive holds (section lists,
    /// robots.txt, sitemaps …; of the chosen site's hosts with --site, none with a published-date filter), then the
    /// selected revisions' images.
    /// </summary>
    private static Task<WarcSummary> WriteWarcAsync(ArchiveStore store, ExportRequest request, Stream target, CdxjIndex? index,
        CancellationToken cancellationToken)
    {
        var site = request.Filter.Site;
        Func<string, bool>? ofSite = site is null ? null : url => Uri.TryCreate(url, UriKind.Absolute, out var u) && SiteCatalog.Default.Match(u)?.Site == site;
        var content = new WarcContent(store.Exports.ReadCapturesAsync(request.Filter, cancellationToken)
            .Concat(store.Exports.ReadOtherCapturesAsync(request.Filter, ofSite, cancellationToken)))
        {
            Images = store.Exports.ReadImagesAsync(request.Filter, cancellationToken),
        };
        var info = new WarcFileInfo(ScraperVersion.Software, request.ToStandardOutput ? null : Path.GetFileName(request.Out), DateTimeOffset.UtcNow);
        return WarcWriter.WriteAsync(content, target, info, index, cancellationToken);
    }

    private static AtomicFile CreateFile(string path)
    {
        try
        {
            return AtomicFile.Create(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--out '{path}' cannot be written ({e.Message.TrimEnd('.')})");
        }
    }

    /// <summary>
    /// The process's standard output as bytes. Tests run the CLI in-process with a string writer: text formats are
    /// decoded into it; WARC is binary and needs the real standard output or a file.
    /// </summary>
    private static Stream OpenStandardOutput(CliContext context, bool binary)
    {
        if (ReferenceEquals(context.Out, Console.Out))
        {
            context.Out.Flush();
            return new BufferedStream(Console.OpenStandardOutput(), 64 * 1024);
        }
        if (binary)
            throw new UsageException("--format warc writes binary data: give --out FILE");
        return new TextWriterStream(context.Out);
    }

    /// <summary>A date from --since/--until: a date-time counts by its date, as written.</summary>
    private static DateOnly? PublishedDate(string? text, string optionName) =>
        ArchiveLocation.ParseSince(text, optionName) is { } time ? DateOnly.FromDateTime(time.DateTime) : null;

    private static string DescribeEmpty(ExportRequest request)
    {
        var filter = request.Filter;
        var conditions = new List<string>();
        if (filter.Site is not null) conditions.Add($"--site {filter.Site}");
        if (filter.PublishedSince is { } since) conditions.Add($"--since {since:yyyy-MM-dd}");
        if (filter.PublishedUntil is { } until) conditions.Add($"--until {until:yyyy-MM-dd}");
        if (filter.ChangedSince is { } changed) conditions.Add($"--changed-since {ArchiveLocation.JsonTime(changed)}");
        var articles = conditions.Count == 0 ? "the archive has no articles" : "no archived article matches " + string.Join(" ", conditions);
        return request.Figures ? $"no figures ({articles}, or they have no figures)" : articles;
    }

    /// <summary>UTF-8 bytes decoded into a text writer (a multi-byte character split across writes is kept whole).</summary>
    private sealed class TextWriterStream(TextWriter writer) : Stream
    {
        private readonly Decoder decoder = new UTF8Encoding(false).GetDecoder();

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            var chars = new char[decoder.GetCharCount(buffer, flush: false)];
            decoder.GetChars(buffer, chars, flush: false);
            writer.Write(chars);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush() => writer.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
