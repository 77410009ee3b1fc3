using Scraper.Extraction;

namespace Scraper.Tests.Extraction;

public sealed class DepthLimiterTests
{
    [Fact]
    public void Ordinary_markup_is_returned_unchanged()
    {
        var html = "<html><body><div><p>One<p>Two<ul><li>a<li>b</ul><img src=x.jpg><br></div><script>if (a<b) {}</script></body></html>";
        Assert.Same(html, DepthLimiter.Flatten(html, 3));
    }

    [Fact]
    public void Tags_past_the_limit_are_dropped_and_their_text_kept()
    {
        var html = string.Concat(Enumerable.Repeat("<div>", 10)) + "deep text" + string.Concat(Enumerable.Repeat("</div>", 10));
        var flat = DepthLimiter.Flatten(html, 4);
        Assert.Equal(4, CountOf(flat, "<div>"));
        Assert.Equal(4, CountOf(flat, "</div>"));
        Assert.Contains("deep text", flat);
    }

    [Fact]
    public void End_tags_deep_in_the_stack_close_their_element_and_stray_ones_nothing()
    {
        // 40 levels, past the 32 the limiter tracks without counting names: </span> closes the span and the <i>
        // above it, so <b> is again at depth 36 and kept; the stray </u> closes nothing.
        var opened = string.Concat(Enumerable.Repeat("<div>", 35));
        var html = opened + "<span><i>x</u></span><b>y</b>" + string.Concat(Enumerable.Repeat("</div>", 35));
        Assert.Equal(html.Replace("<i>", ""), DepthLimiter.Flatten(html, 36));
    }

    [Fact]
    public void A_page_is_cut_before_the_element_past_the_budget()
    {
        var html = "<body>" + string.Concat(Enumerable.Range(1, 10).Select(n => $"<p>para{n}</p>")) + "</body>";
        var cut = DepthLimiter.Flatten(html, 512, maxElements: 5);
        Assert.Equal("<body><p>para1</p><p>para2</p><p>para3</p><p>para4</p>", cut);
        Assert.Same(html, DepthLimiter.Flatten(html, 512, maxElements: 11));
    }

    [Fact]
    public void A_page_is_cut_where_its_text_passes_the_budget_with_script_and_tags_not_counted()
    {
        var html = "<body><script>var long = 'not text of the page';</script><p title=\"an attribute\">abcdef</p><p>ghij</p></body>";
        Assert.Equal("<body><script>var long = 'not text of the page';</script><p title=\"an attribute\">abcdef</p><p>gh",
            DepthLimiter.Flatten(html, 512, maxTextChars: 8));
        Assert.Same(html, DepthLimiter.Flatten(html, 512, maxTextChars: 10));
    }

    [Fact]
    public void Tags_dropped_for_depth_stay_dropped_in_a_cut_page()
    {
        var html = "<div><div><div>deep</div></div></div><p>after</p><p>cut</p>";
        Assert.Equal("<div><div>deep</div></div><p>after</p>", DepthLimiter.Flatten(html, 2, maxElements: 3));
    }

    [Fact]
    public void The_loader_parses_at_most_its_element_budget_of_a_huge_page()
    {
        var html = "<html><body>" + string.Concat(Enumerable.Repeat("<p>filler words</p>", HtmlDocumentLoader.MaxElements + 1000)) + "<p>the end</p></body></html>";
        var document = new HtmlDocumentLoader().Parse(html);
        Assert.InRange(document.All.Length, HtmlDocumentLoader.MaxElements - 2, HtmlDocumentLoader.MaxElements + 2);
        Assert.DoesNotContain("the end", document.Body!.TextContent);
    }

    [Fact]
    public void A_hundred_thousand_levels_parse_quickly_with_their_text()
    {
        var html = "<html><body>" + string.Concat(Enumerable.Repeat("<div><span>", 50_000)) + "bottom";
        var document = new HtmlDocumentLoader().Parse(html);
        Assert.Contains("bottom", document.Body!.TextContent);
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;
}
