using System.Globalization;
using Microsoft.Data.Sqlite;

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
/// The SQLite archive: one connection, one transaction per stored page, all SQL parameterised.
/// Not thread-safe: a pipeline stage owns one store (a second process may open its own; WAL lets readers
/// run beside the one writer).
/// </summary>
public sealed partial class ArchiveStore : IAsyncDisposable, IDisposable
{
    private readonly SqliteConnection connection;
    private readonly TimeProvider clock;
    private readonly string displayPath;
    private readonly Dictionary<string, SqliteCommand> commands = new(StringComparer.Ordinal);
    private readonly ArchiveOptions options;
    // Further read-only connections to the same file, opened by the first search that spreads over several.
    private readonly List<SqliteConnection> searchConnections = [];
    private SqliteTransaction? transaction;

    private ArchiveStore(SqliteConnection connection, string path, string displayPath, ArchiveAccess access, ArchiveOptions options)
    {
        this.connection = connection;
        this.displayPath = displayPath;
        Path = path;
        Access = access;
        this.options = options;
        clock = options.Clock ?? TimeProvider.System;
        Identity = options.Identity ?? PageIdentity.Default;
    }

    /// <summary>Which URLs are one page of this archive.</summary>
    public PageIdentity Identity { get; }

    /// <summary>The archive file's full path.</summary>
    public string Path { get; }

    public ArchiveAccess Access { get; }

    /// <summary>For tests that need to reach below the store (integrity checks, simulated faults).</summary>
    internal SqliteConnection Connection => connection;

    /// <summary>
    /// Opens (and with <see cref="ArchiveAccess.ReadWrite"/>, creates or upgrades) the archive at <paramref name="path"/>.
    /// Nothing is written, in the file or beside it, before the file is known to be a scraper archive of a version this
    /// build understands, or no archive yet (see <see cref="CheckAsync"/>).
    /// </summary>
    /// <exception cref="ArchiveException">The path, file or schema is unusable.</exception>
    public static async Task<ArchiveStore> OpenAsync(string path, ArchiveAccess access, ArchiveOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new ArchiveOptions();
        var fullPath = CheckedFullPath(path);
        await InspectAsync(fullPath, path, access, cancellationToken);
        var folder = System.IO.Path.GetDirectoryName(fullPath);

        try
        {
            try
            {
                return await OpenConnectionAsync(fullPath, path, access, options, immutable: false, cancellationToken);
            }
            catch (SqliteException e) when (access == ArchiveAccess.ReadOnly && CannotCreateWalFiles(e))
            {
                // A reader of a WAL archive needs <archive>-shm (and -wal) beside it, and creates them if they are
                // missing: impossible in a folder it may not write to (a shared or published archive, a read-only
                // mount). Where both lie beside the archive, SQLite reads them, even read-only: this path is not taken.
                // Without them the file alone is the whole archive, provided no WAL holds changes not yet merged into
                // it; SQLite then reads it as immutable: no locks, no files made beside it.
                if (HasUnmergedWal(fullPath))
                    throw new ArchiveException(ArchiveFailure.ReadOnly,
                        $"{path} is being written (its -wal file holds changes not yet merged into it) and its folder {folder} "
                        + "is not writable for this user, so it cannot be read consistently; try again when the writer has finished, "
                        + "or as a user who may write to the folder", e);
                return await OpenConnectionAsync(fullPath, path, access, options, immutable: true, cancellationToken);
            }
        }
        catch (SqliteException e)
        {
            throw ArchiveException.From(e, path);
        }
    }

    /// <summary>
    /// What <see cref="OpenAsync"/> checks before it opens: throws what it would throw for a file it refuses (a folder
    /// or a missing folder, a file that is not a scraper archive, an archive of a newer build; for
    /// <see cref="ArchiveAccess.ReadOnly"/> also no archive yet), having changed nothing, in the file or beside it.
    /// Callers that put something beside the archive (the crawl's lock file) ask first.
    /// </summary>
    /// <exception cref="ArchiveException">The file would be refused.</exception>
    public static async Task CheckAsync(string path, ArchiveAccess access, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        await InspectAsync(CheckedFullPath(path), path, access, cancellationToken);
    }

    private static string CheckedFullPath(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
            throw new ArchiveException(ArchiveFailure.BadPath, $"{path} is a folder, not an archive file");
        var folder = System.IO.Path.GetDirectoryName(fullPath);
        if (folder is not null && !Directory.Exists(folder))
            throw new ArchiveException(ArchiveFailure.BadPath, $"cannot create {path}: folder {folder} does not exist");
        return fullPath;
    }

