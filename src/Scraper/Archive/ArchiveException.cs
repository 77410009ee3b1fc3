using Microsoft.Data.Sqlite;

namespace Scraper.Archive;

/// <summary>Why the archive could not be opened or written; the CLI maps each to an exit code.</summary>
public enum ArchiveFailure
{
    /// <summary>The path is a folder, or its folder does not exist.</summary>
    BadPath,
    /// <summary>A read command was given a path with no archive.</summary>
    Missing,
    /// <summary>The file is not SQLite, or is another application's SQLite database.</summary>
    NotAnArchive,
    /// <summary>The archive was written by a newer build (higher schema version).</summary>
    NewerSchema,
    /// <summary>The archive needs an upgrade that a read-only open cannot make.</summary>
    OlderSchema,
    /// <summary>Another process holds the write lock longer than the busy timeout.</summary>
    Locked,
    DiskFull,
    ReadOnly,
    Corrupt,
    /// <summary>A search query that FTS5 rejects (syntax error, unknown column).</summary>
    InvalidQuery,
    /// <summary>A page, URL or revision that is not in the archive.</summary>
    NotFound,
    Other,
}

/// <summary>A failure of the archive with a one-line message fit for the user.</summary>
public sealed class ArchiveException(ArchiveFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public ArchiveFailure Failure { get; } = failure;

    /// <summary>Turns an SQLite error into the failure the user can act on.</summary>
    internal static ArchiveException From(SqliteException e, string path)
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
