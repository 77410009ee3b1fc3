using System.Text.Json;
using System.Text.RegularExpressions;
using Scraper.Diffing;
using Scraper.Extraction;

namespace Scraper.Tests.Diffing;

public sealed class DiffRendererTests
{
    private static readonly RevisionInfo Older = new(3, new DateTimeOffset(2024, 5, 1, 6, 30, 0, TimeSpan.FromHours(8)), new string('a', 64));
    private static readonly RevisionInfo Newer = new(5, new DateTimeOffset(2024, 5, 2, 0, 0, 0, TimeSpan.Zero), new string('b', 64));

    /// <summary>A page whose text tries to break out of every format: markup, quotes, a terminal escape, an image URL.</summary>
    private static DiffResult Hostile()
    {
        var older = new Article
        {
            Url = "https://en.wuxi.gov.cn/2024-05/01/c_9.htm", Site = "en.wuxi.gov.cn", Extractor = "site:en.wuxi.gov.cn",
            Title = "Tags <b>& \"quotes\"",
            Paragraphs = ["Plain first paragraph stays the same.", "An <script>alert(1)</script> paragraph with a \u001b[2J clear-screen escape."],
            Figures = [new Figure("https://evil.example/x.png\" onerror=\"alert(1)", null, "<img src=x>", null, 1)],
        };
        var newer = older with
        {
            Paragraphs = [older.Paragraphs[0], "An <script>alert(2)</script> paragraph with a \u001b[2J clear-screen escape."],
            Figures = [older.Figures[0] with { Caption = "<img src=y>" }],
        };
        return ArticleDiff.Compare(older, newer);
    }

    [Fact]
    public void Text_is_plain_without_colour_and_coloured_with_it()
    {
        var diff = Hostile();
        var plain = TextDiffRenderer.Render(diff, Older, Newer, colour: false);
        Assert.DoesNotContain('\u001b', plain);
        Assert.Contains("[-1-]{+2+}", plain);
        Assert.Contains("--- revision 3, captured 2024-04-30 22:30:00 UTC, sha256 aaaaaaaaaaaa", plain);

        var coloured = TextDiffRenderer.Render(diff, Older, Newer, colour: true);
        Assert.Contains("\u001b[31m1\u001b[0m\u001b[32m2\u001b[0m", coloured);
        Assert.DoesNotContain("[-", coloured);
        // The page's own escape sequence is neutralised in both modes; only our colour codes remain.
        Assert.DoesNotContain("\u001b[2J", coloured);
        Assert.Contains("\uFFFD[2J", plain);
    }

    [Fact]
    public void Json_has_the_documented_shape_and_survives_any_text()
    {
        var json = JsonDocument.Parse(JsonDiffRenderer.Render(Hostile(), Older, Newer)).RootElement;
        Assert.Equal("https://en.wuxi.gov.cn/2024-05/01/c_9.htm", json.GetProperty("url").GetString());
        Assert.Equal(3, json.GetProperty("from").GetProperty("revision").GetInt32());
        Assert.Equal("2024-04-30T22:30:00.000Z", json.GetProperty("from").GetProperty("captured_at").GetString());
        Assert.Equal(new string('b', 64), json.GetProperty("to").GetProperty("content_sha256").GetString());
        var changes = json.GetProperty("changes").EnumerateArray().ToList();
        Assert.Equal(["paragraph", "figure"], changes.Select(c => c.GetProperty("field").GetString()));
        Assert.All(changes, c => Assert.Equal("changed", c.GetProperty("kind").GetString()));
        Assert.Equal(1, changes[0].GetProperty("index").GetInt32());
        Assert.Contains("alert(2)", changes[0].GetProperty("after").GetString());
        Assert.Equal("<img src=y>", changes[1].GetProperty("after").GetProperty("caption").GetString());
    }

    [Fact]
    public void Html_is_self_contained_and_escapes_the_page_text()
    {
        var html = HtmlDiffRenderer.Render(Hostile(), Older, Newer);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html);
        Assert.DoesNotContain("onerror=\"", html);
        Assert.Contains("&lt;script&gt;alert(<del>1</del>)", html);
        Assert.Contains("&lt;script&gt;alert(<ins>2</ins>)", html);
        // Nothing to fetch: no src/href attributes, no url() or @import, and a policy that forbids loads anyway.
        foreach (Match tag in Regex.Matches(html, "<[a-zA-Z][^>]*>"))
            Assert.DoesNotMatch(new Regex(@"\s(src|href|srcset|action|style)\s*=", RegexOptions.IgnoreCase), tag.Value);
        Assert.DoesNotMatch(new Regex(@"url\(|@import", RegexOptions.IgnoreCase), html);
        Assert.Contains("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"", html);
        foreach (Match attribute in Regex.Matches(html, "=\"([^\"]*)\""))
            Assert.DoesNotContain("://", attribute.Groups[1].Value);
    }

    [Fact]
    public void Every_paragraph_of_both_revisions_appears_in_the_html_once()
    {
        var pair = RevisionPairs.Get("correction");
        var diff = ArticleDiff.Compare(pair.From, pair.To);
        Assert.Equal(Enumerable.Range(0, pair.From.Paragraphs.Count).Select(i => (int?)i), diff.Paragraphs.Where(r => r.FromIndex is not null).Select(r => r.FromIndex));
        Assert.Equal(Enumerable.Range(0, pair.To.Paragraphs.Count).Select(i => (int?)i), diff.Paragraphs.Where(r => r.ToIndex is not null).Select(r => r.ToIndex));
        var html = HtmlDiffRenderer.Render(diff, pair.FromInfo, pair.ToInfo);
        var text = System.Net.WebUtility.HtmlDecode(Regex.Replace(html, "<(del|/del|ins|/ins)>", ""));
        foreach (var paragraph in pair.From.Paragraphs.Concat(pair.To.Paragraphs).Distinct())
            Assert.Contains(paragraph, text);
    }
}
