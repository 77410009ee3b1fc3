namespace Scraper.Archive;

/// <summary>The counters of a crawl run; the store adds deltas to the run's row.</summary>
/// <param name="SelectorMisses">Pages of a known site whose selectors missed a field the page shows (template drift).</param>
public sealed record RunCounts(int Discovered = 0, int Fetched = 0, int Unchanged = 0, int NewPages = 0, int NewRevisions = 0, int Errors = 0, int GenericFallbacks = 0,
    int SelectorMisses = 0)
{
    public static RunCounts operator +(RunCounts a, RunCounts b) => new(
        a.Discovered + b.Discovered, a.Fetched + b.Fetched, a.Unchanged + b.Unchanged, a.NewPages + b.NewPages,
        a.NewRevisions + b.NewRevisions, a.Errors + b.Errors, a.GenericFallbacks + b.GenericFallbacks, a.SelectorMisses + b.SelectorMisses);
}

/// <summary>An error a crawl met, as the archive records it.</summary>
public sealed record CrawlError(string Kind, string Message, int? HttpStatus = null);

/// <summary>One crawl run as <c>scraper runs</c> shows it.</summary>
/// <param name="Status">running, ok, partial, failed or interrupted. A run killed outright (kill -9, power cut) still
/// says running until the next crawl starts and marks it interrupted, ended at its last recorded activity.</param>
public sealed record RunRecord(long Id, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, string Status, RunCounts Counts);

/// <summary>A fetch or extraction error recorded by a crawl.</summary>
public sealed record ErrorRecord(long Id, long? RunId, string Url, DateTimeOffset OccurredAt, string Kind, int? HttpStatus, string Message);

/// <summary>A page whose article appeared or changed since a point in time, for <c>scraper changes</c>.</summary>
/// <param name="ChangedAt">When the page's current content was first seen.</param>
/// <param name="BaselineRevision">The revision the page showed just before the window; null for a page new in the window.</param>
/// <param name="CurrentRevision">The page's current revision.</param>
public sealed record PageChange(long PageId, string Url, string? Site, string? Title, DateTimeOffset ChangedAt, int? BaselineRevision, int CurrentRevision)
{
    public bool IsNew => BaselineRevision is null;
}

/// <summary>The archive's record of crawl runs: their counters and status, the errors they met, and what changed in a window.</summary>
public sealed class RunLog : ArchiveRole
{
    internal RunLog(ArchiveDatabase database) : base(database)
    {
    }

