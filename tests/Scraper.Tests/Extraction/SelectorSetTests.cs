using AngleSharp.Css.Dom;
using AngleSharp.Css.Parser;
using AngleSharp.Dom;
using Scraper.Extraction;
using Scraper.Sites;
using Scraper.Tests.Support;

namespace Scraper.Tests.Extraction;

/// <summary>A selector set finds, in its one walk, exactly what AngleSharp's QuerySelector and QuerySelectorAll find.</summary>
public sealed class SelectorSetTests
{
    // Besides the rules' own selectors: the shapes the set reads (descendant and child chains of tags, ids and
    // classes, in any case) and those it must try on every element (lists, attributes, pseudo-classes, siblings).
    private static readonly string[] MoreSelectors =
    [
        "div > p", "ul li a", "div>ul>li>a", "html body div", "body > div > div", "DIV.Content", "#Content", "A", "h1.art-title",
        "head > title", "table td", "svg path", "div#content > div", ".a.b", "h1, h2", "p:first-child", "a[href]",
        "h1 + p", "div ~ p", ":scope > body", "body *", "[class]", "li:not(.x) a",
    ];

    public static TheoryData<string> Pages()
    {
        var data = new TheoryData<string>();
        foreach (var page in Directory.EnumerateFiles(RepoPaths.Samples, "*.htm*", SearchOption.AllDirectories).Order())
            data.Add(Path.GetRelativePath(RepoPaths.Samples, page));
        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Finds_what_each_query_finds_in_the_page_and_in_its_body(string pageRelative)
    {
        var document = new HtmlDocumentLoader().Load(File.ReadAllBytes(Path.Combine(RepoPaths.Samples, pageRelative)), null);
        var texts = SiteCatalog.Default.Rules
            .SelectMany(r => r.Article.Title.Concat(r.Article.Subtitle).Concat(r.Article.Breadcrumb).Concat(r.Article.Info)
                .Concat(r.Article.Body).Concat(r.Article.Pager).Concat(r.Article.Remove).Concat(r.List.Links))
            .Concat(MoreSelectors).Distinct().ToList();
        AssertSameAsQueries(document, texts);
    }

    [Fact]
    public void Past_sixty_four_tags_ids_and_classes_the_rest_are_still_found()
    {
        var html = "<html><body>" + string.Concat(Enumerable.Range(0, 80).Select(i => $"<div class=c{i}><p id=p{i}>{i}</p></div>")) + "</body></html>";
        var document = new HtmlDocumentLoader().Parse(html);
        AssertSameAsQueries(document, [.. Enumerable.Range(0, 80).Select(i => $".c{i} #p{i}"), "div p", ".c79 > p"]);
    }

    private static void AssertSameAsQueries(IDocument document, IReadOnlyList<string> texts)
    {
        var parser = new CssSelectorParser();
        var entries = texts.SelectMany(t => new[] { SelectorQuery.First, SelectorQuery.All }.Select(q => (t, parser.ParseSelector(t)!, q))).ToList();
        var set = new SelectorSet(entries);
        foreach (var root in new INode?[] { document, document.Body }.OfType<INode>())
        {
            var found = set.Match(root);
            for (var i = 0; i < entries.Count; i++)
            {
                var (text, selector, query) = entries[i];
                Assert.True(Expected(root, selector, query).SequenceEqual(found[i]), $"{query} '{text}' under {root.NodeName}");
            }
        }
    }

    private static IEnumerable<IElement> Expected(INode root, ISelector selector, SelectorQuery query) =>
        query == SelectorQuery.First
            ? root.ChildNodes.QuerySelector(selector) is { } first ? [first] : []
            : root.ChildNodes.QuerySelectorAll(selector);
}
