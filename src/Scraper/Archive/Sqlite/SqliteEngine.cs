using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Scraper.Archive.Sqlite;

/// <summary>SQLite as the archive's engine (Microsoft.Data.Sqlite): its error codes, durability, schema version and FTS5 search.</summary>
internal sealed class SqliteEngine : ArchiveEngine
{
    public static readonly SqliteEngine Instance = new();

    private SqliteEngine()
    {
    }

    public override ArchiveException Translate(DbException e, string displayPath) =>
        e is SqliteException sqlite ? From(sqlite, displayPath)
            : new ArchiveException(ArchiveFailure.Other, $"archive error on {displayPath}: {e.Message.TrimEnd('.')}", e);

    /// <summary>SQLITE_BUSY (5) or SQLITE_LOCKED (6).</summary>
    public override bool IsBusy(DbException e) => e is SqliteException { SqliteErrorCode: 5 or 6 };

    public override void MakeDurable(ArchiveDatabase database) => SqliteArchiveFile.MakeDurable(database);

    public override async Task<long> ReadSchemaVersionAsync(ArchiveDatabase database, CancellationToken cancellationToken) =>
        await database.ScalarAsync<long>("PRAGMA user_version", cancellationToken);

    public override long SizeInBytes(ArchiveDatabase database) => new FileInfo(database.Path).Length;

    public override SearchBackend CreateSearch(ArchiveDatabase database) => new Fts5Search(database);

    protected override (string Sql, int Version, IReadOnlyDictionary<int, string> Migrations) Schema =>
        (ArchiveSchema.Sql, ArchiveSchema.Version, ArchiveSchema.Migrations);

    /// <summary>A file without the archive's application id is new (the checks before found it empty).</summary>
    protected override async Task<long?> ReadCreatedVersionAsync(ArchiveDatabase database, CancellationToken cancellationToken) =>
        await database.ScalarAsync<long>("PRAGMA application_id", cancellationToken) == 0 ? null
            : await database.ScalarAsync<long>("PRAGMA user_version", cancellationToken);

    public override Task<IReadOnlyList<string>> CheckIntegrityAsync(ArchiveDatabase database, Func<CancellationToken, Task> indexQueued,
        CancellationToken cancellationToken) => SqliteArchiveFile.CheckIntegrityAsync(database, indexQueued, cancellationToken);

    /// <summary>Turns an SQLite error into the failure the user can act on.</summary>
    public static ArchiveException From(SqliteException e, string path)
    {
        // Primary result codes: https://sqlite.org/rescode.html
        return e.SqliteErrorCode switch
        {
            5 or 6 => new ArchiveException(ArchiveFailure.Locked, $"{path} is locked by another process (try again when it has finished)", e),
            8 => new ArchiveException(ArchiveFailure.ReadOnly, $"{path} is read-only (cannot write to it)", e),
            10 => new ArchiveException(ArchiveFailure.Other, $"input/output error on {path} ({e.Message.TrimEnd('.')})", e),
            11 => new ArchiveException(ArchiveFailure.Corrupt, $"{path} is corrupt ({e.Message.TrimEnd('.')})", e),
            13 => new ArchiveException(ArchiveFailure.DiskFull, $"disk full while writing {path}; the page being stored was not written", e),
            14 => new ArchiveException(ArchiveFailure.BadPath, $"cannot open {path} ({e.Message.TrimEnd('.')})", e),
            26 => new ArchiveException(ArchiveFailure.NotAnArchive, $"{path} is not a scraper archive (not an SQLite database)", e),
            _ => new ArchiveException(ArchiveFailure.Other, $"archive error on {path}: {e.Message.TrimEnd('.')}", e),
        };
    }
}
