using System.Text.RegularExpressions;

namespace Scraper.Extraction;

/// <summary>A caption split from its credit: <c>… in Shanghai. [Photo/WeChat account: xinwu_wx]</c> →
/// (<c>… in Shanghai.</c>, <c>WeChat account: xinwu_wx</c>); <c>A night view of the district. CHINA DAILY</c> →
/// (<c>A night view of the district.</c>, <c>CHINA DAILY</c>).</summary>
public static class CaptionText
{
    // "… in Shanghai. [Photo/…]", glued or spaced, sometimes followed by the template's " |".
    private static readonly Regex BracketedCredit = new(@"\s*[\[［【](?<credit>[^\[\]［］【】]{2,120})[\]］】]\s*(?:\|\s*)?$", RegexOptions.CultureInvariant);
    // "(Photo/Wuxi Daily)": the government CMS's credit in round brackets, also closing a text paragraph.
    private static readonly Regex RoundPhotoCredit = new(@"\s*[(（]\s*(?<credit>(?:Photos?|Provided)\s*/\s*[^()（）]{2,80}?)\s*[)）]\s*(?:\|\s*)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    // A credit standing alone in capitals: "CHINA DAILY", "XINHUA".
    private static readonly Regex AgencyAlone = new(@"^\p{Lu}[\p{Lu} .&'/-]*\p{Lu}$", RegexOptions.CultureInvariant);
    // "Photo/" names the medium, not the credit: "[Photo/wnd.gov.cn]" is credited to wnd.gov.cn.
    private static readonly Regex MediumPrefix = new(@"^(?:Photos?|Images?|Video|Graphic|Illustration|Provided)\s*[/:：]\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    // A bare credit: all-caps words after the caption's last sentence ("… district. CHINA DAILY").
    private static readonly Regex BareCredit = new(@"^(?<caption>.*[.!?。""”’)])\s+(?<credit>\p{Lu}[\p{Lu}\d .&'/-]*\p{Lu})$", RegexOptions.CultureInvariant);
    // A credit label: "Credit:", "Credit", "Photo credit", "Photo:", "Image:" (the bare word "Credit" only as a label, see LabelledCredit).
    private static readonly Regex CreditLabelWord = new(@"(?<photo>(?:PHOTO|[Pp]hoto)(?:graph)?\s+)?(?:CREDITS?|[Cc]redits?)\b(?<colon>\s*:)?|(?:PHOTOS?|[Pp]hoto(?:graph)?s?|IMAGES?|[Ii]mages?)(?<colon>\s*:)", RegexOptions.CultureInvariant);
    private static readonly Regex SentenceEnd = new(@"[.!?。""”’)]$", RegexOptions.CultureInvariant);
    private const int MaximumLabelledCredit = 80;
    private static readonly Regex PhotoBy = new(@"^(?<caption>.*[.!?。""”’)])\s+(?<credit>(?:Photo|Photos|Photograph)\s+(?:by|courtesy of)\s+[^.]{2,80})\.?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    public static (string? Caption, string? Credit) Split(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return (null, null);
        var s = TextNormalizer.Collapse(text);
        foreach (var form in new[] { BracketedCredit, RoundPhotoCredit })
        {
            var bracketed = form.Match(s);
            if (!bracketed.Success) continue;
            var credit = MediumPrefix.Replace(bracketed.Groups["credit"].Value.Trim(), "").Trim();
            return (TextNormalizer.NullIfEmpty(s[..bracketed.Index]), credit.Length > 0 ? credit : null);
        }
        if (AgencyAlone.IsMatch(s) && s.Count(char.IsLetter) >= 5) return (null, s);
        var bare = BareCredit.Match(s);
        if (bare.Success && bare.Groups["credit"].Value.Count(char.IsLetter) >= 3)
            return (bare.Groups["caption"].Value.Trim(), bare.Groups["credit"].Value.Trim());
        if (LabelledCredit(s) is { } labelled) return labelled;
        var photoBy = PhotoBy.Match(s);
        if (photoBy.Success)
            return (photoBy.Groups["caption"].Value.Trim(), photoBy.Groups["credit"].Value.Trim());
        return (s, null);
    }

    // A label before a credit set apart by the page: "Credit: AP", "Photo: Reuters", "© Getty Images".
    private static readonly Regex CreditLabel = new(@"^(?:(?:Credits?|Photo(?:graph)?s?|Images?|Video|Graphic|Illustration|Provided|Source)\s*[/:：]\s*|Credits?\s+|©\s*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>
    /// A caption ending in a labelled credit: "… at dawn. Credit: Jane Roe/Reuters", "… at dawn. Photo: AP",
    /// "Photo credit Kevin Frayer/Getty Images". The label follows a sentence or opens the caption; without a colon it
    /// must say "Photo credit" or follow a sentence, so that a caption about credit ("Credit card debt soared") stays whole.
    /// </summary>
    private static (string? Caption, string? Credit)? LabelledCredit(string s)
    {
        var matches = CreditLabelWord.Matches(s);
        for (var i = matches.Count - 1; i >= 0; i--)
        {
            var m = matches[i];
            var before = s[..m.Index].TrimEnd();
            var credit = s[(m.Index + m.Length)..].Trim().TrimEnd('.');
            if (credit.Length is 0 or > MaximumLabelledCredit || !char.IsUpper(credit[0])) continue;
            if (before.Length > 0 && !SentenceEnd.IsMatch(before)) continue;
            if (before.Length == 0 && !m.Groups["colon"].Success && !m.Groups["photo"].Success) continue;
            return (TextNormalizer.NullIfEmpty(before), credit);
        }
        return null;
    }

    /// <summary>A credit the page marks as such, without its label; null when nothing is left.</summary>
    public static string? CleanCredit(string? text) =>
        text is null ? null : TextNormalizer.NullIfEmpty(CreditLabel.Replace(TextNormalizer.Collapse(text), ""));

    /// <summary>True when the text ends in a credit, which marks a paragraph after an image as its caption.</summary>
    public static bool HasBracketedCredit(string text) =>
        (BracketedCredit.Match(text) is { Success: true } m && Regex.IsMatch(m.Groups["credit"].Value, @"^\s*(?:Photo|Image|Video|Provided|Graphic)", RegexOptions.IgnoreCase))
        || (text.Length <= ShortestTextParagraph && RoundPhotoCredit.IsMatch(text));

    /// <summary>Text this long under a photo is a paragraph even when it closes with the photo's credit.</summary>
    private const int ShortestTextParagraph = 300;

    /// <summary>
    /// A paragraph of text that closes with a photo's credit in round brackets, <c>… on February 19. (Photo/Wuxi Daily)</c>:
    /// the text without it, and the credit; null for any other text.
    /// </summary>
    public static (string Text, string Credit)? SplitTrailingPhotoCredit(string text)
    {
        var m = RoundPhotoCredit.Match(text);
        if (!m.Success || m.Index == 0) return null;
        var credit = MediumPrefix.Replace(m.Groups["credit"].Value.Trim(), "").Trim();
        return credit.Length == 0 ? null : (text[..m.Index].TrimEnd(), credit);
    }
}
