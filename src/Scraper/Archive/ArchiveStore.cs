using System.Data.Common;
using Microsoft.Data.Sqlite;
using Scraper.Archive.Postgres;
using Scraper.Archive.Sqlite;

namespace Scraper.Archive;

public enum ArchiveAccess
{
    /// <summary>Opens the file with SQLite's read-only flag: works on a read-only file and never changes it.</summary>
    ReadOnly,
    /// <summary>Creates the archive if the file is missing or empty and upgrades an older schema.</summary>
    ReadWrite,
}

/// <param name="BusyTimeout">How long to wait for another process's write lock before failing with <see cref="ArchiveFailure.Locked"/>.</param>
/// <param name="Clock">Source of <c>created_at</c> times.</param>
/// <param name="DurableCommits">
/// False (the default): <c>synchronous = NORMAL</c>. A page's transaction is atomic and survives a killed process;
/// what is stored becomes durable against a power cut when the store makes it so (<see cref="ArchiveStore.MakeDurable"/>):
/// at the end of each crawl run and on close, so every command's work is on disk when the command ends. A power cut
/// in the middle of a command may take back the pages it stored in its last moments (SQLite also syncs at each
/// automatic checkpoint), never part of a page: the crawler's frontier goes back with them, so the next crawl fetches
/// them again, and an import or reextract run again redoes them. True (<c>FULL</c>): every page is on disk when
/// its store call returns, at the cost of an fsync per page.
/// </param>
/// <param name="SearchParallelism">
/// How many connections one search may score on at once, each over its own range of pages (0: one per processor,
/// at most <see cref="MaxSearchParallelism"/>).
/// </param>
/// <param name="PagesPerSearchPartition">The fewest pages worth a search connection of their own.</param>
/// <param name="Identity">Which URLs are one page (<see cref="PageIdentity"/>); by default that of the embedded site rules.</param>
public sealed record ArchiveOptions(
    TimeSpan? BusyTimeout = null, TimeProvider? Clock = null, bool DurableCommits = false,
    int SearchParallelism = 0, int PagesPerSearchPartition = 20_000, PageIdentity? Identity = null)
{
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(5);
    public const int MaxSearchParallelism = 4;

    internal int EffectiveSearchParallelism =>
        SearchParallelism > 0 ? SearchParallelism : Math.Clamp(Environment.ProcessorCount, 1, MaxSearchParallelism);
}

/// <summary>
/// An open archive: its roles over one database (<see cref="ArchiveDatabase"/>), each a type of its own with its own SQL.
/// <see cref="Captures"/> stores pages, captures and revisions; <see cref="Reader"/>, <see cref="Exports"/> and
/// <see cref="Changes"/> read them; <see cref="Search"/> indexes and searches; <see cref="Runs"/>, <see cref="Images"/>,
/// <see cref="Sections"/> and <see cref="Pages"/> keep the rest. The crawl's frontier is the crawl's own view of the
/// same database (Scraper.Crawling.CrawlFrontier). One transaction per stored page, all SQL parameterised.
/// Not thread-safe: a pipeline stage owns one store (a second process may open its own; WAL lets readers
/// run beside the one writer).
/// </summary>
public sealed class ArchiveStore : IAsyncDisposable, IDisposable
{
    private ArchiveStore(ArchiveDatabase database)
    {
        Database = database;
        Search = new ArchiveSearch(database);
        Revisions = new RevisionWriter(database, Search);
        Pages = new PageRows(database, Revisions, Search);
        Captures = new CaptureWriter(database, Pages, Revisions, Search);
        Reader = new ArchiveReader(database, Pages);
        Exports = new ExportReader(database, Reader);
        Changes = new ChangeReader(database);
        Runs = new RunLog(database);
        Images = new ImageStore(database);
        Sections = new SectionLists(database);
    }

    internal ArchiveDatabase Database { get; }

    internal RevisionWriter Revisions { get; }

    /// <summary>Page rows: finding a page by any URL of it, aliases, merging pages that turn out to be one.</summary>
    public PageRows Pages { get; }

    /// <summary>Storing captures of pages and the articles extracted from them.</summary>
    public CaptureWriter Captures { get; }

    /// <summary>Pages, articles, history, captures, bodies and statistics.</summary>
    public ArchiveReader Reader { get; }

    /// <summary>What <c>scraper export</c> streams: figures, captures, images.</summary>
    public ExportReader Exports { get; }

    /// <summary>What the watching stage reads: article changes, revision facts, capture counts.</summary>
    public ChangeReader Changes { get; }

    /// <summary>The full-text index and its queries.</summary>
    public ArchiveSearch Search { get; }

    /// <summary>Crawl runs and their errors.</summary>
    public RunLog Runs { get; }

    /// <summary>The figures' images.</summary>
    public ImageStore Images { get; }

    /// <summary>Section list pages and the links they offer.</summary>
    public SectionLists Sections { get; }

    /// <summary>Which URLs are one page of this archive.</summary>
    public PageIdentity Identity => Database.Identity;

