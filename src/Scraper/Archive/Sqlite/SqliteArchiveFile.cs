using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Scraper.Archive.Sqlite;

/// <summary>
/// The SQLite archive file: what is checked before it is opened (nothing written to a file that is not ours or is too
/// new), the connection and its pragmas (WAL, busy timeout, synchronous), the schema's creation and upgrades
/// (<see cref="ArchiveSchema"/>, archive-schema.sql), integrity checks and durability against a power cut.
/// </summary>
internal static class SqliteArchiveFile
{
    /// <summary>
    /// Opens the archive file at <paramref name="path"/> and hands the database to <paramref name="ready"/> (with whether it
    /// needs creating or upgrading, which a writer then does: see <see cref="ArchiveEngine.CreateOrUpgradeAsync"/>).
    /// Nothing is written, in the file or beside it, before the file is known to be a scraper archive of a version this
    /// build understands, or no archive yet (see <see cref="CheckAsync"/>).
    /// </summary>
    /// <exception cref="ArchiveException">The path, file or schema is unusable.</exception>
    public static async Task<ArchiveStore> OpenAsync(string path, ArchiveAccess access, ArchiveOptions options,
        Func<ArchiveDatabase, bool, CancellationToken, Task<ArchiveStore>> ready, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = CheckedFullPath(path);
        await InspectAsync(fullPath, path, access, cancellationToken);
        var folder = System.IO.Path.GetDirectoryName(fullPath);

        try
        {
            try
            {
                return await OpenConnectionAsync(fullPath, path, access, options, immutable: false, ready, cancellationToken);
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
                return await OpenConnectionAsync(fullPath, path, access, options, immutable: true, ready, cancellationToken);
            }
        }
        catch (SqliteException e)
        {
            throw SqliteEngine.From(e, path);
        }
    }

    /// <summary>
    /// What <see cref="OpenAsync"/> checks before it opens: throws what it would throw for a file it refuses (a folder
    /// or a missing folder, a file that is not a scraper archive, an archive of a newer build; for
    /// <see cref="ArchiveAccess.ReadOnly"/> also no archive yet), having changed nothing, in the file or beside it.
    /// Callers that put something beside the archive (the crawl's lock file) ask first.
    /// </summary>
    /// <exception cref="ArchiveException">The file would be refused.</exception>
    internal static async Task CheckAsync(string path, ArchiveAccess access, CancellationToken cancellationToken = default)
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
            throw SqliteEngine.From(e, displayPath);
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

