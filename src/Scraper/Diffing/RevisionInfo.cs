using Scraper.Extraction;

namespace Scraper.Diffing;

/// <summary>Where a revision sits in a page's history, as the diff output names it.</summary>
/// <param name="Revision">The revision's number (1 = the first article seen for the page).</param>
/// <param name="CapturedAt">When this revision's content was first captured.</param>
public sealed record RevisionInfo(int Revision, DateTimeOffset CapturedAt, string ContentSha256);

/// <summary>One stored revision of a page: its article and its place in the history.</summary>
public sealed record StoredRevision(Article Article, RevisionInfo Info);

/// <summary>A page's revision history as <c>scraper diff</c> needs it.</summary>
/// <param name="RevisionNumbers">The page's revision numbers, oldest first.</param>
public sealed record RevisionHistory(long PageId, string Url, IReadOnlyList<int> RevisionNumbers);

/// <summary>Where <c>scraper diff</c> reads revisions from (the archive), kept apart so the diff engine knows no SQL.</summary>
public interface IRevisionSource
{
    /// <summary>The page's history, found by page id (digits) or by URL; null for an unknown page.</summary>
    Task<RevisionHistory?> FindPageAsync(string urlOrPageId, CancellationToken cancellationToken);

    /// <summary>Revision <paramref name="revision"/> of the page, or null if the page has no such revision.</summary>
    Task<StoredRevision?> GetRevisionAsync(long pageId, int revision, CancellationToken cancellationToken);
}
