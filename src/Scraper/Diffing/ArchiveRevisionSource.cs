using Scraper.Archive;

namespace Scraper.Diffing;

/// <summary>The revisions of the archive, as <c>scraper diff</c> reads them. Owns the store it is given.</summary>
public sealed class ArchiveRevisionSource(ArchiveStore store) : IRevisionSource, IAsyncDisposable
{
    public async Task<RevisionHistory?> FindPageAsync(string urlOrPageId, CancellationToken cancellationToken)
    {
        var page = await store.Reader.FindPageAsync(urlOrPageId, cancellationToken);
        // A continuation page's text is part of its first page's article: that is the history to diff.
        if (page?.ContinuationOf is { } first)
            page = await store.Reader.FindPageAsync(first, cancellationToken);
        if (page is null)
            return null;
        var history = await store.Reader.GetHistoryAsync(page.PageId, cancellationToken);
        return new RevisionHistory(page.PageId, page.Url, history.Select(r => r.Number).ToList());
    }

    public async Task<StoredRevision?> GetRevisionAsync(long pageId, int revision, CancellationToken cancellationToken)
    {
        var archived = await store.Reader.GetArticleAsync(pageId, revision, cancellationToken);
        return archived is null
            ? null
            : new StoredRevision(archived.Article, new RevisionInfo(archived.Revision, archived.CapturedAt, archived.ContentSha256));
    }

    public ValueTask DisposeAsync() => store.DisposeAsync();
}