    /// <summary>Opens and prepares the database; on failure the connection is closed and the error passed on.</summary>
    private static async Task<ArchiveStore> OpenConnectionAsync(
        string fullPath, string displayPath, ArchiveAccess access, ArchiveOptions options, bool immutable,
        Func<ArchiveDatabase, bool, CancellationToken, Task<ArchiveStore>> ready, CancellationToken cancellationToken)
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
        var database = new ArchiveDatabase(SqliteEngine.Instance, connection, fullPath, displayPath, access, options);
        try
        {
            await connection.OpenAsync(cancellationToken);
            var createOrUpgrade = await PrepareAsync(database, (int)busyTimeout.TotalMilliseconds, options.DurableCommits, cancellationToken);
            return await ready(database, createOrUpgrade, cancellationToken);
        }
        catch
        {
            await database.DisposeAsync();
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

    /// <returns>Whether a writer must create or upgrade the schema (<see cref="ArchiveEngine.CreateOrUpgradeAsync"/>).</returns>
    private static async Task<bool> PrepareAsync(ArchiveDatabase database, int busyTimeoutMs, bool durableCommits, CancellationToken cancellationToken)
    {
        // Only reads until the file is known to be ours: a foreign file must come out byte-for-byte unchanged.
        var applicationId = await database.ScalarAsync<long>("PRAGMA application_id", cancellationToken);
        var version = await database.ScalarAsync<long>("PRAGMA user_version", cancellationToken);
        var objects = await database.ScalarAsync<long>("SELECT count(*) FROM sqlite_schema", cancellationToken);

        var isNew = applicationId == 0 && version == 0 && objects == 0;
        if (!isNew && applicationId != ArchiveSchema.ApplicationId)
            throw ForeignDatabase(database.DisplayPath);
        if (isNew)
            NoArchiveYet(database.DisplayPath, database.Access, "the file is an SQLite database with nothing in it");
        if (version > ArchiveSchema.Version)
            throw NewerSchema(database.DisplayPath, version);
        if (!isNew && version < ArchiveSchema.Version && database.Access == ArchiveAccess.ReadOnly)
            throw new ArchiveException(ArchiveFailure.OlderSchema,
                $"{database.DisplayPath} has schema version {version} and needs an upgrade to {ArchiveSchema.Version}; run a writing command (e.g. scraper reextract) once");

        await database.ExecuteAsync($"PRAGMA busy_timeout = {busyTimeoutMs}", cancellationToken);
        await database.ExecuteAsync("PRAGMA foreign_keys = ON", cancellationToken);
        if (database.Access == ArchiveAccess.ReadOnly)
        {
            await database.ExecuteAsync("PRAGMA query_only = ON", cancellationToken);
            return false;
        }

        // WAL: readers never block the writer; a crash loses at most the transaction in flight.
        await database.ScalarAsync<string>("PRAGMA journal_mode = WAL", cancellationToken);
        // FULL: each page is durable once its store call returns; NORMAL: once MakeDurable has run (see ArchiveOptions).
        await database.ExecuteAsync(durableCommits ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL", cancellationToken);
        return isNew || version < ArchiveSchema.Version;
    }

    /// <summary>Runs SQLite's integrity and foreign-key checks; returns the problems found (none = healthy).</summary>
    internal static async Task<IReadOnlyList<string>> CheckIntegrityAsync(ArchiveDatabase database, Func<CancellationToken, Task> indexQueued,
        CancellationToken cancellationToken)
    {
        return await database.GuardAsync(async () =>
        {
            var problems = new List<string>();
            var check = database.Command("PRAGMA integrity_check");
            await using (var reader = await check.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken))
                    if (reader.GetString(0) != "ok")
                        problems.Add(reader.GetString(0));
            check = database.Command("PRAGMA foreign_key_check");
            await using (var reader = await check.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken))
                    problems.Add($"foreign key violation in {reader.GetString(0)} row {reader.GetValue(1)} -> {reader.GetString(2)}");
            if (database.Access == ArchiveAccess.ReadWrite)
            {
                await indexQueued(cancellationToken);
                // FTS5's own check of the search index's structure.
                try { await database.ExecuteAsync("INSERT INTO search_index (search_index) VALUES ('integrity-check')", cancellationToken); }
                catch (SqliteException e) when (e.SqliteErrorCode == 11) { problems.Add("search index: " + e.Message); }
            }
            return (IReadOnlyList<string>)problems;
        });
    }

    /// <summary>
    /// Makes every committed page durable against a power cut: an fsync of the WAL, which holds every commit not yet
    /// checkpointed into the archive file (and a checkpoint syncs the file itself). A no-op for a read-only store.
    /// </summary>
    internal static void MakeDurable(ArchiveDatabase database)
    {
        if (database.Access != ArchiveAccess.ReadWrite)
            return;
        try
        {
            // A descriptor of our own is safe to open and close beside SQLite's: SQLite takes its POSIX locks on the
            // archive file and on -shm, never on -wal, and closing a descriptor drops only the locks of its own file.
            using var wal = new FileStream(database.Path + "-wal", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            wal.Flush(flushToDisk: true);
        }
        catch (FileNotFoundException)
        {
            // Checkpointed and removed: everything is in the archive file, synced by that checkpoint.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArchiveException(ArchiveFailure.Other, $"cannot write {database.DisplayPath}-wal to disk: {e.Message}", e);
        }
    }
}
