namespace Scraper.Extraction;

/// <summary>One page's article, with what the pager said about its sibling pages.</summary>
/// <param name="SiblingPages">The other pages of a multi-page article, in page order (empty for single pages).</param>
/// <param name="IsContinuationPage">Page 2, 3… of a multi-page article: part of page 1's article, not one of its own.</param>
public sealed record PageExtraction(Article Article, IReadOnlyList<Uri> SiblingPages, bool IsContinuationPage);
