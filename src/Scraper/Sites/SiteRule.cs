using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Scraper.Sites;

/// <summary>
/// What the scraper knows of one site family, as data: its hosts, where crawling starts, which URLs are
/// articles, and the CSS selectors of the article's parts. Loaded from embedded JSON (Sites/Rules/*.json);
/// <c>--rules FILE</c> adds or overrides a site. Each selector list is tried in order, first match wins, so a
/// rule can carry the selectors of several template generations.
/// </summary>
public sealed record SiteRule
{
    /// <summary>The family's name, as reported in <c>Article.Site</c>: <c>en.wuxi.gov.cn</c>, <c>wnd.gov.cn</c>.</summary>
    public required string Site { get; init; }
    /// <summary>Every host that serves this family (lower case, no port).</summary>
    public required IReadOnlyList<string> Hosts { get; init; }
    /// <summary>Language of the site's pages when a page does not declare one.</summary>
    public string? Language { get; init; }
    /// <summary>Hosts that serve the site in another language (<c>kr.wndonline.cn</c>: <c>ko</c>): their pages carry it
    /// whatever the template's <c>lang</c> says.</summary>
    public IReadOnlyDictionary<string, string> HostLanguages { get; init; } = new Dictionary<string, string>();
    /// <summary>Section list pages the crawler starts from.</summary>
    public IReadOnlyList<string> StartUrls { get; init; } = [];
    /// <summary>Regex over the URL path of article pages (page 1 and continuation pages alike).</summary>
    public string? ArticleUrl { get => _articleUrl; init { _articleUrl = value; ArticleUrlRegex = Compile(value); } }
    /// <summary>Regex over the path of page 2, 3… of a multi-page article, with a <c>page</c> group.</summary>
    public string? ContinuationUrl { get => _continuationUrl; init { _continuationUrl = value; ContinuationUrlRegex = Compile(value); } }
    /// <summary>Regex over the path of section list pages.</summary>
    public string? ListUrl { get => _listUrl; init { _listUrl = value; ListUrlRegex = Compile(value); } }
    /// <summary>Regexes over the URL path that give an article's date when the page shows none: groups <c>y</c>,
    /// <c>m</c> and <c>d</c> (a pattern without a day gives no date).</summary>
    public IReadOnlyList<string> UrlDates { get; init; } = [];
    public ArticleSelectors Article { get; init; } = new();
    /// <summary>The page's visible text anatomy: what the header zone's lines say, and which lines are boilerplate.</summary>
    public AnatomyRules Anatomy { get; init; } = new();
    public ListSelectors List { get; init; } = new();
    /// <summary>
    /// Hosts of the family that serve the same paths, each group with the host its pages are archived under: a page is
    /// one page on whichever of them, over http or https, it is reached (see <c>Archive.PageIdentity</c>). An entry may
    /// carry a path prefix (<c>subsites.chinadaily.com.cn/bizwnden</c>): the paths below it are the same paths below the
    /// canonical entry's.
    /// </summary>
    public IReadOnlyList<HostAliases> HostAliases { get; init; } = [];
    /// <summary>
    /// Names of pages whose URL has the form of a section list but that hold no section: standing pages (About, Overview)
    /// and the like. The crawl does not follow them from the navigation, and does not keep them as articles.
    /// A name is the list page's file name without its page suffix and extension (<c>overview</c> for <c>/overview.html</c>).
    /// </summary>
    public IReadOnlyList<string> ExcludeSections { get; init; } = [];

    // Compiled once when the pattern is set, so a rule copied with `with` never carries a stale regex.
    private readonly string? _articleUrl, _continuationUrl, _listUrl;
    [JsonIgnore] public Regex? ArticleUrlRegex { get; private init; }
    [JsonIgnore] public Regex? ContinuationUrlRegex { get; private init; }
    [JsonIgnore] public Regex? ListUrlRegex { get; private init; }

    public bool IsArticle(Uri url) => ArticleUrlRegex?.IsMatch(url.AbsolutePath) == true;

    /// <summary>Whether the URL has the form of one of the site's section list pages (<see cref="ListUrl"/>).</summary>
    public bool IsListUrl(Uri url) => ListUrlRegex?.IsMatch(url.AbsolutePath) == true;

