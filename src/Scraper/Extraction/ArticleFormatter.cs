using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Scraper.Extraction;

/// <summary>
/// Articles as the commands print them: JSON (the public field contract), plain text and Markdown. Text and Markdown go
/// to terminals: a page's control characters (ESC sequences, BEL…) come out as U+FFFD (<see cref="TerminalText"/>); JSON
/// escapes them as \u001B.
/// </summary>
public static class ArticleFormatter
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        // CJK and punctuation stay readable in the output instead of \uXXXX escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
        IndentSize = 2,
        TypeInfoResolver = ScraperJsonContext.Default,
    };

    private static readonly JsonSerializerOptions JsonLine = new(Json) { WriteIndented = false };

    private static JsonTypeInfo<Article> ArticleInfo(JsonSerializerOptions options) => (JsonTypeInfo<Article>)options.GetTypeInfo(typeof(Article));

    public static JsonObject ToJsonObject(Article article) =>
        JsonSerializer.SerializeToNode(article, ArticleInfo(Json))!.AsObject();

    /// <summary>One JSON object; <paramref name="extraFirst"/> fields (e.g. <c>input</c>) come before the article's.</summary>
    public static string ToJson(Article article, bool indented, IEnumerable<KeyValuePair<string, JsonNode?>>? extraFirst = null,
        IEnumerable<KeyValuePair<string, JsonNode?>>? extraLast = null)
    {
        var options = indented ? Json : JsonLine;
        if (extraFirst is null && extraLast is null) return JsonSerializer.Serialize(article, ArticleInfo(options));
        if (!indented && JoinedLine(article, extraFirst ?? [], extraLast ?? []) is { } line) return line;
        var result = new JsonObject();
        foreach (var (key, value) in extraFirst ?? []) result[key] = value;
        foreach (var (key, value) in ToJsonObject(article)) result[key] = value?.DeepClone();
        foreach (var (key, value) in extraLast ?? []) result[key] = value;
        return result.ToJsonString(options);
    }

    /// <summary>
    /// The one-line object with its extra fields written around the article's, as <see cref="ToJson"/> writes it through
    /// a <see cref="JsonObject"/>, without building one: <c>extract</c> writes a line per page, and the tree of nodes and
    /// its copy cost more than serializing the article. Null when an extra field is one of the article's (the object
    /// then replaces the article's value in place).
    /// </summary>
    private static string? JoinedLine(Article article, IEnumerable<KeyValuePair<string, JsonNode?>> extraFirst,
        IEnumerable<KeyValuePair<string, JsonNode?>> extraLast)
    {
        var info = ArticleInfo(JsonLine);
        var keys = extraFirst.Concat(extraLast).Select(pair => pair.Key).ToList();
        if (keys.Distinct(StringComparer.Ordinal).Count() != keys.Count || info.Properties.Any(p => keys.Contains(p.Name, StringComparer.Ordinal)))
            return null;
        var parts = extraFirst.Select(Property).ToList();
        var fields = JsonSerializer.Serialize(article, info);
        if (fields.Length > 2) parts.Add(fields[1..^1]);
        parts.AddRange(extraLast.Select(Property));
        return "{" + string.Join(',', parts) + "}";

        static string Property(KeyValuePair<string, JsonNode?> extra) =>
            "\"" + JsonEncodedText.Encode(extra.Key, JsonLine.Encoder) + "\":" + (extra.Value?.ToJsonString(JsonLine) ?? "null");
    }

    public static string ToText(Article article)
    {
        var sb = new StringBuilder();
        if (article.Title is not null) sb.AppendLine(article.Title);
        if (article.Subtitle is not null) sb.AppendLine(article.Subtitle);
        var line = string.Join(" · ", new[]
        {
            article.Section, article.Published, article.Byline is null ? null : "By " + article.Byline,
            article.Source is null ? null : "(" + article.Source + ")",
        }.Where(s => s is not null));
        if (line.Length > 0) sb.AppendLine(line);
        if (article.Url is not null) sb.AppendLine(article.Url);
        foreach (var block in BodyBlocks(article, f => $"[Figure: {Describe(f)}] {f.Src}", p => p))
            sb.AppendLine().AppendLine(block);
        return TerminalText.SafeLines(sb.ToString());
    }

    public static string ToMarkdown(Article article)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# " + Escape(article.Title ?? "(untitled)"));
        if (article.Subtitle is not null) sb.AppendLine().AppendLine("## " + Escape(article.Subtitle));
        var facts = new[]
        {
            article.Published is null ? null : "Published " + article.Published,
            article.Byline is null ? null : "By " + Escape(article.Byline),
            article.Source is null ? null : "Source: " + Escape(article.Source),
            article.Section is null ? null : "Section: " + Escape(article.Section),
        }.Where(s => s is not null).ToList();
        if (facts.Count > 0) sb.AppendLine().AppendLine("*" + string.Join(" · ", facts) + "*");
        if (article.Url is not null) sb.AppendLine().AppendLine($"<{article.Url}>");
        foreach (var block in BodyBlocks(article,
                     f => $"![{Escape(f.Alt ?? f.Caption ?? "")}]({f.Src})" + (Describe(f) is { Length: > 0 } d ? $"\n*{Escape(d)}*" : ""),
                     Escape))
            sb.AppendLine().AppendLine(block);
        return TerminalText.SafeLines(sb.ToString());
    }

    /// <summary>Paragraphs with each figure placed before the paragraph it precedes.</summary>
    private static IEnumerable<string> BodyBlocks(Article article, Func<Figure, string> figure, Func<string, string> paragraph)
    {
        for (var i = 0; i <= article.Paragraphs.Count; i++)
        {
            foreach (var f in article.Figures.Where(f => f.Position == i)) yield return figure(f);
            if (i < article.Paragraphs.Count) yield return paragraph(article.Paragraphs[i]);
        }
    }

    private static string Describe(Figure f) =>
        string.Join(" ", new[] { f.Caption, f.Credit is null ? null : $"({f.Credit})" }.Where(s => s is not null));

    /// <summary>Markdown's inline specials escaped, so published text is shown, not interpreted.</summary>
    private static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\\' or '*' or '_' or '`' or '[' or ']' or '<' or '>' or '#') sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }
}
