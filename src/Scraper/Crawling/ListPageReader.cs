using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Css.Parser;
using AngleSharp.Dom;
using Scraper.Extraction;
using Scraper.Fetching;
using Scraper.Sites;

namespace Scraper.Crawling;

/// <summary>What a section list page offers the crawler: article links, the list's other pages, and the other sections it links to.</summary>
public sealed record ListPage(Uri Url, IReadOnlyList<ListEntry> Entries, IReadOnlyList<Uri> Pages)
{
    public IEnumerable<Uri> Articles => Entries.Select(e => e.Url);

    /// <summary>The first page of every other section the page links to (its navigation, crumbs, sidebars).</summary>
    public IReadOnlyList<Uri> Sections { get; init; } = [];
}

/// <summary>An article link of a list page, with the date the list shows beside it, if any.</summary>
public sealed record ListEntry(Uri Url, DateOnly? Date);

/// <summary>
/// Reads a section list page with the site's list selectors. Article links must also match the site's article
/// URL pattern; when the selectors find none (a changed template), every link on the page that matches the
/// pattern is taken instead, so discovery degrades rather than stops. Sections are found without selectors at all
/// (<see cref="ReadSections"/>): the navigation's markup is unknown, its links' URL form is not.
/// </summary>
public sealed partial class ListPageReader
{
    [GeneratedRegex("""<a\s[^>]*?\bhref\s*=\s*(?:"(?<dq>[^"]*)"|'(?<sq>[^']*)'|(?<bare>[^\s>]+))""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 2000)]
    private static partial Regex HrefAttribute();

    private readonly CssSelectorParser _selectors = new();

    /// <param name="scope">The origins links may lead to; by default the list page's own origin.</param>
    /// <param name="sites">The rules of the sections it may link to (their exclusions); by default <paramref name="rule"/> for all.</param>
    public ListPage Read(IDocument document, Uri pageUrl, SiteRule rule, HostScope? scope = null, SiteCatalog? sites = null)
    {
        scope ??= HostScope.Of(pageUrl);
        bool InScope(Uri u) => scope.Contains(u);

        var articles = Links(document, pageUrl, rule.List.Links)
            .Where(l => InScope(l.Url) && rule.IsArticle(l.Url) && rule.ContinuationPage(l.Url) is null)
            .ToList();
        if (articles.Count == 0)
        {
            articles = Links(document, pageUrl, ["a[href]"])
                .Where(l => InScope(l.Url) && rule.IsArticle(l.Url) && rule.ContinuationPage(l.Url) is null)
                .ToList();
        }
        var section = SectionStem(pageUrl);
        var pages = Links(document, pageUrl, rule.List.Pagination)
            .Select(l => l.Url)
            .Where(u => InScope(u) && rule.ListUrlRegex?.IsMatch(u.AbsolutePath) != false && SectionStem(u) == section && u.AbsolutePath != pageUrl.AbsolutePath)
            .Distinct()
            .ToList();
        var entries = articles.GroupBy(l => l.Url).Select(g => new ListEntry(g.Key, g.Select(l => DateOf(l.Link)).FirstOrDefault(d => d is not null))).ToList();
        return new ListPage(pageUrl, entries, pages) { Sections = ReadSections(document, pageUrl, rule, scope, sites) };
    }

    /// <summary>
    /// The sections a page links to, anywhere on it (navigation, crumbs, sidebars, footer): every link in scope whose path
    /// has the form of a list page of its site (<see cref="SiteRule.ListUrl"/>), as the section's first page, except the
    /// page's own section and the names its rules exclude (standing pages such as About and Overview). Read on list pages
    /// and article pages alike: an article's crumb names its section even where the navigation does not (topics, columns).
    /// </summary>
    public IReadOnlyList<Uri> ReadSections(IDocument document, Uri pageUrl, SiteRule rule, HostScope? scope = null, SiteCatalog? sites = null) =>
        Sections(Links(document, pageUrl, ["a[href]"]).Select(l => l.Url), pageUrl, rule, scope, sites);

    /// <summary>
    /// <see cref="ReadSections(IDocument, Uri, SiteRule, HostScope?, SiteCatalog?)"/> from a page's raw bytes, without
    /// parsing it: an article page is parsed by its extraction already, and a list page's URL is plain ASCII
    /// (<see cref="SiteRule.ListUrl"/>), which reads the same whatever the page's charset.
    /// </summary>
    public IReadOnlyList<Uri> ReadSections(ReadOnlySpan<byte> html, Uri pageUrl, SiteRule rule, HostScope? scope = null, SiteCatalog? sites = null)
    {
        var text = Encoding.Latin1.GetString(html);
        var urls = new List<Uri>();
        foreach (Match href in HrefAttribute().Matches(text))
        {
            var value = href.Groups["dq"].Success ? href.Groups["dq"].Value : href.Groups["sq"].Success ? href.Groups["sq"].Value : href.Groups["bare"].Value;
            // Most links of a page are articles (.htm) and other files: only a .html link can be a list page.
            if (!MayBeListLink(value)) continue;
            value = WebUtility.HtmlDecode(value).Trim();
            if (value.Length > 0 && Uri.TryCreate(pageUrl, value, out var target) && target.Scheme is "http" or "https")
                urls.Add(target);
        }
        return Sections(urls, pageUrl, rule, scope, sites);
    }

    /// <summary>Whether a link's path (before any query or fragment) ends in <c>.html</c>, the list pages' extension.</summary>
    private static bool MayBeListLink(string href)
    {
        var end = href.AsSpan();
        var cut = end.IndexOfAny('?', '#');
        if (cut >= 0) end = end[..cut];
        return end.TrimEnd().EndsWith(".html", StringComparison.OrdinalIgnoreCase);
    }

    private static IReadOnlyList<Uri> Sections(IEnumerable<Uri> links, Uri pageUrl, SiteRule rule, HostScope? scope, SiteCatalog? sites)
    {
        scope ??= HostScope.Of(pageUrl);
        var own = pageUrl.Host + SectionStem(pageUrl);
        var found = new List<Uri>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { own };
        foreach (var url in links)
        {
            if (!url.AbsolutePath.EndsWith(".html", StringComparison.OrdinalIgnoreCase) || !scope.Contains(url)) continue;
            var targetRule = sites?.Match(url) ?? rule;
            if (!targetRule.IsListUrl(url)) continue;
            var first = FirstPageOf(url);
            if (targetRule.IsExcludedSection(SectionName(first)) || !seen.Add(first.Host + SectionStem(first))) continue;
            found.Add(first);
        }
        return found;
    }

    /// <summary>The first page of the section list <paramref name="url"/> is a page of: <c>/bizupdates_18.html</c> → <c>/bizupdates.html</c>.</summary>
    public static Uri FirstPageOf(Uri url)
    {
        var path = url.AbsolutePath;
        var dot = path.LastIndexOf('.');
        var extension = dot > path.LastIndexOf('/') ? path[dot..] : "";
        return new UriBuilder(url) { Path = SectionStem(url) + extension, Query = "", Fragment = "" }.Uri;
    }

    /// <summary>A section's name: its list's file name without the page number and extension (<c>bizupdates</c>).</summary>
    public static string SectionName(Uri url) => SiteRule.SectionNameOf(url);

    /// <summary><c>/bizupdates_2.html</c> and <c>/bizupdates.html</c> are pages of one section list.</summary>
    public static string SectionStem(Uri url)
    {
        var path = url.AbsolutePath;
        var dot = path.LastIndexOf('.');
        if (dot > path.LastIndexOf('/')) path = path[..dot];
        var underscore = path.LastIndexOf('_');
        return underscore > path.LastIndexOf('/') && path[(underscore + 1)..].All(char.IsAsciiDigit) && underscore + 1 < path.Length
            ? path[..underscore]
            : path;
    }

    /// <summary>The date printed in the link's list item (<c>&lt;li&gt;&lt;a&gt;…&lt;/a&gt;&lt;span&gt;2023-02-06&lt;/span&gt;&lt;/li&gt;</c>).</summary>
    private static DateOnly? DateOf(IElement link)
    {
        var item = link.Closest("li, tr, dd") ?? link.ParentElement;
        return item is null ? null : DateText.Find(item.TextContent.Replace(link.TextContent, " "));
    }

    private IEnumerable<(Uri Url, IElement Link)> Links(IDocument document, Uri pageUrl, IEnumerable<string> selectors)
    {
        foreach (var text in selectors)
        {
            if (_selectors.ParseSelector(text) is not { } selector) continue;
            foreach (var link in document.ChildNodes.QuerySelectorAll(selector))
            {
                if (link.GetAttribute("href") is not { Length: > 0 } href) continue;
                if (!Uri.TryCreate(pageUrl, ImageUrl.Encode(href.Trim()), out var target) || target.Scheme is not ("http" or "https")) continue;
                yield return (new UriBuilder(target) { Fragment = "" }.Uri, link);
            }
        }
    }
}