    /// <summary>Whether <paramref name="name"/> (a section's name, <c>overview</c>) is one of <see cref="ExcludeSections"/>.</summary>
    public bool IsExcludedSection(string name) => (ExcludeSections ?? []).Any(e => string.Equals(e, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A standing page (About, Overview): a list page's URL whose name <see cref="ExcludeSections"/> excludes. Neither a
    /// section nor an article: kept as captures only.
    /// </summary>
    public bool IsStandingPage(Uri url) => IsListUrl(url) && !IsArticle(url) && IsExcludedSection(SectionNameOf(url));

    /// <summary>
    /// A section list's name: its file name without page number and extension (<c>/bizupdates_18.html</c> →
    /// <c>bizupdates</c>; <c>/bizwnden/news.html</c> → <c>news</c>).
    /// </summary>
    public static string SectionNameOf(Uri url)
    {
        var path = url.AbsolutePath;
        var name = path[(path.LastIndexOf('/') + 1)..];
        var dot = name.LastIndexOf('.');
        if (dot > 0) name = name[..dot];
        var underscore = name.LastIndexOf('_');
        if (underscore > 0 && underscore + 1 < name.Length && name[(underscore + 1)..].All(char.IsAsciiDigit)) name = name[..underscore];
        return name.ToLowerInvariant();
    }

    /// <summary>The page number of a continuation page (2, 3…), or null for page 1 and other pages.</summary>
    public int? ContinuationPage(Uri url)
    {
        var m = ContinuationUrlRegex?.Match(url.AbsolutePath);
        return m is { Success: true } && int.TryParse(m.Groups["page"].Value, out var page) && page > 1 ? page : null;
    }

    private static Regex? Compile(string? pattern) => pattern is null
        ? null
        : new(pattern, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
}

/// <summary>A group of hosts serving the same paths: <see cref="Canonical"/> is the one pages are archived under.</summary>
public sealed record HostAliases
{
    /// <summary>A host, possibly with a path prefix (<c>www.chinadaily.com.cn/m/jiangsu/wuxi</c>).</summary>
    public required string Canonical { get; init; }
    public IReadOnlyList<string> Aliases { get; init; } = [];
}

/// <summary>Selectors of an article's parts; every list is tried in order.</summary>
public sealed record ArticleSelectors
{
    public IReadOnlyList<string> Title { get; init; } = [];
    public IReadOnlyList<string> Subtitle { get; init; } = [];
    /// <summary>The breadcrumb container; its last crumb is the section.</summary>
    public IReadOnlyList<string> Breadcrumb { get; init; } = [];
    /// <summary>Elements whose text carries the date, source and byline (<c>By X (source)Updated: date</c>); all matches are read.</summary>
    public IReadOnlyList<string> Info { get; init; } = [];
    public IReadOnlyList<string> Body { get; init; } = [];
    /// <summary>Links of the pager under a multi-page article's body.</summary>
    public IReadOnlyList<string> Pager { get; init; } = [];
    /// <summary>Elements removed from the body before reading it (counters, share bars, the pager).</summary>
    public IReadOnlyList<string> Remove { get; init; } = [];
    /// <summary>Regexes matching a whole text block that is boilerplate even inside the body.</summary>
    public IReadOnlyList<string> DropText { get; init; } = [];
}

/// <summary>
/// The text forms of a site's pages as a reader sees them (<c>../shared/SITES.md</c>), as regexes over one line
/// (white space collapsed; each must match the whole line). They find the metadata, and keep header lines and
/// boilerplate out of the paragraphs, whatever the markup's class names.
/// </summary>
public sealed record AnatomyRules
{
    /// <summary>A breadcrumb line (<c>Home &gt; News</c>); its last crumb is the section.</summary>
    public IReadOnlyList<string> Crumb { get; init; } = [];
    /// <summary>Crumbs that name no section (<c>正文</c>, "the text"): the crumb before them is the section.</summary>
    public IReadOnlyList<string> CrumbIgnore { get; init; } = [];
    /// <summary>The lines under a title, each with a name for reports; the groups <c>date</c>, <c>source</c> and
    /// <c>byline</c> are read (an empty group is an empty field), any other group is matched and ignored.</summary>
    public IReadOnlyList<HeaderForm> Info { get; init; } = [];
    /// <summary>A short line above the title names the section (<c>Foreign Exchange</c> above a government-CMS title).</summary>
    public bool SectionLabel { get; init; }
    /// <summary>Where a deck (the subtitle) may stand: <c>afterTitle</c>, <c>afterInfo</c>, <c>afterFirstCaption</c>.</summary>
    public IReadOnlyList<string> Decks { get; init; } = [];
    /// <summary>The view counter (<c>8.03K</c>): a line of this form that closes the body is no paragraph.</summary>
    public string? Counter { get; init; }
    /// <summary>Lines that are never content wherever they stand: controls, pagers, labels of the template.</summary>
    public IReadOnlyList<string> Boilerplate { get; init; } = [];
    /// <summary>Lines where the article body has ended: footers, sidebars, counters and blurbs of every era.</summary>
    public IReadOnlyList<string> BodyEnd { get; init; } = [];
    /// <summary>What separates the parts of the page's <c>&lt;title&gt;</c> (<c>Headline - Section - Wuxi</c>).</summary>
    public string? TitleSeparator { get; init; }
    /// <summary>The names the templates add to the headline in <c>&lt;title&gt;</c> besides section names
    /// (<c>Wuxi</c>, <c>Wuxi National Hi-tech District</c>); parts of the title that are one of these, a section name or
    /// one of the page's crumbs are removed from its ends.</summary>
    public IReadOnlyList<string> SiteNames { get; init; } = [];
    /// <summary>The site's section names (its navigation), which templates also add to the title.</summary>
    public IReadOnlyList<string> Sections { get; init; } = [];
}

/// <summary>One named form of a header line: <c>{"name": "source-updated", "pattern": "^\((?&lt;source&gt;…)\)Updated: …$"}</c>.</summary>
public sealed record HeaderForm
{
    public required string Name { get; init; }
    public required string Pattern { get; init; }
}

/// <summary>Selectors of a section list page.</summary>
public sealed record ListSelectors
{
    /// <summary>Links to articles.</summary>
    public IReadOnlyList<string> Links { get; init; } = [];
    /// <summary>Links of the list's own pagination.</summary>
    public IReadOnlyList<string> Pagination { get; init; } = [];
}
