using System.Text.RegularExpressions;

namespace Scraper.Extraction;

/// <summary>A caption split from its credit: <c>… in Shanghai. [Photo/WeChat account: xinwu_wx]</c> →
/// (<c>… in Shanghai.</c>, <c>WeChat account: xinwu_wx</c>); <c>A night view of the district. CHINA DAILY</c> →
/// (<c>A night view of the district.</c>, <c>CHINA DAILY</c>).</summary>
public static class CaptionText
{
    private static readonly Regex BracketedCredit = new(@"\s*[\[［【](?<credit>[^\[\]［］【】]{2,120})[\]］】]\s*$", RegexOptions.CultureInvariant);
    // "Photo/" names the medium, not the credit: "[Photo/wnd.gov.cn]" is credited to wnd.gov.cn.
    private static readonly Regex MediumPrefix = new(@"^(?:Photos?|Images?|Video|Graphic|Illustration|Provided)\s*[/:：]\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    // A bare credit: all-caps words after the caption's last sentence ("… district. CHINA DAILY").
    private static readonly Regex BareCredit = new(@"^(?<caption>.*[.!?。""”’)])\s+(?<credit>\p{Lu}[\p{Lu}\d .&'/-]*\p{Lu})$", RegexOptions.CultureInvariant);
    private static readonly Regex PhotoBy = new(@"^(?<caption>.*[.!?。""”’)])\s+(?<credit>(?:Photo|Photos|Photograph)\s+(?:by|courtesy of)\s+[^.]{2,80})\.?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    public static (string? Caption, string? Credit) Split(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return (null, null);
        var s = TextNormalizer.Collapse(text);
        var bracketed = BracketedCredit.Match(s);
        if (bracketed.Success)
        {
            var credit = MediumPrefix.Replace(bracketed.Groups["credit"].Value.Trim(), "").Trim();
            return (TextNormalizer.NullIfEmpty(s[..bracketed.Index]), credit.Length > 0 ? credit : null);
        }
        var bare = BareCredit.Match(s);
        if (bare.Success && bare.Groups["credit"].Value.Count(char.IsLetter) >= 3)
            return (bare.Groups["caption"].Value.Trim(), bare.Groups["credit"].Value.Trim());
        var photoBy = PhotoBy.Match(s);
        if (photoBy.Success)
            return (photoBy.Groups["caption"].Value.Trim(), photoBy.Groups["credit"].Value.Trim());
        return (s, null);
    }

    /// <summary>True when the text ends in a credit, which marks a paragraph after an image as its caption.</summary>
    public static bool HasBracketedCredit(string text) => BracketedCredit.IsMatch(text) &&
        Regex.IsMatch(BracketedCredit.Match(text).Groups["credit"].Value, @"^\s*(?:Photo|Image|Video|Provided|Graphic)", RegexOptions.IgnoreCase);
}
