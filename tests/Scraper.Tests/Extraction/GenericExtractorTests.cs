using System.Text;
using Scraper.Extraction;
using Scraper.Extraction.Generic;
using Scraper.Sites;

namespace Scraper.Tests.Extraction;

/// <summary>The generic extractor on pages of hosts without site rules, written to show one behaviour each.</summary>
public sealed class GenericExtractorTests
{
    private static readonly Uri PageUrl = new("https://news.example.org/2024/05/bridge.html");
    private readonly ArticleExtractor _extractor = new(SiteCatalog.Default);

    private Article Extract(string html) => _extractor.Extract(PageUrl, Encoding.UTF8.GetBytes(html), "text/html; charset=utf-8").Article;

    /// <summary>Prose long enough to be scored as article text (commas and length count).</summary>
    private static string Prose(string topic) =>
        $"The {topic} was discussed at length by residents, engineers and officials, who met on Monday evening in the town hall. " +
        $"Several speakers said the {topic} would change daily life in the district, for better or worse, for years to come.";

    private const string Chrome = """
        <header class="site-header"><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav></header>
        <div class="sidebar"><h3>Most read</h3><ul><li><a href="/a">Sidebar story one</a></li><li><a href="/b">Sidebar story two</a></li></ul></div>
        """;

    [Fact]
    public void Navigation_sidebars_share_bars_related_stories_comments_and_footers_are_left_out()
    {
        var article = Extract($$"""
            <html lang="en"><head><title>Bridge opens to traffic after two years | Example News</title></head><body>
            {{Chrome}}
            <article class="story">
              <h1>Bridge opens to traffic after two years</h1>
              <div class="share-tools"><a href="https://twitter.com/share">Tweet</a> <a href="mailto:?">Email</a></div>
              <p>{{Prose("bridge")}}</p>
              <h2>What changes for commuters</h2>
              <p>{{Prose("new bus route")}}</p>
              <ul><li>Buses every ten minutes at peak hours, from six in the morning.</li><li>A cycle lane on both sides, separated from the traffic.</li></ul>
              <table><thead><tr><th>Route</th><th>Minutes before</th><th>Minutes after</th></tr></thead>
                <tbody><tr><td>Old town to station</td><td>25</td><td>12</td></tr><tr><td>Harbour to school</td><td>30</td><td>18</td></tr></tbody></table>
              <p>{{Prose("toll")}}</p>
              <div class="related-stories"><h3>Related</h3><ul><li><a href="/c">Related story one</a></li><li><a href="/d">Related story two</a></li></ul></div>
            </article>
            <section id="comments"><h3>Comments</h3><p>First comment, which says that the bridge is ugly, expensive and late, and that nobody asked the residents.</p></section>
            <footer class="site-footer"><p>Copyright 2024 Example News, all rights reserved, about us, contact, privacy.</p></footer>
            </body></html>
            """);

        Assert.Equal("generic", article.Extractor);
        Assert.Null(article.Site);
        Assert.Equal("Bridge opens to traffic after two years", article.Title);
        Assert.DoesNotContain(article.Title, article.Paragraphs);
        var text = article.Text;
        Assert.Equal(Prose("bridge"), article.Paragraphs[0]);
        Assert.Contains("What changes for commuters", article.Paragraphs);
        Assert.Contains("Buses every ten minutes at peak hours, from six in the morning.", article.Paragraphs);
        Assert.Contains("Old town to station", text);
        Assert.Contains(Prose("toll"), article.Paragraphs);
        foreach (var chrome in new[] { "Home", "Sidebar story", "Tweet", "Related story", "First comment", "Copyright" })
            Assert.DoesNotContain(chrome, text);
    }

    [Fact]
    public void Metadata_comes_from_json_ld_before_opengraph_before_meta_tags_before_the_dom()
    {
        const string dom = """
            <title>A headline from the document title | Example News</title>
            <meta name="author" content="Meta Author">
            <meta property="og:title" content="OpenGraph title">
            <meta property="article:published_time" content="2024-03-02T10:00:00+01:00">
            """;
        const string jsonLd = """
            <script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
              "headline": "JSON-LD headline", "author": [{"@type": "Person", "name": "Ann Lee"}, {"@type": "Person", "name": "Bo Chen"}],
              "datePublished": "2024-03-01T08:00:00+08:00", "inLanguage": "en-GB"}</script>
            """;
        string Page(string head) => $"""
            <html lang="fr"><head>{head}</head><body><article><p class="byline">By Dom Writer</p>
            <time datetime="2024-02-29">29 Feb</time><p>{Prose("bridge")}</p><p>{Prose("toll")}</p><p>{Prose("budget")}</p></article></body></html>
            """;

        var all = Extract(Page(dom + jsonLd));
        Assert.Equal(("JSON-LD headline", "Ann Lee, Bo Chen", "2024-03-01", "en-GB"), (all.Title, all.Byline, all.Published, all.Language));

        var meta = Extract(Page(dom));
        Assert.Equal(("OpenGraph title", "Meta Author", "2024-03-02", "fr"), (meta.Title, meta.Byline, meta.Published, meta.Language));
        // The byline element is no text, whether or not the metadata already gave the author.
        Assert.DoesNotContain("By Dom Writer", meta.Text);

        var domOnly = Extract(Page("<title>A headline from the document title | Example News</title>"));
        Assert.Equal(("A headline from the document title", "Dom Writer", "2024-02-29", "fr"), (domOnly.Title, domOnly.Byline, domOnly.Published, domOnly.Language));
        Assert.DoesNotContain("By Dom Writer", domOnly.Text);
    }