    /// <summary>
    /// Looks at the file as it lies, before SQLite opens it for real: an ordinary open may make -wal and -shm files
    /// beside a WAL database (another application's too), roll back another application's hot journal, and checkpoint
    /// a WAL into its file on close. So the file is read first as immutable (no locks, no journal or WAL read, nothing
    /// made or written), and refused at once when that alone shows it is not ours or too new. A 0-byte file, or an SQLite
    /// database with nothing in it, is no archive yet, exactly as a missing file: a writer makes the archive in it, a
    /// reader has nothing to read. What the file alone cannot settle (a -wal holding the first pages of an archive
    /// being made, a file SQLite cannot read) is left to the open, which checks it all again under SQLite's locks.
    /// </summary>
    private static async Task InspectAsync(string fullPath, string displayPath, ArchiveAccess access, CancellationToken cancellationToken)
    {
        var file = new FileInfo(fullPath);
        if (!file.Exists)
        {
            if (access == ArchiveAccess.ReadOnly)
                throw new ArchiveException(ArchiveFailure.Missing, $"no archive at {displayPath} (import or crawl something first, or pass --db)");
            return;
        }
        if (file.Length == 0)
        {
            NoArchiveYet(displayPath, access, "the file is empty");
            return;
        }

        long applicationId, version, objects;
        try
        {
            var connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = ImmutableUri(fullPath),
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
            }.ToString();
            await using var probe = new SqliteConnection(connectionString);
            await probe.OpenAsync(cancellationToken);
            async Task<long> Scalar(string sql)
            {
                await using var command = probe.CreateCommand();
                command.CommandText = sql;
                return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            }
            applicationId = await Scalar("PRAGMA application_id");
            version = await Scalar("PRAGMA user_version");
            objects = await Scalar("SELECT count(*) FROM sqlite_schema");
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 26)
        {
            throw ArchiveException.From(e, displayPath);
        }
        catch (SqliteException)
        {
            // Unreadable for this user, or caught in the middle of a checkpoint: the open will tell.
            return;
        }

