using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using Scraper.Diffing;

namespace Scraper.Extraction.Generic;

/// <summary>What a page says about its article outside the article's text.</summary>
/// <param name="Published">ISO 8601 date (<c>2023-11-23</c>).</param>
public sealed record PageMetadata(string? Title, string? Byline, string? Published, string? Language, string? SiteName);

/// <summary>
/// Reads a page's title, byline, published date, language and site name from, in order of trust: JSON-LD
/// (schema.org Article and its subtypes), OpenGraph and other meta tags (Dublin Core, Twitter, Parse.ly), then
/// <c>&lt;time&gt;</c> and the DOM (the document title, the html element's <c>lang</c>). Publishers fill the
/// structured data for search engines and social cards, so it is cleaner than anything read off the layout.
/// </summary>
public static partial class PageMetadataReader
{
    /// <summary>The schema.org types of a thing that is an article (https://schema.org/Article and its subtypes).</summary>
    [GeneratedRegex("^(?:Article|AdvertiserContentArticle|NewsArticle|AnalysisNewsArticle|AskPublicNewsArticle|BackgroundNewsArticle|OpinionNewsArticle|ReportageNewsArticle|ReviewNewsArticle|Report|SatiricalArticle|ScholarlyArticle|MedicalScholarlyArticle|SocialMediaPosting|BlogPosting|LiveBlogPosting|DiscussionForumPosting|TechArticle|APIReference)$")]
    private static partial Regex ArticleType();

    [GeneratedRegex(@"^https?://schema\.org/?$", RegexOptions.IgnoreCase)]
    private static partial Regex SchemaOrg();

    /// <summary>
    /// <c>property</c> holds a space-separated list of names (RDFa), of which the first known one counts:
    /// <c>property="og:title twitter:title"</c>.
    /// </summary>
    [GeneratedRegex(@"\s*(article|dc|dcterm|og|twitter)\s*:\s*(author|creator|description|published_time|title|site_name|locale)\s*", RegexOptions.IgnoreCase)]
    private static partial Regex PropertyName();

