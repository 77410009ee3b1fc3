using System.Text;
using System.Text.Json.Nodes;
using Scraper.Archive;
using Scraper.Extraction;

namespace Scraper.Export;

/// <summary>
/// Articles as JSON Lines: one object per line, the <c>extract</c> fields in their order followed by the archive
/// fields, exactly as <c>scraper show --format json</c> prints one article (there indented).
/// </summary>
public static class JsonLinesArticleWriter
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes one line per article; returns the number of lines. Nothing is written when there are none.</summary>
    public static async Task<long> WriteAsync(IAsyncEnumerable<ArchivedArticle> articles, Stream output, CancellationToken cancellationToken = default)
    {
        var writer = new StreamWriter(output, Utf8, bufferSize: 64 * 1024, leaveOpen: true) { NewLine = "\n" };
        await using (writer)
        {
            long count = 0;
            await foreach (var archived in articles.WithCancellation(cancellationToken))
            {
                await writer.WriteLineAsync(ArticleFormatter.ToJson(archived.Article, indented: false, extraLast: ArchiveFields(archived)));
                count++;
            }
            await writer.FlushAsync(cancellationToken);
            return count;
        }
    }

    /// <summary>The archive's fields after the article's: which revision this is, when the page and it were seen, and the page's other URLs.</summary>
    public static IEnumerable<KeyValuePair<string, JsonNode?>> ArchiveFields(ArchivedArticle archived) =>
    [
        new("page_id", JsonValue.Create(archived.PageId)),
        new("revision", JsonValue.Create(archived.Revision)),
        new("content_sha256", JsonValue.Create(archived.ContentSha256)),
        new("captured_at", JsonValue.Create(ArchiveTime.Format(archived.CapturedAt))),
        new("first_seen", JsonValue.Create(ArchiveTime.Format(archived.FirstSeen))),
        new("last_changed", JsonValue.Create(archived.LastChanged is { } changed ? ArchiveTime.Format(changed) : null)),
        // The page's other URLs (the other scheme, a mirror host): one article, however many URLs it was found under.
        new("aliases", new JsonArray([.. archived.Aliases.Select(a => (JsonNode?)JsonValue.Create(a))])),
    ];
}
