using CsvHelper;
using Scraper.Archive;

namespace Scraper.Export;

/// <param name="ByteOrderMark">Start the file with a UTF-8 byte order mark, which Excel needs to read UTF-8.</param>
/// <param name="Raw">
/// Write every value as it is. By default a text value beginning with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a
/// carriage return gets a single quote in front (OWASP's advice against CSV formula injection), so a spreadsheet shows
/// it as text instead of running it.
/// </param>
/// <param name="RevisionTimes">
/// Add <c>revision_first_seen</c> (when the row's revision was first captured) and <c>revision_captured_at</c> (its newest
/// capture) after the page's <c>first_seen</c> and <c>last_changed</c>: the columns that put every revision on a timeline.
/// </param>
public sealed record CsvExportOptions(bool ByteOrderMark = false, bool Raw = false, bool RevisionTimes = false);

/// <summary>
/// Articles (or their figures) as CSV through CsvHelper: RFC 4180 (comma, CRLF, fields with commas, quotes or line
/// breaks quoted, quotes doubled), UTF-8, a header row. Rows are written as they are read, so memory stays flat.
/// </summary>
public static class CsvArticleWriter
{
    public static readonly string[] ArticleColumns =
    [
        "url", "site", "section", "title", "subtitle", "published", "source", "byline", "text", "figure_count", "revision",
        "content_sha256", "first_seen", "last_changed", "extractor",
    ];

    /// <summary>The article columns with <see cref="CsvExportOptions.RevisionTimes"/>.</summary>
    public static readonly string[] RevisionColumns =
    [
        "url", "site", "section", "title", "subtitle", "published", "source", "byline", "text", "figure_count", "revision",
        "content_sha256", "first_seen", "last_changed", "revision_first_seen", "revision_captured_at", "extractor",
    ];

    /// <summary>A figure's columns; <c>media</c> is <c>image</c>, or <c>video</c> for a video (<c>src</c> its address).</summary>
    public static readonly string[] FigureColumns = ["url", "revision", "ordinal", "src", "alt", "caption", "credit", "image_sha256", "media"];

    /// <summary>One row per article; returns the number of rows. Nothing at all is written when there are none.</summary>
    public static Task<long> WriteArticlesAsync(IAsyncEnumerable<ArchivedArticle> articles, Stream output, CsvExportOptions options,
        CancellationToken cancellationToken = default) =>
        WriteRowsAsync(articles, options.RevisionTimes ? RevisionColumns : ArticleColumns, output, options, (csv, archived) =>
        {
            var article = archived.Article;
            csv.WriteField(article.Url);
            csv.WriteField(article.Site);
            csv.WriteField(article.Section);
            csv.WriteField(article.Title);
            csv.WriteField(article.Subtitle);
            csv.WriteField(article.Published);
            csv.WriteField(article.Source);
            csv.WriteField(article.Byline);
            csv.WriteField(article.Text);
            csv.WriteField(article.Figures.Count);
            csv.WriteField(archived.Revision);
            csv.WriteField(archived.ContentSha256);
            csv.WriteField(ArchiveTime.Format(archived.FirstSeen));
            csv.WriteField(archived.LastChanged is { } changed ? ArchiveTime.Format(changed) : null);
            if (options.RevisionTimes)
            {
                csv.WriteField(ArchiveTime.Format(archived.CapturedAt));
                csv.WriteField(archived.LastCapturedAt is { } captured ? ArchiveTime.Format(captured) : null);
            }
            csv.WriteField(article.Extractor);
        }, cancellationToken);

    /// <summary>One row per figure; returns the number of rows. Nothing at all is written when there are none.</summary>
    public static Task<long> WriteFiguresAsync(IAsyncEnumerable<ArchivedFigure> figures, Stream output, CsvExportOptions options,
        CancellationToken cancellationToken = default) =>
        WriteRowsAsync(figures, FigureColumns, output, options, static (csv, figure) =>
        {
            csv.WriteField(figure.Url);
            csv.WriteField(figure.Revision);
            csv.WriteField(figure.Ordinal);
            csv.WriteField(figure.Src);
            csv.WriteField(figure.Alt);
            csv.WriteField(figure.Caption);
            csv.WriteField(figure.Credit);
            csv.WriteField(figure.ImageSha256);
            csv.WriteField(figure.Media ?? "image");
        }, cancellationToken);

    private static async Task<long> WriteRowsAsync<T>(IAsyncEnumerable<T> rows, string[] header, Stream output, CsvExportOptions options,
        Action<CsvWriter, T> writeRow, CancellationToken cancellationToken)
    {
        var csvOptions = CsvWriterOptions.Default with
        {
            WriteByteOrderMark = options.ByteOrderMark,
            // Numbers (figure_count, revision) are never escaped: CsvHelper applies this to text fields only.
            Injection = options.Raw ? CsvInjection.None : CsvInjection.Escape,
        };
        CsvWriter? csv = null;
        long count = 0;
        try
        {
            await foreach (var row in rows.WithCancellation(cancellationToken))
            {
                // Created at the first row, so an empty selection writes nothing, not even a header or a BOM.
                if (csv is null)
                {
                    csv = CsvWriter.Create(output, csvOptions, leaveOpen: true);
                    csv.WriteHeader(header);
                }
                writeRow(csv, row);
                await csv.EndRecordAsync(cancellationToken);
                count++;
            }
            if (csv is not null)
                await csv.FlushAsync(cancellationToken);
        }
        finally
        {
            if (csv is not null)
                await csv.DisposeAsync();
        }
        return count;
    }
}