    /// <summary><c>name</c> is a single name, with a vocabulary prefix written with a dot, a dash or a colon.</summary>
    [GeneratedRegex(@"^\s*(?:(dc|dcterm|og|twitter|parsely|weibo:(article|webpage))\s*[-.:]\s*)?(author|creator|pub-date|description|title|site_name|date|language)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex MetaName();

    /// <summary>A title separator with spaces around it: "Headline | Site", "Site » Section » Headline".</summary>
    [GeneratedRegex(@" [\|\-\\/>»–—] ")]
    private static partial Regex TitleSeparator();

    /// <summary>Separators that mark a path of sections rather than a site's name after the headline.</summary>
    [GeneratedRegex(@" [\\/>»] ")]
    private static partial Regex HierarchicalSeparator();

    [GeneratedRegex(@"^(.*)[\|\-\\/>»–—] .*$", RegexOptions.Singleline)]
    private static partial Regex UpToLastSeparator();

    [GeneratedRegex(@"^[^\|\-\\/>»–—]*[\|\-\\/>»–—](.*)$", RegexOptions.Singleline)]
    private static partial Regex AfterFirstSeparator();

    [GeneratedRegex(@"[\|\-\\/>»–—]+")]
    private static partial Regex AnySeparator();

    [GeneratedRegex(@"^\s*<!\[CDATA\[|\]\]>\s*$")]
    private static partial Regex CdataMarkers();

    /// <summary>A document title this short or this long is rarely the headline alone; the page's only h1 is.</summary>
    private const int ShortDocumentTitle = 15, LongDocumentTitle = 150;

    /// <summary>A title cut down to this many words or fewer probably lost part of the headline.</summary>
    private const int TooFewTitleWords = 4;

    public static PageMetadata Read(IDocument document)
    {
        var elements = MetadataElements.Find(document);
        var jsonLd = JsonLd.Read(elements.JsonLdScripts, document);
        var meta = ReadMetaTags(elements.Metas);
        string? Meta(params string[] names)
        {
            foreach (var name in names)
                if (meta.TryGetValue(name, out var value) && value.Length > 0) return value;
            return null;
        }

        var title = jsonLd.Title
                    ?? Meta("dc:title", "dcterm:title", "og:title", "weibo:article:title", "weibo:webpage:title", "title", "twitter:title", "parsely-title")
                    ?? TitleFromDocument(document);
        // article:author is often the author's profile URL (as Facebook asks for), which is not a name.
        var byline = jsonLd.Byline ?? Meta("dc:creator", "dcterm:creator", "author", "parsely-author")
                     ?? (Meta("article:author") is { } author && !Uri.TryCreate(author, UriKind.Absolute, out _) ? author : null);
        var published = DateText.ParseMachine(jsonLd.Published)
                        ?? DateText.ParseMachine(Meta("article:published_time", "parsely-pub-date", "dc:date", "dcterm:date", "date"))
                        ?? PublishedFromDom(elements);
        // The html element's lang comes before og:locale, which CMS templates often leave at their default en_US.
        var language = jsonLd.Language
                       ?? TextNormalizer.NullIfEmpty(document.DocumentElement.GetAttribute("lang"))
                       ?? Meta("dc:language", "language")
                       ?? TextNormalizer.NullIfEmpty(elements.ContentLanguage?.GetAttribute("content"))
                       ?? Locale(Meta("og:locale"));
        return new PageMetadata(
            Clean(title),
            Clean(byline),
            DateText.ToIso(published),
            TextNormalizer.NullIfEmpty(language),
            Clean(jsonLd.SiteName ?? Meta("og:site_name")));
    }

    /// <summary>
    /// The headline from the document title, which usually adds the site's name: "Headline | Site" keeps the part
    /// before the last separator (or after the first one, when that leaves too few words); "Site: Headline" keeps
    /// what follows the colon unless a heading holds the whole title; a title too short or too long to be a headline
    /// gives way to the page's only h1.
    /// </summary>
    public static string? TitleFromDocument(IDocument document)
    {
        var original = TextNormalizer.Collapse(document.Title ?? "");
        if (original.Length == 0) return null;
        var title = original;
        var hierarchical = false;
        if (TitleSeparator().IsMatch(title))
        {
            hierarchical = HierarchicalSeparator().IsMatch(title);
            title = UpToLastSeparator().Replace(original, "$1");
            if (WordCount(title) < 3) title = AfterFirstSeparator().Replace(original, "$1");
        }
        else if (title.Contains(": ", StringComparison.Ordinal))
        {
            var headingHoldsTitle = document.QuerySelectorAll("h1, h2").Any(h => TextNormalizer.Collapse(h.TextContent) == original);
            if (!headingHoldsTitle)
            {
                title = original[(original.LastIndexOf(':') + 1)..];
                if (WordCount(title) < 3) title = original[(original.IndexOf(':') + 1)..];
                // Many words before the colon: the colon is part of the headline, not a site prefix.
                else if (WordCount(original[..original.IndexOf(':')]) > 5) title = original;
            }
        }
        else if (title.Length is > LongDocumentTitle or < ShortDocumentTitle)
        {
            // The page's only h1 is its headline, however short.
            var h1s = document.QuerySelectorAll("h1");
            if (h1s.Length == 1 && TextNormalizer.NullIfEmpty(h1s[0].TextContent) is { } headline) return headline;
        }
        title = TextNormalizer.Collapse(title);
        var words = WordCount(title);
        // Cutting left too little: unless exactly the site's name went from a hierarchical title, keep it whole.
        if (words <= TooFewTitleWords && (!hierarchical || words != WordCount(AnySeparator().Replace(original, "")) - 1))
            title = original;
        return title.Length > 0 ? title : null;
    }

    /// <summary>
    /// The values of the meta tags Readability-style readers look at, keyed by lower-case name with dots as colons
    /// (<c>og:title</c>, <c>dc:creator</c>, <c>parsely-author</c>); a later tag of the same name wins.
    /// </summary>
    private static Dictionary<string, string> ReadMetaTags(List<IElement> metas)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var element in metas)
        {
            if (element.GetAttribute("content") is not { Length: > 0 } content) continue;
            var matched = false;
            if (element.GetAttribute("property") is { Length: > 0 } property && PropertyName().Match(property) is { Success: true } m)
            {
                values[RemoveWhitespace(m.Value.ToLowerInvariant())] = content.Trim();
                matched = true;
            }
            if (!matched && element.GetAttribute("name") is { Length: > 0 } name && MetaName().IsMatch(name))
                values[RemoveWhitespace(name.ToLowerInvariant()).Replace('.', ':')] = content.Trim();
        }
        return values;
    }

    /// <summary>The publication date the page's markup gives: an itemprop, then a &lt;time&gt; marked as the
    /// publication (pubdate), then the first &lt;time datetime&gt;.</summary>
    private static DateOnly? PublishedFromDom(MetadataElements elements)
    {
        foreach (var element in new[] { elements.DatePublished, elements.TimePubdate, elements.TimeDatetime })
        {
            if (element is null) continue;
            var value = element.GetAttribute("datetime") ?? element.GetAttribute("content") ?? element.TextContent;
            if (DateText.ParseMachine(value) is { } date) return date;
        }
        return null;
    }

