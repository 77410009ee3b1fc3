using System.Net;
using Scraper.Fetching;

namespace Scraper.Export;

/// <summary>A link of a captured page, as a WARC metadata record lists it (Heritrix's <c>outlink:</c> convention).</summary>
/// <param name="Hop"><c>L</c> for a link a reader follows (a, area), <c>E</c> for something the page embeds (img, script, link, iframe …).</param>
/// <param name="Context">Where it was found: <c>a/@href</c>, <c>img/@src</c> ….</param>
public sealed record Outlink(string Url, char Hop, string Context);

/// <summary>
/// The links of an HTML capture, read by one pass over its start tags rather than a parse: an export reads every capture
/// of the archive, and what a metadata record needs (each href and src, resolved against the page and its
/// <c>&lt;base&gt;</c>) is in the start tags. Comments, scripts' and styles' contents are skipped as a parser would.
/// Absolute http(s) addresses only, without fragments, each once, in document order.
/// </summary>
public static class OutlinkReader
{
    /// <summary>The links of <paramref name="body"/> if it is HTML; none otherwise.</summary>
    public static IReadOnlyList<Outlink> Read(ReadOnlySpan<byte> body, string? contentType, Uri pageUrl)
    {
        if (!ContentTypes.IsHtml(contentType, body))
            return [];
        var html = CharsetDecoder.Decode(body, contentType);
        var baseUrl = pageUrl;
        var links = new List<Outlink>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        while ((i = html.IndexOf('<', i)) >= 0)
        {
            i++;
            if (html.AsSpan(i).StartsWith("!--"))
            {
                var end = html.IndexOf("-->", i + 3, StringComparison.Ordinal);
                i = end < 0 ? html.Length : end + 3;
                continue;
            }
            var nameStart = i;
            while (i < html.Length && char.IsAsciiLetterOrDigit(html[i])) i++;
            if (i == nameStart) continue;
            var name = html.AsSpan(nameStart, i - nameStart);
            var (attribute, hop) = Linking(name);
            string? value = null;
            var tagEnd = ReadAttributes(html, ref i, attribute, ref value);
            if (name.Equals("script", StringComparison.OrdinalIgnoreCase) || name.Equals("style", StringComparison.OrdinalIgnoreCase))
            {
                // Their text is no markup: skip to the end tag.
                var close = html.IndexOf(name.Equals("script", StringComparison.OrdinalIgnoreCase) ? "</script" : "</style", tagEnd, StringComparison.OrdinalIgnoreCase);
                i = close < 0 ? html.Length : close;
            }
            if (value is null) continue;
            value = WebUtility.HtmlDecode(value).Trim();
            if (name.Equals("base", StringComparison.OrdinalIgnoreCase))
            {
                // The first <base href> counts, as in a browser.
                if (baseUrl == pageUrl && Uri.TryCreate(pageUrl, value, out var declared) && declared.Scheme is "http" or "https")
                    baseUrl = declared;
                continue;
            }
            if (value.Length == 0 || value[0] == '#' || !Uri.TryCreate(baseUrl, value, out var url) || url.Scheme is not ("http" or "https"))
                continue;
            var address = url.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped);
            if (seen.Add(address))
                links.Add(new Outlink(address, hop, $"{name.ToString().ToLowerInvariant()}/@{attribute}"));
        }
        return links;
    }

    /// <summary>The attribute of a tag that links, and the kind of link; null for a tag that links nowhere.</summary>
    private static (string? Attribute, char Hop) Linking(ReadOnlySpan<char> tag)
    {
        foreach (var (name, attribute, hop) in Tags)
            if (tag.Equals(name, StringComparison.OrdinalIgnoreCase))
                return (attribute, hop);
        return (null, ' ');
    }

    private static readonly (string Tag, string Attribute, char Hop)[] Tags =
    [
        ("a", "href", 'L'), ("area", "href", 'L'), ("img", "src", 'E'), ("link", "href", 'E'), ("script", "src", 'E'),
        ("iframe", "src", 'E'), ("frame", "src", 'E'), ("embed", "src", 'E'), ("source", "src", 'E'), ("base", "href", ' '),
    ];

    /// <summary>
    /// Reads a start tag's attributes up to its <c>&gt;</c> (quoted values may hold one), keeping the value of
    /// <paramref name="wanted"/> (the first one, as a parser keeps it). Returns the index after the tag.
    /// </summary>
    private static int ReadAttributes(string html, ref int i, string? wanted, ref string? value)
    {
        while (i < html.Length)
        {
            while (i < html.Length && (char.IsWhiteSpace(html[i]) || html[i] == '/')) i++;
            if (i >= html.Length) break;
            if (html[i] == '>') return ++i;
            var nameStart = i;
            while (i < html.Length && !char.IsWhiteSpace(html[i]) && html[i] is not ('=' or '>' or '/')) i++;
            var attribute = html.AsSpan(nameStart, i - nameStart);
            if (i == nameStart) { i++; continue; }
            while (i < html.Length && char.IsWhiteSpace(html[i])) i++;
            if (i >= html.Length || html[i] != '=') continue;
            i++;
            while (i < html.Length && char.IsWhiteSpace(html[i])) i++;
            int start, end;
            if (i < html.Length && html[i] is '"' or '\'')
            {
                var quote = html[i];
                start = i + 1;
                end = html.IndexOf(quote, start);
                if (end < 0) end = html.Length;
                i = Math.Min(end + 1, html.Length);
            }
            else
            {
                start = i;
                while (i < html.Length && !char.IsWhiteSpace(html[i]) && html[i] != '>') i++;
                end = i;
            }
            if (wanted is not null && value is null && attribute.Equals(wanted, StringComparison.OrdinalIgnoreCase))
                value = html[start..end];
        }
        return i;
    }
}
