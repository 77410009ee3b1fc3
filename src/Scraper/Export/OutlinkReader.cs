using System.Net;
using System.Text.RegularExpressions;
using Scraper.Fetching;

namespace Scraper.Export;

/// <summary>A link of a captured page, as a WARC metadata record lists it (Heritrix's <c>outlink:</c> convention).</summary>
/// <param name="Hop"><c>L</c> for a link a reader follows (a, area), <c>E</c> for something the page embeds (img, script, link, iframe …).</param>
/// <param name="Context">Where it was found: <c>a/@href</c>, <c>img/@src</c> ….</param>
public sealed record Outlink(string Url, char Hop, string Context);

/// <summary>
/// The links of an HTML capture, read by a scan of its tags rather than a parse: an export reads every capture of the
/// archive, and what a metadata record needs (each href and src, resolved against the page and its <c>&lt;base&gt;</c>)
/// is in the start tags. Absolute http(s) addresses only, without fragments, each once, in document order.
/// </summary>
public static partial class OutlinkReader
{
    /// <summary>The links of <paramref name="body"/> if it is HTML; none otherwise.</summary>
    public static IReadOnlyList<Outlink> Read(ReadOnlySpan<byte> body, string? contentType, Uri pageUrl)
    {
        if (!ContentTypes.IsHtml(contentType, body))
            return [];
        var html = CharsetDecoder.Decode(body, contentType);
        var baseUrl = pageUrl;
        if (BaseTag().Match(html) is { Success: true } baseTag
            && Uri.TryCreate(pageUrl, Value(baseTag), out var declared) && declared.Scheme is "http" or "https")
            baseUrl = declared;
        var links = new List<Outlink>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match tag in LinkAttribute().Matches(html))
        {
            var element = tag.Groups["tag"].Value.ToLowerInvariant();
            var attribute = tag.Groups["attr"].Value.ToLowerInvariant();
            var value = Value(tag).Trim();
            if (value.Length == 0 || value.StartsWith('#') || !Uri.TryCreate(baseUrl, value, out var url) || url.Scheme is not ("http" or "https"))
                continue;
            var address = url.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped);
            if (seen.Add(address))
                links.Add(new Outlink(address, element is "a" or "area" ? 'L' : 'E', $"{element}/@{attribute}"));
        }
        return links;
    }

    private static string Value(Match match) => WebUtility.HtmlDecode(
        match.Groups["dq"].Success ? match.Groups["dq"].Value : match.Groups["sq"].Success ? match.Groups["sq"].Value : match.Groups["bare"].Value);

    // A start tag's name, then (past other attributes) href or src and its value, quoted or bare.
    [GeneratedRegex("""<(?<tag>a|area|link|img|script|iframe|frame|embed|source)\b[^>]*?\s(?<attr>href|src)\s*=\s*(?:"(?<dq>[^"]*)"|'(?<sq>[^']*)'|(?<bare>[^\s"'>]+))""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LinkAttribute();

    [GeneratedRegex("""<base\b[^>]*?\shref\s*=\s*(?:"(?<dq>[^"]*)"|'(?<sq>[^']*)'|(?<bare>[^\s"'>]+))""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BaseTag();
}