    [Fact]
    public void Figures_keep_captions_and_credits_from_figcaptions_caption_paragraphs_and_lazy_images()
    {
        var article = Extract($$"""
            <html><head><title>Bridge opens in the old town at last</title></head><body><div class="article-body">
              <figure><img src="/img/bridge.jpg" alt="The bridge"><figcaption>The bridge at dawn. <span class="credit">Photo: Jane Roe/Reuters</span></figcaption></figure>
              <p>{{Prose("bridge")}}</p>
              <p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-srcset="/img/w_800,h_600/toll.jpg 800w, /img/w_1600,h_1200/toll.jpg 1600w"></p>
              <p class="caption">The toll booth on the west bank. [Photo/Xinhua]</p>
              <p>{{Prose("toll")}}</p>
              <p>{{Prose("budget")}}</p>
            </div></body></html>
            """);

        Assert.Equal(2, article.Figures.Count);
        Assert.Equal(new Figure("https://news.example.org/img/bridge.jpg", "The bridge", "The bridge at dawn.", "Jane Roe/Reuters", 0), article.Figures[0]);
        Assert.Equal(new Figure("https://news.example.org/img/w_800,h_600/toll.jpg", null, "The toll booth on the west bank.", "Xinhua", 1), article.Figures[1]);
        Assert.Equal([Prose("bridge"), Prose("toll"), Prose("budget")], article.Paragraphs);
    }

    [Fact]
    public void Hidden_elements_are_not_text()
    {
        var article = Extract($$"""
            <html><body><div class="post">
              <p>{{Prose("bridge")}}</p><p style="display: none">Hidden by style, a sentence nobody sees on the page.</p>
              <p hidden>Hidden by attribute, a sentence nobody sees on the page.</p>
              <div aria-hidden="true"><p>Hidden from readers of every kind, a sentence nobody sees.</p></div>
              <p>{{Prose("toll")}}</p>
            </div></body></html>
            """);
        Assert.Equal([Prose("bridge"), Prose("toll")], article.Paragraphs);
    }

    [Fact]
    public void Text_separated_by_double_line_breaks_is_paragraphs()
    {
        var article = Extract($"<html><body><div>{Prose("bridge")}<br><br>{Prose("toll")}<br>\n<br>{Prose("budget")}</div></body></html>");
        Assert.Equal([Prose("bridge"), Prose("toll"), Prose("budget")], article.Paragraphs);
    }

    [Fact]
    public void An_article_in_an_element_named_like_chrome_is_found_by_a_second_attempt()
    {
        // "extra" names chrome; with nothing else on the page, the attempt that trusts no names finds the article.
        var article = Extract($"<html><body><div class=\"extra-wide\"><p>{Prose("bridge")}</p><p>{Prose("toll")}</p><p>{Prose("budget")}</p></div></body></html>");
        Assert.Equal([Prose("bridge"), Prose("toll"), Prose("budget")], article.Paragraphs);
    }

    [Fact]
    public void A_page_nested_deeper_than_the_parser_limit_is_extracted()
    {
        var html = new StringBuilder("<html><body>");
        for (var i = 0; i < 5000; i++) html.Append("<div>");
        html.Append("<p>").Append(Prose("bridge")).Append("</p><p>").Append(Prose("toll")).Append("</p>");
        for (var i = 0; i < 5000; i++) html.Append("</div>");
        html.Append("</body></html>");
        var article = Extract(html.ToString());
        Assert.Contains(Prose("bridge"), article.Text);
        Assert.Contains(Prose("toll"), article.Text);
    }