        if (applicationId == ArchiveSchema.ApplicationId)
        {
            // A WAL can hold a newer version than the file, never an older one.
            if (version > ArchiveSchema.Version)
                throw NewerSchema(displayPath, version);
            return;
        }
        // An archive's application id never changes once set.
        if (applicationId != 0)
            throw ForeignDatabase(displayPath);
        // Another application's database, or one with nothing in it; unless the first pages of an archive being made are
        // still in its -wal, where only the open can read them.
        if (HasUnmergedWal(fullPath))
            return;
        if (version != 0 || objects != 0)
            throw ForeignDatabase(displayPath);
        NoArchiveYet(displayPath, access, "the file is an SQLite database with nothing in it");
    }

    /// <summary>A writer makes the archive in the file, as in a missing one; a reader has nothing to read.</summary>
    private static void NoArchiveYet(string displayPath, ArchiveAccess access, string why)
    {
        if (access == ArchiveAccess.ReadOnly)
            throw new ArchiveException(ArchiveFailure.Missing,
                $"no archive at {displayPath} yet ({why}; import or crawl something into it first, or pass --db)");
    }

    private static ArchiveException ForeignDatabase(string displayPath) =>
        new(ArchiveFailure.NotAnArchive, $"{displayPath} is not a scraper archive (an SQLite database of another application)");

    private static ArchiveException NewerSchema(string displayPath, long version) =>
        new(ArchiveFailure.NewerSchema,
            $"{displayPath} was written by a newer scraper (schema version {version}; this build knows up to {ArchiveSchema.Version}); upgrade scraper to use it");

    /// <summary>Opens and prepares a store; on failure the connection is closed and the error passed on.</summary>
    private static async Task<ArchiveStore> OpenConnectionAsync(
        string fullPath, string displayPath, ArchiveAccess access, ArchiveOptions options, bool immutable, CancellationToken cancellationToken)
    {
        var busyTimeout = options.BusyTimeout ?? ArchiveOptions.DefaultBusyTimeout;
        var connectionString = new SqliteConnectionStringBuilder
        {
            // An SQLite URI filename carries the immutable flag (Microsoft.Data.Sqlite opens "file:" names as URIs).
            DataSource = immutable ? ImmutableUri(fullPath) : fullPath,
            Mode = access == ArchiveAccess.ReadOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            // Pooling would keep the file open after Dispose, and so the WAL unmerged and the file changing later.
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds)),
        }.ToString();
        var connection = new SqliteConnection(connectionString);
        var store = new ArchiveStore(connection, fullPath, displayPath, access, options);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await store.PrepareAsync((int)busyTimeout.TotalMilliseconds, options.DurableCommits, cancellationToken);
            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// SQLITE_READONLY_DIRECTORY (1544): the folder does not let the reader create the -shm file; SQLITE_READONLY_CANTINIT
    /// (1288): the -shm file exists but the reader can neither write nor initialise it; SQLITE_CANTOPEN (14) on them.
    /// </summary>
    private static bool CannotCreateWalFiles(SqliteException e) =>
        e.SqliteExtendedErrorCode is 1544 or 1288 || e.SqliteErrorCode == 14;

    /// <summary>A non-empty <c>-wal</c> file: committed changes the main file does not hold yet (a writer at work, or one that stopped).</summary>
    private static bool HasUnmergedWal(string fullPath)
    {
        var wal = new FileInfo(fullPath + "-wal");
        return wal.Exists && wal.Length > 0;
    }

    /// <summary><c>file:/path?immutable=1</c>, with the characters a URI filename reserves (%, ?, #) escaped.</summary>
    internal static string ImmutableUri(string fullPath)
    {
        var escaped = new System.Text.StringBuilder();
        foreach (var c in fullPath.Replace('\\', '/'))
            escaped.Append(c is '%' or '?' or '#' ? $"%{(int)c:X2}" : c.ToString());
        // A Windows path (C:/…) needs the empty authority: file:///C:/…; a POSIX one starts with its own slash.
        return (escaped[0] == '/' ? "file:" : "file:///") + escaped + "?immutable=1";
    }

    private async Task PrepareAsync(int busyTimeoutMs, bool durableCommits, CancellationToken cancellationToken)
    {
        // Only reads until the file is known to be ours: a foreign file must come out byte-for-byte unchanged.
        var applicationId = await ScalarAsync<long>("PRAGMA application_id", cancellationToken);
        var version = await ScalarAsync<long>("PRAGMA user_version", cancellationToken);
        var objects = await ScalarAsync<long>("SELECT count(*) FROM sqlite_schema", cancellationToken);

        var isNew = applicationId == 0 && version == 0 && objects == 0;
        if (!isNew && applicationId != ArchiveSchema.ApplicationId)
            throw ForeignDatabase(displayPath);
        if (isNew)
            NoArchiveYet(displayPath, Access, "the file is an SQLite database with nothing in it");
        if (version > ArchiveSchema.Version)
            throw NewerSchema(displayPath, version);
        if (!isNew && version < ArchiveSchema.Version && Access == ArchiveAccess.ReadOnly)
            throw new ArchiveException(ArchiveFailure.OlderSchema,
                $"{displayPath} has schema version {version} and needs an upgrade to {ArchiveSchema.Version}; run a writing command (e.g. scraper reextract) once");

        await ExecuteAsync($"PRAGMA busy_timeout = {busyTimeoutMs}", cancellationToken);
        await ExecuteAsync("PRAGMA foreign_keys = ON", cancellationToken);
        if (Access == ArchiveAccess.ReadOnly)
        {
            await ExecuteAsync("PRAGMA query_only = ON", cancellationToken);
            return;
        }

        // WAL: readers never block the writer; a crash loses at most the transaction in flight.
        await ScalarAsync<string>("PRAGMA journal_mode = WAL", cancellationToken);
        // FULL: each page is durable once StorePageAsync returns; NORMAL: once MakeDurable has run (see ArchiveOptions).
        await ExecuteAsync(durableCommits ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL", cancellationToken);
        if (isNew || version < ArchiveSchema.Version)
            await CreateOrUpgradeAsync(cancellationToken);
        else
            await ApplyIdentityIfChangedAsync(cancellationToken);
        try
        {
            await IndexLeftoverQueueAsync(cancellationToken);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6)
        {
            // Another writer is at work: the queue is (also) its own, and it indexes it.
        }
    }

    private async Task CreateOrUpgradeAsync(CancellationToken cancellationToken)
    {
        await InTransactionAsync(async ct =>
        {
            // Looked at again under the write lock: another process may have created or upgraded it meanwhile.
            var applicationId = await ScalarAsync<long>("PRAGMA application_id", ct);
            var version = await ScalarAsync<long>("PRAGMA user_version", ct);
            if (applicationId == 0)
            {
                await ExecuteAsync(ArchiveSchema.Sql, ct);
                await ExecuteAsync("INSERT INTO page_identity (id, hosts) VALUES (1, $hosts)", ct, ("$hosts", Identity.Description));
                return 0;
            }
            for (var v = (int)version; v < ArchiveSchema.Version; v++)
            {
                if (!ArchiveSchema.Migrations.TryGetValue(v, out var step))
                    throw new ArchiveException(ArchiveFailure.Other, $"no upgrade from schema version {v}");
                await ExecuteAsync(step, ct);
            }
            // Version 5 keys pages by data of the site rules: the keys are filled, and duplicates merged, with the upgrade.
            await ApplyIdentityInTransactionAsync(ct);
            return 0;
        }, cancellationToken);
    }

    /// <summary>Runs SQLite's integrity and foreign-key checks; returns the problems found (none = healthy).</summary>
    public async Task<IReadOnlyList<string>> CheckIntegrityAsync(CancellationToken cancellationToken = default)
    {
        return await GuardAsync(async () =>
        {
            var problems = new List<string>();
            var check = Command("PRAGMA integrity_check");
            await using (var reader = await check.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken))
                    if (reader.GetString(0) != "ok")
                        problems.Add(reader.GetString(0));
            check = Command("PRAGMA foreign_key_check");
            await using (var reader = await check.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken))
                    problems.Add($"foreign key violation in {reader.GetString(0)} row {reader.GetValue(1)} -> {reader.GetString(2)}");
            if (Access == ArchiveAccess.ReadWrite)
            {
                await IndexQueuedAsync(cancellationToken);
                // FTS5's own check of the search index's structure.
                try { await ExecuteAsync("INSERT INTO search_index (search_index) VALUES ('integrity-check')", cancellationToken); }
                catch (SqliteException e) when (e.SqliteErrorCode == 11) { problems.Add("search index: " + e.Message); }
            }
            return problems;
        });
    }

    /// <summary>
    /// Makes every committed page durable against a power cut: an fsync of the WAL, which holds every commit not yet
    /// checkpointed into the archive file (and a checkpoint syncs the file itself). A no-op for a read-only store.
    /// </summary>
    public void MakeDurable()
    {
        if (Access != ArchiveAccess.ReadWrite)
            return;
        try
        {
            // A descriptor of our own is safe to open and close beside SQLite's: SQLite takes its POSIX locks on the
            // archive file and on -shm, never on -wal, and closing a descriptor drops only the locks of its own file.
            using var wal = new FileStream(Path + "-wal", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            wal.Flush(flushToDisk: true);
        }
        catch (FileNotFoundException)
        {
            // Checkpointed and removed: everything is in the archive file, synced by that checkpoint.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArchiveException(ArchiveFailure.Other, $"cannot write {displayPath}-wal to disk: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        // Microsoft.Data.Sqlite does its work synchronously: waiting here blocks no other thread.
        IndexQueuedOnCloseAsync().GetAwaiter().GetResult();
        MakeDurableOnClose();
        transaction?.Dispose();
        foreach (var command in commands.Values)
            command.Dispose();
        commands.Clear();
        foreach (var reader in searchConnections)
            reader.Dispose();
        searchConnections.Clear();
        connection.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await IndexQueuedOnCloseAsync();
        MakeDurableOnClose();
        if (transaction is not null)
            await transaction.DisposeAsync();
        foreach (var command in commands.Values)
            await command.DisposeAsync();
        commands.Clear();
        foreach (var reader in searchConnections)
            await reader.DisposeAsync();
        searchConnections.Clear();
        await connection.DisposeAsync();
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

    // ---- plumbing shared by the reading and writing halves ----

    /// <summary>
    /// The command for <paramref name="sql"/>, prepared once per store and reused: preparing costs more than running
    /// most of these statements. Not to be disposed by the caller, nor used again while its reader is open.
    /// </summary>
    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        if (!commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            commands[sql] = command;
        }
        command.Transaction = transaction;
        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    /// <summary>A command of its own, for readers that stay open while the caller uses the store (streams); dispose it.</summary>
    private SqliteCommand NewCommand(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    /// <returns>The number of rows changed.</returns>
    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        await Command(sql, parameters).ExecuteNonQueryAsync(cancellationToken);

    private async Task<T> ScalarAsync<T>(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var command = Command(sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), CultureInfo.InvariantCulture);
    }

    /// <summary>Runs <paramref name="work"/> in one IMMEDIATE transaction: all of it is stored, or none of it.</summary>
    private async Task<T> InTransactionAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        // IMMEDIATE takes the write lock up front, so a busy archive fails before any work instead of at commit.
        transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            var result = await work(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        catch
        {
            // SQLite may already have rolled back (SQLITE_FULL); a second rollback must not hide the first error.
            try { await transaction.RollbackAsync(CancellationToken.None); }
            catch (SqliteException) { }
            catch (InvalidOperationException) { }
            throw;
        }
        finally
        {
            await transaction.DisposeAsync();
            transaction = null;
        }
    }

    private async Task<T> GuardAsync<T>(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (SqliteException e)
        {
            throw ArchiveException.From(e, displayPath);
        }
    }

    private void EnsureWritable()
    {
        if (Access != ArchiveAccess.ReadWrite)
            throw new InvalidOperationException("the archive was opened read-only");
    }

    private string Now() => FormatTime(clock.GetUtcNow());

    internal static string FormatTime(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    internal static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static DateTimeOffset? ParseTimeOrNull(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ParseTime(reader.GetString(ordinal));

    private static string? StringOrNull(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
