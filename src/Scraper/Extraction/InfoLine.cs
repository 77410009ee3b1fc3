using System.Text.RegularExpressions;

namespace Scraper.Extraction;

/// <summary>What the line(s) under a title say: <c>By Chen Liubing and Ma Zhiping in Boao, Hainan (chinadaily.com.cn)</c>,
/// <c>(chinadaily.com.cn)Updated: 2019-06-04</c>, <c>Source: Xinhua</c>.</summary>
public sealed record InfoLine(string? Byline, string? Source, DateOnly? Published)
{
    // The source is the last parenthesised group that is not a bare date or a place note.
    private static readonly Regex Parenthesised = new(@"\((?<source>[^()]{2,80})\)", RegexOptions.CultureInvariant);
    private static readonly Regex SourceLabel = new(@"(?:Source|来源)\s*[:：]\s*(?<source>[^|\n]+?)(?=\s{2,}|\s*\||\s*(?:Updated|发布时间|Release|Date|Author)\b|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex ByPrefix = new(@"(?:^|\s)By[:\s]\s*(?<names>.+?)\s*(?=\(|\||Updated\b|Source\s*:|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex PostedBy = new(@"Posted\s+by\s*:\s*(?<names>.+?)\s*(?=Release\s*time|Browse\s*:|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    public static InfoLine Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return new InfoLine(null, null, null);
        text = TextNormalizer.Collapse(text);
        string? source = null;
        foreach (Match m in Parenthesised.Matches(text))
        {
            var candidate = m.Groups["source"].Value.Trim();
            if (DateText.Find(candidate) is null) source = candidate;
        }
        if (source is null && SourceLabel.Match(text) is { Success: true } label)
            source = label.Groups["source"].Value.Trim();

        // "Posted by:" (the older CMS's header) first: its "by:" would otherwise read as a byline's "By".
        string? byline = null;
        if (PostedBy.Match(text) is { Success: true } posted) byline = BylineText.Clean(posted.Groups["names"].Value);
        else if (ByPrefix.Match(text) is { Success: true } by) byline = BylineText.Clean(by.Groups["names"].Value);

        return new InfoLine(byline, TextNormalizer.NullIfEmpty(source), DateText.Find(text));
    }
}

/// <summary>Names of a byline without the "By" and the dateline place: <c>By X and Y in Boao, Hainan</c> → <c>X and Y</c>.</summary>
public static class BylineText
{
    private static readonly Regex Prefix = new(@"^(?:By|Written\s+by|Author|Reporter|作者|记者)\s*[:：]?\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    // "in Boao, Hainan" ends a China Daily byline; a place starts with a capital letter.
    private static readonly Regex Place = new(@"\s+in\s+\p{Lu}[\p{L}\s,.'-]*$", RegexOptions.CultureInvariant);
    private static readonly Regex Trailer = new(@"\s*(?:\|.*|,\s*(?:China Daily|Xinhua|chinadaily\.com\.cn)\s*)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    public static string? Clean(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var s = TextNormalizer.Collapse(text);
        s = Prefix.Replace(s, "");
        s = Place.Replace(s, "");
        s = Trailer.Replace(s, "");
        s = s.Trim(' ', ',', ';', ':', '-', '|');
        return s.Length is 0 or > 120 ? null : s;
    }
}