    /// <summary>
    /// In the transaction that starts a crawl, which holds the crawl lock: every run still marked running whose crawler
    /// is gone (on SQLite, every one: the lock is the archive's; on PostgreSQL, one whose session no longer holds its
    /// run's advisory lock) was killed outright (kill -9, a power cut) and becomes interrupted. Its end is the time of its last
    /// recorded activity, not the time someone noticed: its newest capture, error, or URL it discovered, else its start.
    /// </summary>
    internal async Task EndKilledRunsAsync(CancellationToken ct)
    {
        var running = new List<(long Id, string StartedAt)>();
        var select = Command("SELECT id, started_at FROM runs WHERE status = 'running' ORDER BY id");
        await using (var reader = await select.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                running.Add((reader.GetInt64(0), reader.GetString(1)));
        foreach (var (id, startedAt) in running)
        {
            if (await Database.Engine.IsRunAliveAsync(Database, id, ct))
                continue;
            // The run's captures follow one another at the end of the table; reading it backwards stops at the newest
            // of them, or at the first capture made before the run began (then it has none): no scan of the whole table.
            var lastCapture = await ScalarAsync<string?>(
                """
                SELECT CASE WHEN run_id = $run THEN captured_at END FROM captures
                WHERE run_id = $run OR captured_at < $started ORDER BY id DESC LIMIT 1
                """, ct, ("$run", id), ("$started", startedAt));
            var lastError = await ScalarAsync<string?>("SELECT max(occurred_at) FROM errors WHERE run_id = $run", ct, ("$run", id));
            // Frontier rows do not name their run: the URLs first discovered between this run's start and the next one's.
            var lastDiscovery = await ScalarAsync<string?>(
                """
                SELECT max(discovered_at) FROM frontier
                WHERE discovered_at >= $started
                  AND discovered_at < coalesce((SELECT min(started_at) FROM runs WHERE id > $run), '9999')
                """, ct, ("$run", id), ("$started", startedAt));
            // Times are ISO 8601 UTC text of one width: the greatest string is the latest time.
            var lastActivity = new[] { startedAt, lastCapture, lastError, lastDiscovery }.Max(StringComparer.Ordinal)!;
            await ExecuteAsync("UPDATE runs SET status = 'interrupted', ended_at = coalesce(ended_at, $end) WHERE id = $run", ct,
                ("$end", lastActivity), ("$run", id));
        }
    }

    /// <summary>The newest <paramref name="last"/> runs, newest first.</summary>
    public async Task<IReadOnlyList<RunRecord>> ListRunsAsync(int last, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(last);
        return await ReadRunsAsync("ORDER BY id DESC LIMIT $last", cancellationToken, ("$last", last));
    }

    /// <summary>Run <paramref name="runId"/>, or the newest run when null; null when there is no such run.</summary>
    public async Task<RunRecord?> GetRunAsync(long? runId, CancellationToken cancellationToken = default)
    {
        var runs = runId is { } id
            ? await ReadRunsAsync("WHERE id = $id", cancellationToken, ("$id", id))
            : await ReadRunsAsync("ORDER BY id DESC LIMIT 1", cancellationToken);
        return runs.Count == 0 ? null : runs[0];
    }

    private async Task<IReadOnlyList<RunRecord>> ReadRunsAsync(string tail, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        await GuardAsync(async () =>
        {
            var command = Command(
                """
                SELECT id, started_at, ended_at, status,
                       discovered, fetched, unchanged, new_pages, new_revisions, errors, generic_fallbacks, selector_misses
                FROM runs
                """ + " " + tail, parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var runs = new List<RunRecord>();
            while (await reader.ReadAsync(cancellationToken))
                runs.Add(new RunRecord(
                    reader.GetInt64(0), ParseTime(reader.GetString(1)), ParseTimeOrNull(reader, 2), reader.GetString(3),
                    new RunCounts(Int32(reader, 4), Int32(reader, 5), Int32(reader, 6), Int32(reader, 7),
                        Int32(reader, 8), Int32(reader, 9), Int32(reader, 10), Int32(reader, 11))));
            return (IReadOnlyList<RunRecord>)runs;
        });

    /// <summary>The errors a run recorded, in the order they happened.</summary>
    public async Task<IReadOnlyList<ErrorRecord>> ListErrorsAsync(long runId, CancellationToken cancellationToken = default) =>
        await GuardAsync(async () =>
        {
            var command = Command(
                """
                SELECT id, run_id, url, occurred_at, kind, http_status, message FROM errors
                WHERE run_id = $run ORDER BY occurred_at, id
                """, ("$run", runId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var errors = new List<ErrorRecord>();
            while (await reader.ReadAsync(cancellationToken))
                errors.Add(new ErrorRecord(
                    reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetString(2), ParseTime(reader.GetString(3)),
                    reader.GetString(4), reader.IsDBNull(5) ? null : Int32(reader, 5), reader.GetString(6)));
            return (IReadOnlyList<ErrorRecord>)errors;
        });

    /// <summary>
    /// The article pages whose current content was first seen at or after <paramref name="since"/>, oldest change
    /// first, each with the revision it showed just before then (the newest earlier capture that had an article).
    /// Revisions made by <c>reextract</c> keep the time their content was captured, so they do not show up as changes.
    /// </summary>
    public async Task<IReadOnlyList<PageChange>> ListChangesAsync(DateTimeOffset since, string? site = null, CancellationToken cancellationToken = default) =>
        await GuardAsync(async () =>
        {
            var command = Command(
                """
                SELECT p.id, p.url, p.site, r.title, p.last_changed_at, r.number,
                       (SELECT b.number FROM captures c JOIN revisions b ON b.id = c.revision_id
                        WHERE c.page_id = p.id AND c.captured_at < $since
                        ORDER BY c.captured_at DESC, c.id DESC LIMIT 1)
                FROM pages p JOIN revisions r ON r.id = p.latest_revision_id
                WHERE p.last_changed_at >= $since AND (CAST($site AS TEXT) IS NULL OR p.site = $site)
                ORDER BY p.last_changed_at, p.id
                """, ("$since", FormatTime(since)), ("$site", site));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var changes = new List<PageChange>();
            while (await reader.ReadAsync(cancellationToken))
                changes.Add(new PageChange(
                    reader.GetInt64(0), reader.GetString(1), StringOrNull(reader, 2), StringOrNull(reader, 3), ParseTime(reader.GetString(4)),
                    reader.IsDBNull(6) ? null : Int32(reader, 6), Int32(reader, 5)));
            return (IReadOnlyList<PageChange>)changes;
        });

    /// <summary>Every crawl run started in the window, oldest first.</summary>
    public async Task<IReadOnlyList<RunRecord>> ListRunsSinceAsync(DateTimeOffset? since, CancellationToken cancellationToken = default) =>
        since is { } from
            ? await ReadRunsAsync("WHERE started_at >= $since ORDER BY id", cancellationToken, ("$since", FormatTime(from)))
            : await ReadRunsAsync("ORDER BY id", cancellationToken);

    /// <summary>An error outside the frontier (an image), counted in the run.</summary>
    public async Task RecordErrorAsync(long runId, string url, CrawlError error, CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        await GuardAsync(() => InTransactionAsync(async ct =>
        {
            await ExecuteAsync("""
                INSERT INTO errors (run_id, url, occurred_at, kind, http_status, message) VALUES ($run, $url, $now, $kind, $status, $message)
                """, ct, ("$run", runId), ("$url", url), ("$now", Now()), ("$kind", error.Kind), ("$status", error.HttpStatus), ("$message", error.Message));
            await ExecuteAsync("UPDATE runs SET errors = errors + 1 WHERE id = $id", ct, ("$id", runId));
            return 0;
        }, cancellationToken));
    }
}
