using System.Data.Common;

namespace Scraper.Archive;

/// <summary>
/// What one database engine does its own way, behind the roles' plain SQL: turning its errors into
/// <see cref="ArchiveException"/>s, telling a busy database from a broken one, making commits durable, its schema
/// version, and full-text search. Each engine is a folder (Sqlite/) holding this, its schema file and its opening.
/// </summary>
internal abstract class ArchiveEngine
{
    /// <summary>The failure the user can act on, in one line naming the archive as <paramref name="displayPath"/>.</summary>
    public abstract ArchiveException Translate(DbException e, string displayPath);

    /// <summary>Another writer holds the database (the work can wait for it, or leave it to that writer).</summary>
    public abstract bool IsBusy(DbException e);

    /// <summary>Makes every committed write durable against a power cut.</summary>
    public abstract void MakeDurable(ArchiveDatabase database);

    /// <summary>The schema version the archive declares.</summary>
    public abstract Task<long> ReadSchemaVersionAsync(ArchiveDatabase database, CancellationToken cancellationToken);

    /// <summary>The archive's size on disk, in bytes.</summary>
    public abstract long SizeInBytes(ArchiveDatabase database);

    /// <summary>The engine's full-text index over the store's database.</summary>
    public abstract SearchBackend CreateSearch(ArchiveDatabase database);
}

/// <summary>
/// An engine's full-text index of each page's current revision (title and text, the <c>search_source</c> view), kept
/// up to date from <c>search_queue</c> (see <see cref="ArchiveSearch"/>), and its queries.
/// </summary>
internal abstract class SearchBackend : ArchiveRole, IDisposable
{
    private protected SearchBackend(ArchiveDatabase database) : base(database)
    {
    }

    /// <summary>In the caller's transaction: every queued page's entry replaced by its current text, and the queue emptied.</summary>
    public abstract Task IndexQueuedAsync(CancellationToken ct);

    /// <summary>In the caller's transaction: the page's entry taken out of the index (a page merged into another).</summary>
    public abstract Task RemoveEntryAsync(long pageId, CancellationToken ct);

    /// <summary>The best <paramref name="limit"/> pages for <paramref name="query"/>, best first, with snippets.</summary>
    /// <exception cref="ArchiveException"><see cref="ArchiveFailure.InvalidQuery"/> for a query the engine cannot read.</exception>
    public abstract Task<IReadOnlyList<SearchHit>> SearchAsync(
        string query, int limit, string? site, string highlightStart, string highlightEnd, CancellationToken cancellationToken);

    public virtual void Dispose()
    {
    }
}