    /// <summary>OpenGraph writes locales with an underscore (<c>en_US</c>); languages are tagged with a hyphen.</summary>
    private static string? Locale(string? locale) => locale?.Replace('_', '-');

    /// <summary>Whitespace collapsed and entities decoded: many sites escape their meta values twice.</summary>
    private static string? Clean(string? text) => text is null ? null : TextNormalizer.NullIfEmpty(WebUtility.HtmlDecode(text));

    private static string RemoveWhitespace(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    /// <summary>Words separated by white space (at least one: an empty title counts as one word, as in Readability).</summary>
    private static int WordCount(string text) => Math.Max(1, text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length);

    /// <summary>The first schema.org article described in the page's JSON-LD scripts.</summary>
    private sealed record JsonLd(string? Title, string? Byline, string? Published, string? Language, string? SiteName)
    {
        private static readonly JsonLd None = new(null, null, null, null, null);
        private static readonly JsonDocumentOptions Lenient = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

        public static JsonLd Read(List<IElement> scripts, IDocument document)
        {
            foreach (var script in scripts)
            {
                var json = CdataMarkers().Replace(script.TextContent, "");
                try
                {
                    using var parsed = JsonDocument.Parse(json, Lenient);
                    if (FindArticle(parsed.RootElement) is { } article) return FromArticle(article, document);
                }
                catch (JsonException)
                {
                    // A script that is not valid JSON says nothing; the next one may.
                }
            }
            return None;
        }

        /// <summary>The article object: the root itself, one of a top-level array, or one of its <c>@graph</c>.</summary>
        private static JsonElement? FindArticle(JsonElement root)
        {
            if (root.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in root.EnumerateArray())
                    if (FindArticle(item) is { } found) return found;
                return null;
            }
            if (root.ValueKind != JsonValueKind.Object || !IsSchemaOrg(root)) return null;
            if (IsArticle(root)) return root;
            if (root.TryGetProperty("@graph", out var graph) && graph.ValueKind == JsonValueKind.Array)
                foreach (var item in graph.EnumerateArray())
                    if (item.ValueKind == JsonValueKind.Object && IsArticle(item)) return item;
            return null;
        }

        /// <summary>The vocabulary is schema.org, named directly or as the <c>@vocab</c> of a context object.</summary>
        private static bool IsSchemaOrg(JsonElement item)
        {
            if (!item.TryGetProperty("@context", out var context)) return false;
            if (context.ValueKind == JsonValueKind.Object && context.TryGetProperty("@vocab", out var vocab)) context = vocab;
            return context.ValueKind == JsonValueKind.String && SchemaOrg().IsMatch(context.GetString()!);
        }

        private static bool IsArticle(JsonElement item)
        {
            if (!item.TryGetProperty("@type", out var type)) return false;
            if (type.ValueKind == JsonValueKind.String) return ArticleType().IsMatch(type.GetString()!);
            return type.ValueKind == JsonValueKind.Array && type.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && ArticleType().IsMatch(t.GetString()!));
        }

        private static JsonLd FromArticle(JsonElement article, IDocument document)
        {
            var name = String(article, "name");
            var headline = String(article, "headline");
            string? title;
            if (name is not null && headline is not null && name != headline)
            {
                // Some sites put their own name in "name" and the article's in "headline": the one that resembles the
                // document title is the article's.
                var documentTitle = TitleFromDocument(document) ?? "";
                var nameMatches = TextSimilarity.Of(name, documentTitle) > 0.75;
                var headlineMatches = TextSimilarity.Of(headline, documentTitle) > 0.75;
                title = headlineMatches && !nameMatches ? headline : name;
            }
            else
            {
                title = name ?? headline;
            }
            string? byline = null;
            if (article.TryGetProperty("author", out var author))
            {
                if (author.ValueKind == JsonValueKind.Object) byline = String(author, "name");
                else if (author.ValueKind == JsonValueKind.Array)
                {
                    var names = author.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.Object)
                        .Select(a => String(a, "name")).OfType<string>().ToList();
                    if (names.Count > 0) byline = string.Join(", ", names);
                }
                else if (author.ValueKind == JsonValueKind.String) byline = author.GetString();
            }
            string? siteName = null;
            if (article.TryGetProperty("publisher", out var publisher) && publisher.ValueKind == JsonValueKind.Object)
                siteName = String(publisher, "name");
            return new JsonLd(title, byline, String(article, "datePublished"), String(article, "inLanguage"), siteName);
        }

        private static string? String(JsonElement item, string property) =>
            item.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? TextNormalizer.NullIfEmpty(value.GetString()) : null;
    }
}

