using System.CommandLine;
using System.Globalization;
using Scraper.Archive;
using Scraper.Archive.Postgres;

namespace Scraper.Cli;

/// <summary>Where the archive commands find the archive (<c>--db</c>, else <c>SCRAPER_DB</c>, else <c>./archive.db</c>) and how they open it.</summary>
public static class ArchiveLocation
{
    public const string DefaultPath = "archive.db";
    public const string EnvironmentVariable = "SCRAPER_DB";
    public const string SyncVariable = "SCRAPER_SYNC";

    public static Option<string?> CreateOption() => new("--db")
    {
        Description = $"The archive: an SQLite file, or postgresql://user@host[:port]/dbname (default: ${EnvironmentVariable}, else ./{DefaultPath})",
        HelpName = "PATH|URL",
    };

    /// <summary>The archive as messages name it: a file as given; a PostgreSQL address without its password.</summary>
    public static string Display(string location)
    {
        if (!PostgresAddress.IsPostgres(location))
            return location;
        try { return PostgresAddress.Parse(location).Display; }
        catch (ArchiveException) { return "(a PostgreSQL address that does not parse)"; }
    }

    public static string Resolve(string? option) => Resolve(option, Environment.GetEnvironmentVariable(EnvironmentVariable));

    public static string Resolve(string? option, string? environmentValue) =>
        !string.IsNullOrWhiteSpace(option) ? option
        : !string.IsNullOrWhiteSpace(environmentValue) ? environmentValue
        : DefaultPath;

    /// <summary>Opens the archive; failures become one-line command errors with the documented exit codes.</summary>
    public static async Task<ArchiveStore> OpenAsync(string? option, ArchiveAccess access, CancellationToken cancellationToken)
    {
        try
        {
            var options = new ArchiveOptions(DurableCommits: DurableCommits(Environment.GetEnvironmentVariable(SyncVariable)));
            return await ArchiveStore.OpenAsync(Resolve(option), access, options, cancellationToken);
        }
        catch (ArchiveException e)
        {
            throw ToCommandFailure(e);
        }
    }

    /// <summary>
    /// <c>SCRAPER_SYNC=full</c>: every stored page on disk before the next (an fsync each); unset or <c>normal</c>: on
    /// disk at the end of each crawl run and of each command (see <see cref="ArchiveOptions"/>).
    /// </summary>
    public static bool DurableCommits(string? sync) => sync?.Trim().ToLowerInvariant() switch
    {
        null or "" or "normal" => false,
        "full" => true,
        _ => throw new UsageException($"{SyncVariable}='{sync}' is not a sync mode (use full or normal)"),
    };

    /// <summary>Opens the archive read-only and runs <paramref name="read"/> on it, with archive failures mapped as <see cref="OpenAsync"/> maps them.</summary>
    public static async Task<T> ReadAsync<T>(string? option, Func<ArchiveStore, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var store = await OpenAsync(option, ArchiveAccess.ReadOnly, cancellationToken);
        try
        {
            return await read(store);
        }
        catch (ArchiveException e)
        {
            throw ToCommandFailure(e);
        }
    }

    /// <summary>Exit codes: a bad path or query is a usage error (2), a lock is 3, everything else 4.</summary>
    public static Exception ToCommandFailure(ArchiveException e) => e.Failure switch
    {
        ArchiveFailure.BadPath or ArchiveFailure.InvalidQuery => new UsageException(e.Message),
        // A server that cannot be reached or refuses the login is the archive failing, as a file that cannot be read (4).
        ArchiveFailure.Locked => new CommandFailedException(e.Message, ExitCodes.Locked),
        _ => new CommandFailedException(e.Message, ExitCodes.Failed),
    };

    /// <summary>A date (<c>2024-03-15</c>, midnight UTC), an ISO 8601 date-time, or a window back from now (<c>24h</c>, <c>7d</c>).</summary>
    public static DateTimeOffset? ParseSince(string? text, string optionName) => ParseSince(text, optionName, DateTimeOffset.UtcNow);

    public static DateTimeOffset? ParseSince(string? text, string optionName, DateTimeOffset now)
    {
        if (text is null)
            return null;
        if (Durations.TryParse(text, out var window))
            return now - window;
        if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            return date;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            return time;
        throw new UsageException($"{optionName} '{text}' is not a date (use YYYY-MM-DD, an ISO 8601 date-time, or a window such as 24h or 7d)");
    }

    /// <summary>Times as the archive commands print them in tables: UTC to the minute.</summary>
    public static string ShortTime(DateTimeOffset? time) =>
        time?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "-";

    /// <summary>Times in JSON: ISO 8601 UTC with milliseconds, as stored.</summary>
    public static string? JsonTime(DateTimeOffset? time) =>
        time?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
