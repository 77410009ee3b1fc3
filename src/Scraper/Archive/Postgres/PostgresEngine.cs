using System.Data.Common;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Scraper.Archive.Postgres;

/// <summary>
/// PostgreSQL as the archive's engine (Npgsql): its SQL dialect (<c>@name</c> parameters), errors, schema version,
/// the writers' lock, frontier claims with <c>FOR UPDATE SKIP LOCKED</c>, crawl runs held by advisory locks, and
/// full-text search (<see cref="PostgresSearch"/>). One per open archive: it holds the data source streams open
/// connections from.
/// </summary>
internal sealed class PostgresEngine(NpgsqlDataSource dataSource, PostgresAddress address) : ArchiveEngine
{
    // Advisory lock keys: the first of the two 32-bit keys says what is locked. ('scra' in ASCII, then a role.)
    private const int WriterKey = 0x73637261;
    private const int RunKey = 0x73637262;
    internal const int CrawlKey = 0x73637263;

    public PostgresAddress Address { get; } = address;

    private readonly Dictionary<string, string> dialect = new(StringComparer.Ordinal);

    /// <summary><c>$name</c> becomes <c>@name</c>, outside quoted text and identifiers.</summary>
    public override string Dialect(string sql)
    {
        if (dialect.TryGetValue(sql, out var known))
            return known;
        var text = new StringBuilder(sql.Length);
        var quote = '\0';
        for (var i = 0; i < sql.Length; i++)
        {
            var c = sql[i];
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '$' && i + 1 < sql.Length && (char.IsAsciiLetter(sql[i + 1]) || sql[i + 1] == '_'))
            {
                c = '@';
            }
            text.Append(c);
        }
        return dialect[sql] = text.ToString();
    }

    public override string ParameterName(string name) => name.StartsWith('$') ? name[1..] : name;

    /// <summary>
    /// Serialized writes take the archive's writer lock for their transaction: writers take turns as on SQLite, so a
    /// page's checks and writes see no other writer's half-done page, while readers go on (MVCC). The wait is bounded
    /// by the session's lock_timeout (the busy timeout): past it, <see cref="ArchiveFailure.Locked"/>.
    /// </summary>
    public override async Task BeginWriteAsync(ArchiveDatabase database, WriteKind kind, CancellationToken cancellationToken)
    {
        if (kind == WriteKind.Serialized)
            await database.ExecuteAsync($"SELECT pg_advisory_xact_lock({WriterKey}, 0)", cancellationToken);
    }

    public override string SkipLockedRows => "FOR UPDATE SKIP LOCKED";

    public override async Task<DbConnection?> OpenStreamConnectionAsync(ArchiveDatabase database, CancellationToken cancellationToken)
    {
        var connection = dataSource.CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken);
            if (database.Access == ArchiveAccess.ReadOnly)
                await PostgresArchive.MakeReadOnlyAsync(connection, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public override async Task HoldRunAsync(ArchiveDatabase database, long runId, CancellationToken cancellationToken) =>
        await database.ExecuteAsync($"SELECT pg_advisory_lock({RunKey}, $run)", cancellationToken, ("$run", (int)runId));

    public override async Task ReleaseRunAsync(ArchiveDatabase database, long runId, CancellationToken cancellationToken) =>
        await database.ExecuteAsync($"SELECT pg_advisory_unlock({RunKey}, $run)", cancellationToken, ("$run", (int)runId));

    /// <summary>A run's crawler holds its run's advisory lock until it ends or its session does (killed: the server drops it).</summary>
    public override async Task<bool> IsRunAliveAsync(ArchiveDatabase database, long runId, CancellationToken cancellationToken) =>
        await database.ScalarAsync<bool>(
            $"SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = {RunKey} AND objid = $run AND objsubid = 2 AND granted)",
            cancellationToken, ("$run", (int)runId));

    public override ArchiveException Translate(DbException e, string displayPath) => From(e, displayPath);

    /// <summary>Serialization failures and deadlocks: the transaction may be run again.</summary>
    public override bool IsBusy(DbException e) => e is PostgresException { SqlState: "40001" or "40P01" or "55P03" };

    /// <summary>A committed transaction is durable on the server (synchronous_commit): nothing to do here.</summary>
    public override void MakeDurable(ArchiveDatabase database)
    {
    }

    public override async Task<long> ReadSchemaVersionAsync(ArchiveDatabase database, CancellationToken cancellationToken) =>
        await database.ScalarAsync<long>("SELECT version FROM archive_schema", cancellationToken);

    public override long SizeInBytes(ArchiveDatabase database) =>
        database.ScalarAsync<long>("SELECT pg_database_size(current_database())", CancellationToken.None).GetAwaiter().GetResult();

    public override SearchBackend CreateSearch(ArchiveDatabase database) => new PostgresSearch(database);

    protected override (string Sql, int Version, IReadOnlyDictionary<int, string> Migrations) Schema =>
        (PostgresSchema.Sql, PostgresSchema.Version, PostgresSchema.Migrations);

    /// <summary>A database without the archive_schema table holds no archive yet (the checks before found no other tables).</summary>
    protected override async Task<long?> ReadCreatedVersionAsync(ArchiveDatabase database, CancellationToken cancellationToken) =>
        await database.ScalarAsync<long?>(
            """
            SELECT CASE WHEN EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'archive_schema')
                   THEN 1 ELSE 0 END
            """, cancellationToken) == 1 ? await database.ScalarAsync<long>("SELECT version FROM archive_schema", cancellationToken) : null;

    /// <summary>
    /// The server keeps its own pages and foreign keys consistent; what is checked is the archive's own invariants
    /// that no constraint states: every page's current revision is its own, and the search index follows the pages.
    /// </summary>
    public override async Task<IReadOnlyList<string>> CheckIntegrityAsync(ArchiveDatabase database, Func<CancellationToken, Task> indexQueued,
        CancellationToken cancellationToken) =>
        await database.GuardAsync(async () =>
        {
            var problems = new List<string>();
            if (database.Access == ArchiveAccess.ReadWrite)
                await indexQueued(cancellationToken);
            var foreign = await database.ScalarAsync<long>(
                "SELECT count(*) FROM pages p JOIN revisions r ON r.id = p.latest_revision_id WHERE r.page_id <> p.id", cancellationToken);
            if (foreign > 0)
                problems.Add($"{foreign} page(s) whose current revision is another page's");
            var unindexed = await database.ScalarAsync<long>(
                """
                SELECT count(*) FROM pages p WHERE p.latest_revision_id IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM search_index s WHERE s.page_id = p.id)
                  AND NOT EXISTS (SELECT 1 FROM search_queue q WHERE q.page_id = p.id)
                """, cancellationToken);
            if (unindexed > 0)
                problems.Add($"search index: {unindexed} article page(s) missing from it");
            return (IReadOnlyList<string>)problems;
        });

    public override void Dispose() => dataSource.Dispose();

    /// <summary>Turns a PostgreSQL or connection error into the failure the user can act on, in one line.</summary>
    public static ArchiveException From(DbException e, string display)
    {
        if (e is PostgresException pg)
        {
            var detail = pg.MessageText.TrimEnd('.');
            return pg.SqlState switch
            {
                "55P03" or "40001" or "40P01" => new ArchiveException(ArchiveFailure.Locked,
                    $"{display} is locked by another writer (try again when it has finished)", e),
                "28P01" or "28000" => new ArchiveException(ArchiveFailure.Unreachable,
                    $"{display}: the server refused the login ({detail}); check the user and password (PGPASSWORD, ~/.pgpass)", e),
                "3D000" => new ArchiveException(ArchiveFailure.Unreachable,
                    $"{display}: {detail} (create it first: createdb, or CREATE DATABASE)", e),
                "25006" or "42501" => new ArchiveException(ArchiveFailure.ReadOnly, $"{display} is read-only for this user ({detail})", e),
                "53100" => new ArchiveException(ArchiveFailure.DiskFull, $"the server of {display} is out of disk; the page being stored was not written", e),
                "57P01" or "57P02" or "57P03" => new ArchiveException(ArchiveFailure.Unreachable, $"{display}: the server is shutting down or starting ({detail})", e),
                _ => new ArchiveException(ArchiveFailure.Other, $"archive error on {display}: {detail} (SQLSTATE {pg.SqlState})", e),
            };
        }
        if (e.InnerException is SocketException or TimeoutException or IOException || e is NpgsqlException { IsTransient: true })
        {
            var reason = (e.InnerException ?? e).Message.TrimEnd('.');
            return new ArchiveException(ArchiveFailure.Unreachable, $"cannot reach the PostgreSQL server of {display} ({reason})", e);
        }
        return new ArchiveException(ArchiveFailure.Other, $"archive error on {display}: {e.Message.TrimEnd('.')}", e);
    }
}