/// <summary>
/// The elements of a page that hold its metadata, found in one walk of the document in document order: the reader
/// asked the document for each kind, and each asking walked the whole page (most pages have no &lt;time&gt; or
/// datePublished, so those walks went to the end). Each kind is what the selector or tag name beside it finds; an
/// element is tried against a selector only when a quick test that every match passes says it may match.
/// </summary>
internal sealed class MetadataElements
{
    private const string JsonLdSelector = "script[type='application/ld+json' i]";
    private const string DatePublishedSelector = "[itemprop~='datePublished']";
    private const string TimePubdateSelector = "time[pubdate]";
    private const string TimeDatetimeSelector = "time[datetime]";
    private const string ContentLanguageSelector = "meta[http-equiv='content-language' i]";

    /// <summary><c>script[type='application/ld+json' i]</c>, all of them.</summary>
    public List<IElement> JsonLdScripts { get; } = [];

    /// <summary>The elements named <c>meta</c> (as <c>GetElementsByTagName("meta")</c> finds them).</summary>
    public List<IElement> Metas { get; } = [];

    /// <summary>The first <c>[itemprop~='datePublished']</c>.</summary>
    public IElement? DatePublished { get; private set; }

    /// <summary>The first <c>time[pubdate]</c>.</summary>
    public IElement? TimePubdate { get; private set; }

    /// <summary>The first <c>time[datetime]</c>.</summary>
    public IElement? TimeDatetime { get; private set; }

    /// <summary>The first <c>meta[http-equiv='content-language' i]</c>.</summary>
    public IElement? ContentLanguage { get; private set; }

    public static MetadataElements Find(IDocument document)
    {
        var found = new MetadataElements();
        // Pre-order over the child lists, as the document's own queries walk it.
        var stack = new Stack<(INodeList Children, int Index)>();
        stack.Push((document.ChildNodes, 0));
        while (stack.Count > 0)
        {
            var (children, index) = stack.Pop();
            if (index >= children.Length) continue;
            stack.Push((children, index + 1));
            if (children[index] is not Element child) continue;
            IElement element = child;
            found.Look(element);
            if (element.HasChildNodes) stack.Push((element.ChildNodes, 0));
        }
        return found;
    }

    private void Look(IElement e)
    {
        var name = e.LocalName;
        if (name.Equals("script", StringComparison.OrdinalIgnoreCase))
        {
            if (e.GetAttribute("type") is { Length: 19 } type && type.Equals("application/ld+json", StringComparison.OrdinalIgnoreCase)
                && e.Matches(JsonLdSelector))
                JsonLdScripts.Add(e);
        }
        else if (name.Equals("meta", StringComparison.OrdinalIgnoreCase))
        {
            Metas.Add(e);
            if (ContentLanguage is null && e.GetAttribute("http-equiv") is { Length: 16 } equiv
                && equiv.Equals("content-language", StringComparison.OrdinalIgnoreCase) && e.Matches(ContentLanguageSelector))
                ContentLanguage = e;
        }
        else if (name.Equals("time", StringComparison.OrdinalIgnoreCase))
        {
            if (TimePubdate is null && e.Matches(TimePubdateSelector)) TimePubdate = e;
            if (TimeDatetime is null && e.Matches(TimeDatetimeSelector)) TimeDatetime = e;
        }
        if (DatePublished is null && e.GetAttribute("itemprop") is { } itemprop
            && itemprop.Contains("datePublished", StringComparison.OrdinalIgnoreCase) && e.Matches(DatePublishedSelector))
            DatePublished = e;
    }
}

/// <summary>How much of one text's words another text has.</summary>
public static class TextSimilarity
{
    /// <summary>
    /// 1 when every word of <paramref name="b"/> occurs in <paramref name="a"/>, 0 when none does: one minus the
    /// share of b's text (in characters) made of words a lacks. Words as the diff counts them (each CJK character one
    /// word, as Chinese and Japanese write no spaces). Used to recognise a heading that repeats the title.
    /// </summary>
    public static double Of(string a, string b)
    {
        var wordsA = WordDiff.Words(a).ToHashSet(StringComparer.Ordinal);
        var wordsB = WordDiff.Words(b).ToList();
        if (wordsA.Count == 0 || wordsB.Count == 0) return 0;
        var unique = string.Join(' ', wordsB.Where(w => !wordsA.Contains(w)));
        return 1 - (double)unique.Length / string.Join(' ', wordsB).Length;
    }
}
