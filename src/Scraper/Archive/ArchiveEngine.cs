using System.Data.Common;

namespace Scraper.Archive;

/// <summary>
/// What one database engine does its own way, behind the roles' plain SQL: turning its errors into
/// <see cref="ArchiveException"/>s, telling a busy database from a broken one, making commits durable, its schema
/// version, and full-text search. Each engine is a folder (Sqlite/) holding this, its schema file and its opening.
/// </summary>
internal abstract class ArchiveEngine : IDisposable
{
    /// <summary>The roles' SQL as this engine reads it: they write parameters as <c>$name</c>, as SQLite does.</summary>
    public virtual string Dialect(string sql) => sql;

    /// <summary>A parameter's name as this engine binds it.</summary>
    public virtual string ParameterName(string name) => name;

    /// <summary>
    /// At the start of a write transaction: waits for the archive's other writers (<see cref="WriteKind.Serialized"/>),
    /// up to the busy timeout. SQLite's IMMEDIATE transactions already have, so it does nothing.
    /// </summary>
    public virtual Task BeginWriteAsync(ArchiveDatabase database, WriteKind kind, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>What follows a claim's SELECT of frontier rows: lock them, skipping rows another crawler has claimed.</summary>
    public virtual string SkipLockedRows => "";

    /// <summary>A connection of its own for a stream that stays open while the store runs other statements; null: the store's own.</summary>
    public virtual Task<System.Data.Common.DbConnection?> OpenStreamConnectionAsync(ArchiveDatabase database, CancellationToken cancellationToken) =>
        Task.FromResult<System.Data.Common.DbConnection?>(null);

    /// <summary>
    /// Creates the schema in a new archive or upgrades an older one, in one transaction under the writer's lock (two
    /// writers starting at once on a new archive: the second finds the schema made): each version's step from the
    /// engine's <see cref="Schema"/>, in turn. <paramref name="applyIdentity"/> keys the pages (schema version 5) inside it.
    /// </summary>
    public async Task CreateOrUpgradeAsync(ArchiveDatabase database, Func<CancellationToken, Task> applyIdentity, CancellationToken cancellationToken)
    {
        var schema = Schema;
        await database.InTransactionAsync(async ct =>
        {
            // Looked at again under the write lock: another process may have created or upgraded it meanwhile.
            var version = await ReadCreatedVersionAsync(database, ct);
            if (version is null)
            {
                await database.ExecuteAsync(schema.Sql, ct);
                await database.ExecuteAsync("INSERT INTO page_identity (id, hosts) VALUES (1, $hosts)", ct, ("$hosts", database.Identity.Description));
                return 0;
            }
            for (var v = (int)version; v < schema.Version; v++)
            {
                if (!schema.Migrations.TryGetValue(v, out var step))
                    throw new ArchiveException(ArchiveFailure.Other, $"no upgrade from schema version {v}");
                await database.ExecuteAsync(step, ct);
            }
            // Version 5 keys pages by data of the site rules: the keys are filled, and duplicates merged, with the upgrade.
            await applyIdentity(ct);
            return 0;
        }, cancellationToken);
    }

    /// <summary>The engine's schema file, its version, and the step from each older version to the next
    /// (<c>Migrations[v]</c> turns version <c>v</c> into <c>v + 1</c>).</summary>
    protected abstract (string Sql, int Version, IReadOnlyDictionary<int, string> Migrations) Schema { get; }

    /// <summary>The archive's schema version, or null when the database holds no archive yet (a writer creates it).</summary>
    protected abstract Task<long?> ReadCreatedVersionAsync(ArchiveDatabase database, CancellationToken cancellationToken);

    /// <summary>The engine's own checks of the archive; returns the problems found (none = healthy).</summary>
    public abstract Task<IReadOnlyList<string>> CheckIntegrityAsync(ArchiveDatabase database, Func<CancellationToken, Task> indexQueued, CancellationToken cancellationToken);

    /// <summary>
    /// Marks crawl run <paramref name="runId"/> as this process's, for as long as the store is open or until
    /// <see cref="ReleaseRunAsync"/>: another crawler starting meanwhile knows it is alive (<see cref="IsRunAliveAsync"/>).
    /// SQLite needs nothing: one crawl at a time holds the archive's crawl lock.
    /// </summary>
    public virtual Task HoldRunAsync(ArchiveDatabase database, long runId, CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual Task ReleaseRunAsync(ArchiveDatabase database, long runId, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Whether a run still marked running belongs to a crawler at work (elsewhere); false when its crawler was killed.
    /// On SQLite never: the crawl starting holds the archive's only crawl lock.
    /// </summary>
    public virtual Task<bool> IsRunAliveAsync(ArchiveDatabase database, long runId, CancellationToken cancellationToken) => Task.FromResult(false);

    /// <summary>What the engine holds beside the connection (a data source).</summary>
    public virtual void Dispose()
    {
    }

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
