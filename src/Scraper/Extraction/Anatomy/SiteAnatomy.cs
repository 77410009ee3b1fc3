using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Scraper.Sites;

namespace Scraper.Extraction.Anatomy;

/// <summary>What one named header form found on a line: <c>(chinadaily.com.cn)Updated: 2019-06-04</c> →
/// form <c>source-updated</c>, source <c>chinadaily.com.cn</c>, date 2019-06-04. A field the form has but the line
/// leaves empty (<c>Posted by: Release time: Browse:</c>) is null.</summary>
public sealed record InfoReading(string Form, DateOnly? Published, string? Source, string? Byline);

/// <summary>
/// A site's <see cref="AnatomyRules"/>, compiled: the regexes of its header forms, crumbs, boilerplate and body ends,
/// and what its titles append to the headline. Made once per rule and shared (thread-safe, immutable).
/// </summary>
public sealed class SiteAnatomy
{
    // Compiled: each rule's patterns are made once per process and then tried on every line of every page.
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Compiled;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);
    private static readonly char[] CrumbSeparators = ['>', '›', '»', '＞', '→'];
    private static readonly ConditionalWeakTable<SiteRule, SiteAnatomy> Compiled = new();

    /// <summary>No rules at all: what the pages of a host without rules are read with.</summary>
    public static SiteAnatomy None { get; } = new(new SiteRule { Site = "", Hosts = [] });

    private readonly (string Name, Regex Regex)[] _info;
    /// <summary>All the header forms in one regex: most lines are none of them, and one match says so.</summary>
    private readonly Regex? _anyInfo;
    private readonly Regex? _crumb;
    private readonly HashSet<string> _crumbIgnore;
    private readonly Regex? _boilerplate;
    private readonly Regex? _bodyEnd;
    private readonly Regex? _counter;
    private readonly Regex? _titleSeparator;
    private readonly HashSet<string> _titleNames;
    private readonly Regex[] _urlDates;

    private SiteAnatomy(SiteRule rule)
    {
        var anatomy = rule.Anatomy;
        _info = anatomy.Info.Select(f => (f.Name, new Regex(f.Pattern, Options, Timeout))).ToArray();
        _anyInfo = Any(anatomy.Info.Select(f => f.Pattern));
        _crumb = Any(anatomy.Crumb);
        _crumbIgnore = anatomy.CrumbIgnore.Select(TextNormalizer.Collapse).ToHashSet(StringComparer.OrdinalIgnoreCase);
        // The older "dropText" of the selectors is boilerplate too.
        _boilerplate = Any(anatomy.Boilerplate.Concat(rule.Article.DropText));
        _bodyEnd = Any(anatomy.BodyEnd);
        _counter = anatomy.Counter is { Length: > 0 } counter ? new Regex(counter, Options, Timeout) : null;
        _titleSeparator = anatomy.TitleSeparator is { Length: > 0 } separator ? new Regex(separator, Options, Timeout) : null;
        _titleNames = anatomy.SiteNames.Concat(anatomy.Sections).Select(TextNormalizer.Collapse).ToHashSet(StringComparer.OrdinalIgnoreCase);
        _urlDates = rule.UrlDates.Select(p => new Regex(p, Options, Timeout)).ToArray();
        SectionLabel = anatomy.SectionLabel;
        DeckAfterTitle = anatomy.Decks.Contains("afterTitle", StringComparer.OrdinalIgnoreCase);
        DeckAfterInfo = anatomy.Decks.Contains("afterInfo", StringComparer.OrdinalIgnoreCase);
        DeckAfterFirstCaption = anatomy.Decks.Contains("afterFirstCaption", StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The compiled anatomy of <paramref name="rule"/> (made on first use, then shared).</summary>
    /// <exception cref="ArgumentException">A pattern is not a valid regex.</exception>
    public static SiteAnatomy For(SiteRule? rule) => rule is null ? None : Compiled.GetValue(rule, r => new SiteAnatomy(r));

    public bool SectionLabel { get; }
    public bool DeckAfterTitle { get; }
    public bool DeckAfterInfo { get; }
    public bool DeckAfterFirstCaption { get; }

    public bool IsBoilerplate(string line) => _boilerplate?.IsMatch(line) == true;

    public bool IsBodyEnd(string line) => _bodyEnd?.IsMatch(line) == true;

    public bool IsCounter(string line) => _counter?.IsMatch(line) == true;

    /// <summary>The boilerplate patterns as one regex, for the body reader's <c>dropText</c>.</summary>
    public IReadOnlyList<Regex> BoilerplateRegexes => _boilerplate is null ? [] : [_boilerplate];

    public Regex? BodyEndRegex => _bodyEnd;

    /// <summary>The crumbs after the home crumb of a breadcrumb line, or null when the line is no breadcrumb.</summary>
    public IReadOnlyList<string>? Crumbs(string line)
    {
        if (_crumb is null || !_crumb.IsMatch(line)) return null;
        return SplitCrumbs(line);
    }

    /// <summary><c>Home &gt; News &gt; Latest</c> → News, Latest: the first crumb is the home page.</summary>
    public static IReadOnlyList<string> SplitCrumbs(string text)
    {
        var parts = text.Split(CrumbSeparators).Select(TextNormalizer.Collapse).Where(p => p.Length > 0).ToList();
        return parts.Count > 1 ? parts.Skip(1).ToList() : [];
    }

    /// <summary>The section a breadcrumb names: its last crumb that names one (not <c>正文</c>).</summary>
    public string? SectionOf(IReadOnlyList<string> crumbs)
    {
        for (var i = crumbs.Count - 1; i >= 0; i--)
            if (!_crumbIgnore.Contains(crumbs[i])) return crumbs[i];
        return null;
    }

    /// <summary>What a header line says, by the first form it matches; null when it matches none.</summary>
    public InfoReading? ReadInfo(string line)
    {
        if (_anyInfo?.IsMatch(line) != true) return null;
        foreach (var (name, regex) in _info)
        {
            var m = regex.Match(line);
            if (!m.Success) continue;
            string? Group(string group) => m.Groups[group] is { Success: true } g ? TextNormalizer.NullIfEmpty(g.Value) : null;
            var source = Group("source")?.Trim('(', ')', '（', '）', ' ', '|');
            return new InfoReading(name, DateText.Find(Group("date")), TextNormalizer.NullIfEmpty(source), BylineText.Clean(Group("byline")));
        }
        return null;
    }

    /// <summary>
    /// The headline in a page's <c>&lt;title&gt;</c>: parts at its ends that are a site name, a section name or one of
    /// the page's crumbs are removed (<c>Headline - News - Wuxi</c> → <c>Headline</c>), never the last part left.
    /// </summary>
    public string? HeadlineOfTitle(string? documentTitle, IEnumerable<string>? crumbs = null)
    {
        var title = TextNormalizer.NullIfEmpty(documentTitle);
        if (title is null || _titleSeparator is null) return title;
        if (!_titleSeparator.IsMatch(title)) return title;
        var parts = _titleSeparator.Split(title).Select(TextNormalizer.Collapse).Where(p => p.Length > 0).ToList();
        bool Appended(string part) => _titleNames.Contains(part) || crumbs?.Contains(part, StringComparer.OrdinalIgnoreCase) == true;
        while (parts.Count > 1 && Appended(parts[^1])) parts.RemoveAt(parts.Count - 1);
        while (parts.Count > 1 && Appended(parts[0])) parts.RemoveAt(0);
        // Only the headline is left, or a headline that holds a separator itself ("Q&A - part 2"): keep it as written.
        if (parts.Count == 1) return parts[0];
        return RejoinKept(title, parts);
    }

    /// <summary>The article's date in its URL (<c>/2023-11/23/c_941797.htm</c>), when the site's URLs carry one with its day.</summary>
    public DateOnly? UrlDate(Uri url)
    {
        foreach (var regex in _urlDates)
        {
            var m = regex.Match(url.AbsolutePath);
            if (!m.Success || !m.Groups["d"].Success) continue;
            if (int.TryParse(m.Groups["y"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var y)
                && int.TryParse(m.Groups["m"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var mo)
                && int.TryParse(m.Groups["d"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var d)
                && y is >= 1990 and <= 2100 && mo is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, mo))
                return new DateOnly(y, mo, d);
        }
        return null;
    }

    /// <summary>The title from its first kept part to its last, with the separators between them as written.</summary>
    private static string RejoinKept(string title, List<string> kept)
    {
        var start = title.IndexOf(kept[0], StringComparison.Ordinal);
        var lastStart = title.LastIndexOf(kept[^1], StringComparison.Ordinal);
        return start < 0 || lastStart < start ? string.Join(" ", kept) : title[start..(lastStart + kept[^1].Length)];
    }

    private static Regex? Any(IEnumerable<string> patterns)
    {
        var list = patterns.Where(p => p.Length > 0).ToList();
        if (list.Count == 0) return null;
        // One alternation, matched once per line, anchored as a whole so that a line that is none of them fails at once.
        return new Regex("^(?:" + string.Join("|", list.Select(p => "(?:" + p + ")")) + ")$", Options | RegexOptions.ExplicitCapture, Timeout);
    }

    /// <summary>Every pattern of a rule's anatomy and URL dates parsed (not compiled), so a bad one is named when the rules load.</summary>
    /// <exception cref="InvalidDataException">A pattern is not a valid regex.</exception>
    public static void Validate(SiteRule rule)
    {
        var anatomy = rule.Anatomy;
        var patterns = anatomy.Crumb.Concat(anatomy.Info.Select(f => f.Pattern)).Concat(anatomy.Boilerplate).Concat(anatomy.BodyEnd)
            .Concat(rule.UrlDates).Concat(new[] { anatomy.Counter, anatomy.TitleSeparator }.OfType<string>());
        foreach (var pattern in patterns)
        {
            try { _ = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase); }
            catch (ArgumentException e) { throw new InvalidDataException($"invalid anatomy pattern '{pattern}': {e.Message}"); }
        }
    }
}