    [Fact]
    public void Text_hidden_by_class_consent_banners_and_ruby_annotations_are_not_read()
    {
        var article = Extract($$"""
            <html><body>
              <div class="cookie-consent-banner"><p>We use cookies to give you the best experience on our website, so please accept them all.</p></div>
              <div class="article-body">
                <a class="skip-link" href="#main">Skip to the main content of this page</a>
                <p>{{Prose("bridge")}}</p>
                <span class="sr-only">A note for screen readers only, which sighted readers never see on the page.</span>
                <p>{{Prose("toll")}} <ruby>漢<rt>かん</rt>字<rt>じ</rt></ruby></p>
              </div>
            </body></html>
            """);
        Assert.Equal([Prose("bridge"), Prose("toll") + " 漢字"], article.Paragraphs);
    }

    [Fact]
    public void An_article_written_into_a_noscript_for_readers_without_scripts_is_read()
    {
        var article = Extract($$"""
            <html><body><div class="post-body"><div class="loading">Loading…</div>
              <noscript><p>{{Prose("bridge")}}</p><p>{{Prose("toll")}}</p></noscript>
              <noscript><img src="/pixel.gif"></noscript>
            </div></body></html>
            """);
        Assert.Equal([Prose("bridge"), Prose("toll")], article.Paragraphs);
    }

    [Fact]
    public void Chrome_inside_the_article_goes_author_boxes_link_lines_dates_credits_related_sections_and_calls_to_action()
    {
        var article = Extract($$"""
            <html><head><title>Bridge opens to traffic after two years | Example News</title></head><body>{{Chrome}}
            <article class="story">
              <p>Dienstag, 4. Juni 2019, 08:30 Uhr</p>
              <p>5 min read</p>
              <p>{{Prose("bridge")}}</p>
              <p>Read more: <a href="/2024/04/ferry.html">The ferry that the bridge replaces makes its last crossing</a></p>
              <p>{{Prose("toll")}}</p>
              <p>Foto: Jane Roe/Reuters</p>
              <p>Sign up for our newsletter and get the best stories of the day every morning.</p>
              <p>{{Prose("budget")}}</p>
              <div class="author-bio"><p>Jane Roe has written about the city's bridges, roads and railways for twenty years.</p></div>
              <h3>Related stories</h3>
              <p>The ferry's last crossing drew a crowd of hundreds to the harbour on Sunday.</p>
              <p>Tolls on the old road will go in the summer, the council says.</p>
              <p>© 2024 Example News</p>
            </article></body></html>
            """);
        Assert.Equal([Prose("bridge"), Prose("toll"), Prose("budget")], article.Paragraphs);
    }

    [Fact]
    public void The_standfirst_in_the_articles_header_starts_the_text_and_the_headers_byline_and_date_do_not()
    {
        var article = Extract($$"""
            <html><head><title>Bridge opens to traffic after two years</title></head><body>{{Chrome}}
            <article>
              <header class="article-header">
                <a class="kicker" href="/city">City</a>
                <h1>Bridge opens to traffic after two years</h1>
                <p class="article-lead">The new bridge links the old town with the station and halves the journey between them.</p>
                <p class="byline">By Jane Roe</p>
                <time datetime="2024-06-04">4 June 2024</time>
              </header>
              <div class="article-body"><p>{{Prose("bridge")}}</p><p>{{Prose("toll")}}</p><p>{{Prose("budget")}}</p></div>
            </article></body></html>
            """);
        Assert.Equal(
            ["The new bridge links the old town with the station and halves the journey between them.", Prose("bridge"), Prose("toll"), Prose("budget")],
            article.Paragraphs);
        Assert.Equal("Jane Roe", article.Byline);
    }

    [Fact]
    public void Captions_go_with_their_images_and_a_caption_without_an_image_is_not_text()
    {
        var article = Extract($$"""
            <html><body><div class="article-body">
              <p>{{Prose("bridge")}}</p>
              <div class="image-block"><div class="image-wrap"><img src="/img/bridge.jpg" alt=""></div><div class="image-caption">The bridge at dawn, from the east bank.</div></div>
              <p>{{Prose("toll")}}</p>
              <div class="slideshow"><div class="slide-caption">Image 3 of 12: the bridge lit at night</div></div>
              <p>{{Prose("budget")}}</p>
            </div></body></html>
            """);
        Assert.Equal([Prose("bridge"), Prose("toll"), Prose("budget")], article.Paragraphs);
        Assert.Equal("The bridge at dawn, from the east bank.", Assert.Single(article.Figures).Caption);
    }

    [Fact]
    public void Text_beside_an_inline_image_is_a_paragraph_not_the_images_caption()
    {
        var article = Extract($$"""
            <html><body><div class="entry-content">
              <p><img src="/img/logo.png">A senior official said in a sworn statement that the bridge was ready for traffic and safe.</p>
              <p>{{Prose("bridge")}}</p><p>{{Prose("toll")}}</p>
            </div></body></html>
            """);
        Assert.Equal("A senior official said in a sworn statement that the bridge was ready for traffic and safe.", article.Paragraphs[0]);
        Assert.Null(Assert.Single(article.Figures).Caption);
    }

