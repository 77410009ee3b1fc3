using Scraper.Extraction;

namespace Scraper.Tests.Extraction;

public sealed class MarkupPrepassTests
{
    [Fact]
    public void Ordinary_markup_is_returned_unchanged()
    {
        var html = "<html><body><div><p>One<p>Two<ul><li>a<li>b</ul><img src=x.jpg><br></div><script></script></body></html>";
        Assert.Same(html, MarkupPrepass.Apply(html, 3));
    }

    [Fact]
    public void Scripts_code_and_style_rules_are_dropped_and_their_elements_kept()
    {
        var html = "<head><style media=print>p { color: red }</style><script src=a.js>if (a<b) {}</script></head><body><p>Text</p>"
                   + "<SCRIPT type=\"text/javascript\">var s = \"</scriptx>\";</SCRIPT ></body>";
        Assert.Equal("<head><style media=print></style><script src=a.js></script></head><body><p>Text</p><SCRIPT type=\"text/javascript\"></SCRIPT ></body>",
            MarkupPrepass.Apply(html, 512));
    }

    [Theory]
    [InlineData("<script type=\"application/ld+json\">{\"headline\": \"Kept\"}</script>")] // metadata
    [InlineData("<script type=application/json>{\"a\": 1}</script>")]
    [InlineData("<script><!-- document.write(\"<script>x</script>\") --></script>")] // the parser's escaped states
    [InlineData("<svg><script>a()</script></svg>")] // in SVG a script is parsed as markup
    [InlineData("<p title=\"a > <script>b()</script>\">text</p>")] // a '>' inside a quoted value ends no tag
    [InlineData("<!x <script>b()</script> >")] // a bogus comment ends at the first '>'
    [InlineData("<!-- <script>b()</script> -->")]
    public void Text_the_parser_might_read_otherwise_is_kept(string part)
    {
        var html = "<body>" + part + "<p>after</p></body>";
        Assert.Same(html, MarkupPrepass.Apply(html, 512));
    }

    [Fact]
    public void The_document_is_the_same_but_for_the_scripts_code()
    {
        const string html = """
            <html><head><title>T</title><script>var t = "<p>not a paragraph</p>";</script>
            <script type="application/ld+json">{"@type": "NewsArticle"}</script><style>body { margin: 0 }</style></head>
            <body><!--> <p class="a">One <a href="x" title='a>b'>link</a></p><script>if (1 < 2) { go(); }</script>
            <div id=c data-x=1>Two<br/>three</div><?php echo 1 ?><p>Four</p></body></html>
            """;
        var loader = new HtmlDocumentLoader();
        var flattened = loader.Parse(html);
        var parsed = new AngleSharp.Html.Parser.HtmlParser(new AngleSharp.Html.Parser.HtmlParserOptions { SkipComments = true, SkipRawText = true }).ParseDocument(html);
        foreach (var script in parsed.QuerySelectorAll("script:not([type])")) script.TextContent = "";
        Assert.Equal(parsed.DocumentElement.OuterHtml, flattened.DocumentElement.OuterHtml);
        Assert.Contains("NewsArticle", flattened.Head!.InnerHtml);
    }

    [Fact]
    public void Tags_past_the_limit_are_dropped_and_their_text_kept()
    {
        var html = string.Concat(Enumerable.Repeat("<div>", 10)) + "deep text" + string.Concat(Enumerable.Repeat("</div>", 10));
        var flat = MarkupPrepass.Apply(html, 4);
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
        Assert.Equal(html.Replace("<i>", ""), MarkupPrepass.Apply(html, 36));
    }

    [Fact]
    public void A_page_is_cut_before_the_element_past_the_budget()
    {
        var html = "<body>" + string.Concat(Enumerable.Range(1, 10).Select(n => $"<p>para{n}</p>")) + "</body>";
        var cut = MarkupPrepass.Apply(html, 512, maxElements: 5);
        Assert.Equal("<body><p>para1</p><p>para2</p><p>para3</p><p>para4</p>", cut);
        Assert.Same(html, MarkupPrepass.Apply(html, 512, maxElements: 11));
    }

    [Fact]
    public void A_page_is_cut_where_its_text_passes_the_budget_with_script_and_tags_not_counted()
    {
        var html = "<body><textarea>not counted</textarea><p title=\"an attribute\">abcdef</p><p>ghij</p></body>";
        Assert.Equal("<body><textarea>not counted</textarea><p title=\"an attribute\">abcdef</p><p>gh",
            MarkupPrepass.Apply(html, 512, maxTextChars: 8));
        Assert.Same(html, MarkupPrepass.Apply(html, 512, maxTextChars: 10));
    }

    [Fact]
    public void Tags_dropped_for_depth_stay_dropped_in_a_cut_page()
    {
        var html = "<div><div><div>deep</div></div></div><p>after</p><p>cut</p>";
        Assert.Equal("<div><div>deep</div></div><p>after</p>", MarkupPrepass.Apply(html, 2, maxElements: 3));
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
