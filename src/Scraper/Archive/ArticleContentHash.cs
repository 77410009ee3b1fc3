using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Scraper.Extraction;

namespace Scraper.Archive;

/// <summary>
/// The identity of an article's content: sha256 over its normalised title, subtitle, published date, byline,
/// paragraphs and figures. Everything else a page carries (navigation, counters, sidebars, the extractor's
/// name, the section and source lines) is left out, so a change there adds a capture but no revision.
/// </summary>
public static class ArticleContentHash
{
    /// <summary>Lower-case hex sha256 of the canonical form of <paramref name="article"/>.</summary>
    public static string Compute(Article article)
    {
        ArgumentNullException.ThrowIfNull(article);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("title", Normalize(article.Title));
            json.WriteString("subtitle", Normalize(article.Subtitle));
            json.WriteString("published", Normalize(article.Published));
            json.WriteString("byline", Normalize(article.Byline));
            json.WriteStartArray("paragraphs");
            foreach (var paragraph in article.Paragraphs)
                json.WriteStringValue(Normalize(paragraph));
            json.WriteEndArray();
            json.WriteStartArray("figures");
            foreach (var figure in article.Figures)
            {
                json.WriteStartObject();
                json.WriteString("src", Normalize(figure.Src));
                json.WriteString("alt", Normalize(figure.Alt));
                json.WriteString("caption", Normalize(figure.Caption));
                json.WriteString("credit", Normalize(figure.Credit));
                json.WriteNumber("position", figure.Position);
                // Written for videos only: the hashes of articles with images alone stay what they were.
                if (figure.Media is not null) json.WriteString("media", figure.Media);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    /// <summary>
    /// Whitespace runs (including no-break and ideographic spaces) become one space, zero-width characters go,
    /// ends are trimmed, and empty becomes null. No Unicode normalisation: the build runs with invariant
    /// globalization, where <c>string.Normalize</c> is unavailable, and the sites serve one spelling anyway.
    /// </summary>
    internal static string? Normalize(string? text)
    {
        if (text is null)
            return null;
        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (c is '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF')
                continue;
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }
            if (pendingSpace)
                builder.Append(' ');
            pendingSpace = false;
            builder.Append(c);
        }
        return builder.Length == 0 ? null : builder.ToString();
    }
}