    [Fact]
    public void Of_several_stories_appended_one_after_the_other_the_first_is_the_pages()
    {
        var article = Extract($$"""
            <html><body>
              <article class="entry"><p>{{Prose("bridge")}}</p><p>{{Prose("toll")}}</p><p>{{Prose("budget")}}</p></article>
              <article class="entry"><p>{{Prose("harbour")}}</p><p>{{Prose("ferry")}}</p><p>{{Prose("museum")}}</p><p>{{Prose("park")}}</p><p>{{Prose("school")}}</p></article>
            </body></html>
            """);
        Assert.Equal([Prose("bridge"), Prose("toll"), Prose("budget")], article.Paragraphs);
    }

    [Fact]
    public void Names_do_not_remove_a_layout_that_holds_the_article_nor_a_field_whose_label_is_hidden()
    {
        var article = Extract($$"""
            <html><body>
              <div class="o-row c-fixed-sidebar-layout">
                <article class="c-article"><div class="field field--name-body field--label-hidden">
                  <p>{{Prose("bridge")}}</p><p>{{Prose("toll")}}</p><p>{{Prose("budget")}}</p>
                </div></article>
                <div class="sidebar"><ul><li><a href="/a">Sidebar story one</a></li><li><a href="/b">Sidebar story two</a></li></ul></div>
              </div>
            </body></html>
            """);
        Assert.Equal([Prose("bridge"), Prose("toll"), Prose("budget")], article.Paragraphs);
    }

    [Fact]
    public void Finding_the_article_leaves_the_document_as_it_was_unless_the_caller_gives_it_up()
    {
        var document = new HtmlDocumentLoader().Parse($"<html><body>{Chrome}<article><p>{Prose("bridge")}</p><p>{Prose("toll")}</p></article></body></html>");
        var before = document.DocumentElement.OuterHtml;
        var extractor = new GenericExtractor();
        var kept = extractor.Find(document);
        Assert.Equal(before, document.DocumentElement.OuterHtml);
        var consumed = extractor.Find(document, consume: true);
        Assert.Equal(TextNormalizer.Collapse(kept.Body!.TextContent), TextNormalizer.Collapse(consumed.Body!.TextContent));
        Assert.Contains("Most read", before);
        Assert.DoesNotContain("Most read", kept.Body.TextContent);
    }
}

public sealed class ExtractionScoreTests
{
    [Fact]
    public void Token_overlap_counts_words_as_a_multiset()
    {
        var overlap = ExtractionScore.Compare("the bridge, the bridge opens", "The bridge opens today");
        // Extracted: the×2 bridge×2 opens (5 words); reference: the bridge opens today (4); shared: the bridge opens (3).
        Assert.Equal(3.0 / 5, overlap.Precision, 6);
        Assert.Equal(3.0 / 4, overlap.Recall, 6);
        Assert.Equal(2 * 0.6 * 0.75 / 1.35, overlap.F1, 6);
        Assert.Equal(1, ExtractionScore.Compare("", "").F1);
        Assert.Equal(0, ExtractionScore.Compare("", "words").F1);
        Assert.Equal(0, ExtractionScore.Compare("words", "").F1);
    }

    [Fact]
    public void Reference_text_separates_blocks_but_not_inline_elements()
    {
        var document = new HtmlDocumentLoader().Parse("<div><p>one</p><p>two<b>three</b></p><ul><li>four</li><li>five</li></ul></div>");
        Assert.Equal(["one", "twothree", "four", "five"], ExtractionScore.TextOf(document.Body!).Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("Bridge opens", "Bridge opens | Example News", true)]
    [InlineData("bridge  OPENS", "Bridge opens", true)]
    [InlineData("Bridge closes", "Bridge opens", false)]
    [InlineData(null, "", true)]
    [InlineData(null, "Bridge opens", false)]
    public void Titles_agree_when_equal_or_contained(string? extracted, string? expected, bool agree) =>
        Assert.Equal(agree, ExtractionScore.TitlesAgree(extracted, expected));

    [Theory]
    [InlineData("Ana Sandoiu", "By Ana Sandoiu", true)]
    [InlineData("Rob Ewaschuk Edited by Betsy Beyer", "Written by Rob Ewaschuk\n   Edited by Betsy Beyer", true)]
    [InlineData("Ann Lee", "Bo Chen", false)]
    public void Bylines_agree_without_their_by(string extracted, string expected, bool agree) =>
        Assert.Equal(agree, ExtractionScore.BylinesAgree(extracted, expected));
}
