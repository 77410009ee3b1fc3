using Scraper.Archive;
using Scraper.Extraction;

namespace Scraper.Tests.Archive;

public class ArticleContentHashTests
{
    private static readonly Article Article = ArchiveFixtures.WuxiArticle();

    [Fact]
    public void Is_lower_case_hex_sha256_and_stable()
    {
        var hash = ArticleContentHash.Compute(Article);
        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Equal(hash, ArticleContentHash.Compute(Article with { }));
    }

    [Fact]
    public void Ignores_what_is_not_article_content()
    {
        var hash = ArticleContentHash.Compute(Article);
        Assert.Equal(hash, ArticleContentHash.Compute(Article with { Extractor = "generic" }));
        Assert.Equal(hash, ArticleContentHash.Compute(Article with { Url = "https://www.wuxinews.com.cn/2023-11/23/c_941797.htm" }));
        Assert.Equal(hash, ArticleContentHash.Compute(Article with { Section = "News", Source = "China Daily", Language = null }));
    }

    [Fact]
    public void Ignores_whitespace_differences()
    {
        var spaced = Article with
        {
            Title = "  Wuxi hosts\u00A0international   innovation forum\n",
            Paragraphs = Article.Paragraphs.Select(p => "\u3000" + p.Replace(" ", "  ") + "\u200B").ToList(),
        };
        Assert.Equal(ArticleContentHash.Compute(Article), ArticleContentHash.Compute(spaced));
    }

    [Fact]
    public void Changes_with_every_content_field()
    {
        var hash = ArticleContentHash.Compute(Article);
        Article[] variants =
        [
            Article with { Title = "Wuxi hosts international innovation forums" },
            Article with { Subtitle = "A subtitle" },
            Article with { Published = "2023-11-24" },
            Article with { Byline = "By Chen Liubing" },
            Article with { Paragraphs = [.. Article.Paragraphs, "A new paragraph."] },
            Article with { Paragraphs = [Article.Paragraphs[1], Article.Paragraphs[0], Article.Paragraphs[2]] },
            Article with { Paragraphs = ["The forum opened on Thursday in Wuxi, Jiangsu province. More than 300 guests attended, and investment deals worth 12 bliion yuan were signed.", Article.Paragraphs[2]] },
            Article with { Figures = [Article.Figures[0]] },
            Article with { Figures = [Article.Figures[0] with { Caption = "Guests at the forum on Thursday." }, Article.Figures[1]] },
            Article with { Figures = [Article.Figures[0] with { Credit = "Photo/wxrb.com" }, Article.Figures[1]] },
            Article with { Figures = [Article.Figures[0] with { Position = 2 }, Article.Figures[1]] },
        ];
        var hashes = variants.Select(ArticleContentHash.Compute).ToList();
        Assert.DoesNotContain(hash, hashes);
        Assert.Equal(hashes.Count, hashes.Distinct().Count());
    }
}
