using Microsoft.Data.Sqlite;

namespace Scraper.Archive;

/// <summary>
/// Keeping the search index up to date. FTS5 writes a new index segment and merges segments at every commit, which
/// cost as much as the rest of a page's transaction; so a page's transaction only queues the page (search_queue,
/// see archive-schema.sql), and the queued pages enter the index together in a transaction of their own. What is
/// queued is as safe as the page itself: a store killed before indexing leaves the queue to the next writer.
/// </summary>
public sealed partial class ArchiveStore
{
    /// <summary>Queued pages that make indexing due.</summary>
    internal const int SearchIndexBatch = 256;

    /// <summary>How long a queued page may wait for the index while pages keep being stored.</summary>
    internal static readonly TimeSpan SearchIndexDelay = TimeSpan.FromSeconds(1);

    // Pages queued by this store since it last indexed (an estimate: a rolled-back page counts too), and since when.
    private int searchQueued;
    private long searchQueuedSince;

    /// <summary>
    /// Brings the search index up to date with every page queued, by this store or by a writer that stopped
    /// before indexing. Searches and integrity checks through a writing store do it first; closing the store does it.
    /// </summary>
    public async Task UpdateSearchIndexAsync(CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        await GuardAsync(async () =>
        {
            await IndexQueuedAsync(cancellationToken);
            return true;
        });
    }

    /// <summary>
    /// How many pages are queued for the search index: stored, but not searched as they are now (new pages not at all,
    /// changed ones by their previous text). A reading store cannot index them; a writer at work indexes its own queue
    /// within a second or so, and one that was killed leaves its queue to the next writer, which indexes it on open.
    /// </summary>
    public async Task<long> CountUnindexedAsync(CancellationToken cancellationToken = default) =>
        await GuardAsync(() => ScalarAsync<long>("SELECT count(*) FROM search_queue", cancellationToken));

    /// <summary>In a page's transaction: the page's current revision changes from <paramref name="indexedRevisionId"/>.</summary>
    private async Task QueueForSearchAsync(long pageId, long? indexedRevisionId, CancellationToken ct)
    {
        // A page already queued keeps its first indexed_revision_id: the index still holds that revision's text.
        await ExecuteAsync(
            "INSERT INTO search_queue (page_id, indexed_revision_id) VALUES ($page, $indexed) ON CONFLICT (page_id) DO NOTHING", ct,
            ("$page", pageId), ("$indexed", indexedRevisionId));
        if (searchQueued++ == 0)
            searchQueuedSince = clock.GetTimestamp();
    }

    /// <summary>After a page's commit: indexes the queue once it is long enough or its first page has waited long enough.</summary>
    private async Task IndexQueuedWhenDueAsync(CancellationToken cancellationToken)
    {
        if (searchQueued == 0 || (searchQueued < SearchIndexBatch && clock.GetElapsedTime(searchQueuedSince) < SearchIndexDelay))
            return;
        try
        {
            await IndexQueuedAsync(cancellationToken);
        }
        catch (SqliteException)
        {
            // The page is stored and its queue entry with it; indexing is tried again a delay later, and the error,
            // if it lasts, shows on the next write, search or close.
            searchQueuedSince = clock.GetTimestamp();
        }
    }

    private async Task IndexQueuedAsync(CancellationToken cancellationToken)
    {
        await InTransactionAsync(async ct =>
        {
            // An entry is removed with exactly the values it was indexed with: the index holds no copy of the text.
            await ExecuteAsync(
                """
                INSERT INTO search_index (search_index, rowid, title, text)
                SELECT 'delete', q.page_id, t.title, t.text
                FROM search_queue q JOIN revision_text t ON t.revision_id = q.indexed_revision_id
                """, ct);
            await ExecuteAsync(
                """
                INSERT INTO search_index (rowid, title, text)
                SELECT s.page_id, s.title, s.text FROM search_queue q JOIN search_source s ON s.page_id = q.page_id
                """, ct);
            await ExecuteAsync("DELETE FROM search_queue", ct);
            return true;
        }, cancellationToken);
        searchQueued = 0;
    }

    /// <summary>On open for writing: a queue left by a writer that stopped before indexing it.</summary>
    private async Task IndexLeftoverQueueAsync(CancellationToken cancellationToken)
    {
        if (await ScalarAsync<long>("SELECT EXISTS (SELECT 1 FROM search_queue)", cancellationToken) == 1)
            await IndexQueuedAsync(cancellationToken);
    }

    /// <summary>On close: indexes what is queued; a failure leaves the queue to the next writer, which indexes it on open.</summary>
    private async Task IndexQueuedOnCloseAsync()
    {
        if (Access != ArchiveAccess.ReadWrite || searchQueued == 0 || transaction is not null)
            return;
        try
        {
            await IndexQueuedAsync(CancellationToken.None);
        }
        catch (SqliteException)
        {
        }
        catch (InvalidOperationException)
        {
            // The connection was never opened or is already closed.
        }
    }
}
