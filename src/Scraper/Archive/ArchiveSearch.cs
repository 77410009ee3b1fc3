using System.Data.Common;

namespace Scraper.Archive;

/// <summary>
/// Search: the engine's full-text index (<see cref="SearchBackend"/>) kept up to date, and its queries. FTS5 writes a
/// new index segment and merges segments at every commit, which cost as much as the rest of a page's transaction; so a
/// page's transaction only queues the page (search_queue, see archive-schema.sql), and the queued pages enter the index
/// together in a transaction of their own. What is queued is as safe as the page itself: a store killed before indexing
/// leaves the queue to the next writer.
/// </summary>
public sealed class ArchiveSearch : ArchiveRole, IDisposable
{
    private readonly SearchBackend backend;

    internal ArchiveSearch(ArchiveDatabase database) : base(database) => backend = database.Engine.CreateSearch(database);

    /// <summary>In the caller's transaction: the page's entry taken out of the index (a page merged into another).</summary>
    internal Task RemoveEntryAsync(long pageId, CancellationToken ct) => backend.RemoveEntryAsync(pageId, ct);

    /// <summary>Queued pages that make indexing due.</summary>
    internal const int SearchIndexBatch = 256;

    /// <summary>How long a queued page may wait for the index while pages keep being stored.</summary>
    internal static readonly TimeSpan SearchIndexDelay = TimeSpan.FromSeconds(1);

    /// <summary>Pages queued by this store since it last indexed: a search through a writer indexes them first.</summary>
    internal bool HasQueued => searchQueued > 0;

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
    internal async Task QueueForSearchAsync(long pageId, long? indexedRevisionId, CancellationToken ct)
    {
        // A page already queued keeps its first indexed_revision_id: the index still holds that revision's text.
        await ExecuteAsync(
            "INSERT INTO search_queue (page_id, indexed_revision_id) VALUES ($page, $indexed) ON CONFLICT (page_id) DO NOTHING", ct,
            ("$page", pageId), ("$indexed", indexedRevisionId));
        if (searchQueued++ == 0)
            searchQueuedSince = Clock.GetTimestamp();
    }

    /// <summary>After a page's commit: indexes the queue once it is long enough or its first page has waited long enough.</summary>
    internal async Task IndexQueuedWhenDueAsync(CancellationToken cancellationToken)
    {
        if (searchQueued == 0 || (searchQueued < SearchIndexBatch && Clock.GetElapsedTime(searchQueuedSince) < SearchIndexDelay))
            return;
        try
        {
            await IndexQueuedAsync(cancellationToken);
        }
        catch (DbException)
        {
            // The page is stored and its queue entry with it; indexing is tried again a delay later, and the error,
            // if it lasts, shows on the next write, search or close.
            searchQueuedSince = Clock.GetTimestamp();
        }
    }

    internal async Task IndexQueuedAsync(CancellationToken cancellationToken)
    {
        await InTransactionAsync(async ct =>
        {
            await backend.IndexQueuedAsync(ct);
            return true;
        }, cancellationToken);
        searchQueued = 0;
    }

    /// <summary>On open for writing: a queue left by a writer that stopped before indexing it.</summary>
    internal async Task IndexLeftoverQueueAsync(CancellationToken cancellationToken)
    {
        if (await ScalarAsync<long>("SELECT EXISTS (SELECT 1 FROM search_queue)", cancellationToken) == 1)
            await IndexQueuedAsync(cancellationToken);
    }

    /// <summary>On close: indexes what is queued; a failure leaves the queue to the next writer, which indexes it on open.</summary>
    internal async Task IndexQueuedOnCloseAsync()
    {
        if (Access != ArchiveAccess.ReadWrite || searchQueued == 0 || Database.Transaction is not null)
            return;
        try
        {
            await IndexQueuedAsync(CancellationToken.None);
        }
        catch (DbException)
        {
        }
        catch (InvalidOperationException)
        {
            // The connection was never opened or is already closed.
        }
    }

    /// <summary>
    /// Full-text search over the title and text of each page's current revision, best first, in the engine's query
    /// syntax (SQLite: FTS5's, see <see cref="Sqlite.Fts5Search"/>). Plain words always search; the query is bound as a
    /// parameter, never spliced into SQL.
    /// </summary>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(
        string query, int limit = 20, string? site = null, string highlightStart = "**", string highlightEnd = "**",
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        if (string.IsNullOrWhiteSpace(query))
            throw new ArchiveException(ArchiveFailure.InvalidQuery, "the search query is empty");
        if (Access == ArchiveAccess.ReadWrite && searchQueued > 0)
            await UpdateSearchIndexAsync(cancellationToken);
        return await GuardAsync(() => backend.SearchAsync(query, limit, site, highlightStart, highlightEnd, cancellationToken));
    }

    /// <summary>Closes what the engine's search holds open (extra connections).</summary>
    public void Dispose() => backend.Dispose();
}
