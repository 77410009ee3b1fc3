using Scraper.Extraction;
using Scraper.Extraction.Generic;
using Scraper.Sites;
using Scraper.Tests.Support;

namespace Scraper.Tests.Extraction;

/// <summary>
/// The whole Readability test corpus (130 real pages of many sites) through the extraction cascade, as from a host
/// without site rules. The floors sit just under what the generic extractor reaches (see README, "The generic
/// extractor"), so that a change that makes it worse fails here; time per page is measured by
/// <c>bench/Scraper.Bench -- corpus</c>, not here.
/// </summary>
public sealed class ReferenceCorpusTests
{
    private const string Corpus = "readability-test-pages";

    [CorpusFact(Corpus)]
    public void Every_page_is_extracted_and_agrees_with_the_reference()
    {
        var pages = ReferenceCorpus.Load(Path.Combine(RepoPaths.Corpora, Corpus));
        Assert.True(pages.Count >= 130, $"{pages.Count} pages");
        var extractor = new ArticleExtractor(SiteCatalog.Default);
        var loader = new HtmlDocumentLoader();
        var scores = new List<PageScore>();
        var failures = new List<string>();
        foreach (var page in pages)
        {
            try
            {
                var article = extractor.Extract(ReferenceCorpus.PageUrl, File.ReadAllBytes(page.SourcePath), null).Article;
                Assert.Equal(ArticleExtractor.GenericName, article.Extractor);
                scores.Add(ReferenceCorpus.Score(page, article, loader));
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                failures.Add($"{page.Name}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.Empty(failures);

        // Agreement with Readability.js is a little lower than the 0.999 of an extractor that followed it alone: the
        // extractor now also removes what Readability keeps and readers do not want (README, "The generic extractor").
        var meanF1 = scores.Average(s => s.Text.F1);
        Assert.True(meanF1 >= 0.98, $"mean F1 {meanF1:0.000}");
        Assert.True(scores.Average(s => s.Text.Precision) >= 0.99, $"mean precision {scores.Average(s => s.Text.Precision):0.000}");
        Assert.True(scores.Average(s => s.Text.Recall) >= 0.97, $"mean recall {scores.Average(s => s.Text.Recall):0.000}");
        Assert.Empty(scores.Where(s => s.Text.F1 < 0.5).Select(s => $"{s.Name} {s.Text.F1:0.000}"));
        // Titles and bylines are no worse than before: 125 of 130 and 76 of 76.
        var titles = scores.Count(s => s.TitleAgrees);
        Assert.True(titles >= 125, $"title agreement {titles}/{scores.Count}");
        var bylines = scores.Where(s => s.BylineAgrees is not null).ToList();
        Assert.True(bylines.Count >= 76, $"{bylines.Count} reference bylines");
        Assert.Empty(bylines.Where(s => s.BylineAgrees != true).Select(s => $"{s.Name}: {s.Article.Byline}"));
    }
}
