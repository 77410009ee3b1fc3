namespace Scraper.Extraction;

/// <summary>One page's article, with what the pager said about its sibling pages.</summary>
/// <param name="SiblingPages">The other pages of a multi-page article, in page order (empty for single pages).</param>
/// <param name="IsContinuationPage">Page 2, 3… of a multi-page article: part of page 1's article, not one of its own.</param>
/// <param name="IsSectionList">One of the site's section lists (see <see cref="SiteRuleExtractor.IsSectionList"/>): the
/// article is the generic extractor's reading of it, which the archive does not keep as an article.</param>
public sealed record PageExtraction(Article Article, IReadOnlyList<Uri> SiblingPages, bool IsContinuationPage, bool IsSectionList = false);
