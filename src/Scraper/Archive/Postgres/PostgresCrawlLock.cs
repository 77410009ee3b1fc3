using System.Data.Common;
using Npgsql;

namespace Scraper.Archive.Postgres;

/// <summary>
/// The crawl lock of a PostgreSQL archive: one session-level advisory lock per crawled site, held on a connection of
/// its own for the crawl's whole life. Crawls of different sites run side by side; a second crawl of a site waits or
/// is refused. The server drops a session's locks when its connection ends, so a crawler killed by any means (or
/// its machine lost) frees its sites without a stale lock to clear.
/// </summary>
public sealed class PostgresCrawlLock : IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource dataSource;
    private readonly NpgsqlConnection connection;

    private PostgresCrawlLock(NpgsqlDataSource dataSource, NpgsqlConnection connection)
    {
        this.dataSource = dataSource;
        this.connection = connection;
    }

    /// <summary>
    /// Takes every site's lock, or none: when another crawler holds one, waits for it (<paramref name="wait"/>), or
    /// returns the holder's description for the caller's message.
    /// </summary>
    /// <exception cref="ArchiveException">The server cannot be reached or refuses the login.</exception>
    public static async Task<(PostgresCrawlLock? Lock, string? HeldBy)> TryAcquireAsync(
        PostgresAddress address, IReadOnlyCollection<string> sites, bool wait, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sites.Count);
        var name = $"scraper crawl (pid {Environment.ProcessId} on {Environment.MachineName})";
        var dataSource = new NpgsqlSlimDataSourceBuilder(address.ConnectionString(name.Length > 63 ? name[..63] : name)).Build();
        NpgsqlConnection? connection = null;
        try
        {
            connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var ordered = sites.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            while (true)
            {
                var held = new List<string>();
                string? refused = null;
                foreach (var site in ordered)
                {
                    if (await ScalarAsync<bool>(connection, "SELECT pg_try_advisory_lock(@key, hashtext(@site))", cancellationToken, site))
                        held.Add(site);
                    else
                    {
                        refused = site;
                        break;
                    }
                }
                if (refused is null)
                {
                    var acquired = new PostgresCrawlLock(dataSource, connection);
                    connection = null;
                    return (acquired, null);
                }
                foreach (var site in held)
                    await ScalarAsync<bool>(connection, "SELECT pg_advisory_unlock(@key, hashtext(@site))", cancellationToken, site);
                if (!wait)
                    return (null, $"site {refused} is being crawled by another scraper ({await HolderAsync(connection, refused, cancellationToken)})");
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
        }
        catch (DbException e)
        {
            throw PostgresEngine.From(e, address.Display);
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
                await dataSource.DisposeAsync();
            }
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, string site)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("key", PostgresEngine.CrawlKey);
        command.Parameters.AddWithValue("site", site);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Who holds a site's lock: the application name its crawler gave (pid and machine), and since when.</summary>
    private static async Task<string> HolderAsync(NpgsqlConnection connection, string site, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText =
            """
            SELECT a.application_name, to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.classid = @key AND l.objid = hashtext(@site)::oid AND l.objsubid = 2 AND l.granted
            LIMIT 1
            """;
        command.Parameters.AddWithValue("key", PostgresEngine.CrawlKey);
        command.Parameters.AddWithValue("site", site);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || reader.IsDBNull(0))
            return "holder unknown";
        var since = reader.IsDBNull(1) ? "" : " since " + reader.GetString(1);
        return reader.GetString(0) + since;
    }

    public async ValueTask DisposeAsync()
    {
        await connection.DisposeAsync();
        await dataSource.DisposeAsync();
    }

    public void Dispose()
    {
        connection.Dispose();
        dataSource.Dispose();
    }
}
