using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Scraper.Extraction;

namespace Scraper.Diffing;

/// <summary>
/// The diff as one JSON object: <c>{url, from, to, summary, changes: [{field, kind, index, from_index, before, after}]}</c>.
/// Indexes are 0-based positions in the article's <c>paragraphs</c> or <c>figures</c> (the newer revision's, the
/// older one's for a removal); <c>before</c>/<c>after</c> are texts, or figure objects for figures.
/// </summary>
public static class JsonDiffRenderer
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        // Readable CJK and punctuation, as in the extract command's JSON.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Render(DiffResult diff, RevisionInfo from, RevisionInfo to)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, Options))
        {
            json.WriteStartObject();
            json.WriteString("url", diff.To.Url ?? diff.From.Url);
            Revision(json, "from", from);
            Revision(json, "to", to);
            json.WriteString("summary", diff.Summary());
            json.WriteStartArray("changes");
            foreach (var change in diff.Changes)
            {
                json.WriteStartObject();
                json.WriteString("field", ChangeWording.Field(change.Field));
                json.WriteString("kind", ChangeWording.Kind(change.Kind));
                NumberOrNull(json, "index", change.Index);
                NumberOrNull(json, "from_index", change.FromIndex);
                switch (change)
                {
                    case TextChange text:
                        json.WriteString("before", text.Before);
                        json.WriteString("after", text.After);
                        break;
                    case FigureChange figure:
                        Figure(json, "before", figure.Before);
                        Figure(json, "after", figure.After);
                        break;
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void Revision(Utf8JsonWriter json, string name, RevisionInfo info)
    {
        json.WriteStartObject(name);
        json.WriteNumber("revision", info.Revision);
        json.WriteString("captured_at", info.CapturedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        json.WriteString("content_sha256", info.ContentSha256);
        json.WriteEndObject();
    }

    private static void Figure(Utf8JsonWriter json, string name, Figure? figure)
    {
        if (figure is null)
        {
            json.WriteNull(name);
            return;
        }
        json.WriteStartObject(name);
        json.WriteString("src", figure.Src);
        json.WriteString("alt", figure.Alt);
        json.WriteString("caption", figure.Caption);
        json.WriteString("credit", figure.Credit);
        json.WriteNumber("position", figure.Position);
        json.WriteEndObject();
    }

    private static void NumberOrNull(Utf8JsonWriter json, string name, int? value)
    {
        if (value is { } number) json.WriteNumber(name, number);
        else json.WriteNull(name);
    }
}
