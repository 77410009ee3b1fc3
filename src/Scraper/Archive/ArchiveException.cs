namespace Scraper.Archive;

/// <summary>Why the archive could not be opened or written; the CLI maps each to an exit code.</summary>
public enum ArchiveFailure
{
    /// <summary>The path is a folder, or its folder does not exist.</summary>
    BadPath,
    /// <summary>A read command was given a path with no archive.</summary>
    Missing,
    /// <summary>The file is not SQLite, or is another application's SQLite database (or PostgreSQL database).</summary>
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
    /// <summary>A search query the engine's full-text search rejects (FTS5: syntax error, unknown column).</summary>
    InvalidQuery,
    /// <summary>A page, URL or revision that is not in the archive.</summary>
    NotFound,
    /// <summary>The database server cannot be reached, refused the login, or has no such database.</summary>
    Unreachable,
    Other,
}

/// <summary>A failure of the archive with a one-line message fit for the user.</summary>
public sealed class ArchiveException(ArchiveFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public ArchiveFailure Failure { get; } = failure;
}