    /// <summary>The archive file's full path, or its server and database as <c>postgresql://user@host:port/db</c> (no password).</summary>
    public string Path => Database.Path;

    /// <summary>Whether the archive lives on a PostgreSQL server rather than in an SQLite file.</summary>
    public bool IsPostgres => Database.Engine is PostgresEngine;

    public ArchiveAccess Access => Database.Access;

    /// <summary>For tests that need to reach below the store (integrity checks, simulated faults).</summary>
    internal SqliteConnection Connection => (SqliteConnection)Database.Connection;

    /// <summary>
    /// Opens (and with <see cref="ArchiveAccess.ReadWrite"/>, creates or upgrades) the archive at <paramref name="path"/>:
    /// an SQLite file, or a PostgreSQL database named as <c>postgresql://user[:password]@host[:port]/dbname[?sslmode=…]</c>
    /// (<see cref="PostgresAddress"/>). Nothing is written before the file or database is known to be a scraper archive
    /// of a version this build understands, or no archive yet (see <see cref="CheckAsync"/>).
    /// </summary>
    /// <exception cref="ArchiveException">The path, address, file, database or schema is unusable.</exception>
    public static Task<ArchiveStore> OpenAsync(string path, ArchiveAccess access, ArchiveOptions? options = null, CancellationToken cancellationToken = default)
    {
        async Task<ArchiveStore> Ready(ArchiveDatabase database, bool createOrUpgrade, CancellationToken ct)
        {
            var store = new ArchiveStore(database);
            if (access == ArchiveAccess.ReadWrite)
                await store.PrepareWriterAsync(createOrUpgrade, ct);
            return store;
        }
        return PostgresAddress.IsPostgres(path)
            ? PostgresArchive.OpenAsync(PostgresAddress.Parse(path), access, options ?? new ArchiveOptions(), Ready, cancellationToken)
            : SqliteArchiveFile.OpenAsync(path, access, options ?? new ArchiveOptions(), Ready, cancellationToken);
    }

    /// <summary>
    /// What <see cref="OpenAsync"/> checks before it opens: throws what it would throw for a file it refuses (a folder
    /// or a missing folder, a file that is not a scraper archive, an archive of a newer build; for
    /// <see cref="ArchiveAccess.ReadOnly"/> also no archive yet), having changed nothing, in the file or beside it.
    /// Callers that put something beside the archive (the crawl's lock file) ask first.
    /// </summary>
    /// <exception cref="ArchiveException">The file would be refused.</exception>
    public static Task CheckAsync(string path, ArchiveAccess access, CancellationToken cancellationToken = default) =>
        PostgresAddress.IsPostgres(path)
            ? PostgresArchive.CheckAsync(PostgresAddress.Parse(path), access, cancellationToken)
            : SqliteArchiveFile.CheckAsync(path, access, cancellationToken);

    /// <summary>A writer's open: the schema made or upgraded, pages keyed by the current rules, a queue left by a killed writer indexed.</summary>
    private async Task PrepareWriterAsync(bool createOrUpgrade, CancellationToken cancellationToken)
    {
        if (createOrUpgrade)
            await Database.Engine.CreateOrUpgradeAsync(Database, Pages.ApplyIdentityInTransactionAsync, cancellationToken);
        else
            await Pages.ApplyIdentityIfChangedAsync(cancellationToken);
        try
        {
            await Search.IndexLeftoverQueueAsync(cancellationToken);
        }
        catch (DbException e) when (Database.Engine.IsBusy(e))
        {
            // Another writer is at work: the queue is (also) its own, and it indexes it.
        }
    }

    /// <summary>Runs the engine's integrity checks (SQLite's integrity and foreign-key checks); returns the problems found (none = healthy).</summary>
    public Task<IReadOnlyList<string>> CheckIntegrityAsync(CancellationToken cancellationToken = default) =>
        Database.Engine.CheckIntegrityAsync(Database, Search.IndexQueuedAsync, cancellationToken);

    /// <summary>
    /// Makes every committed page durable against a power cut: an fsync of the WAL, which holds every commit not yet
    /// checkpointed into the archive file (and a checkpoint syncs the file itself). A no-op for a read-only store.
    /// </summary>
    public void MakeDurable() => Database.MakeDurable();

    public void Dispose()
    {
        // Microsoft.Data.Sqlite does its work synchronously: waiting here blocks no other thread.
        Search.IndexQueuedOnCloseAsync().GetAwaiter().GetResult();
        MakeDurableOnClose();
        Search.Dispose();
        Database.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await Search.IndexQueuedOnCloseAsync();
        MakeDurableOnClose();
        Search.Dispose();
        await Database.DisposeAsync();
    }

    private void MakeDurableOnClose()
    {
        try
        {
            MakeDurable();
        }
        catch (ArchiveException)
        {
            // Closing must not fail: SQLite's own checkpoint on close syncs what it writes, and the archive stays consistent.
        }
    }
}
