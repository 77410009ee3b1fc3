using System.Data.Common;
using System.Globalization;
using Npgsql;

namespace Scraper.Archive.Postgres;

/// <summary>
/// A PostgreSQL database as an archive: what is checked before anything is written (a database of another
/// application, or of a newer schema, is left untouched), the connection and its settings (a reader's is read-only, a
/// writer's waits for the writer lock no longer than the busy timeout), and the schema's creation
/// (<c>archive-schema.postgres.sql</c>) and upgrades. Tables live in the connection's current schema (normally
/// <c>public</c>); the database itself must exist (<c>createdb</c>): an empty one becomes an archive at the first write.
/// </summary>
internal static class PostgresArchive
{
    /// <summary>Opens the archive and hands the database to <paramref name="ready"/>, with whether a writer must create or upgrade it.</summary>
    /// <exception cref="ArchiveException">The server, database or schema is unusable.</exception>
    public static async Task<ArchiveStore> OpenAsync(PostgresAddress address, ArchiveAccess access, ArchiveOptions options,
        Func<ArchiveDatabase, bool, CancellationToken, Task<ArchiveStore>> ready, CancellationToken cancellationToken)
    {
        var dataSource = DataSource(address, access);
        var engine = new PostgresEngine(dataSource, address);
        var connection = dataSource.CreateConnection();
        var database = new ArchiveDatabase(engine, connection, address.Display, address.Display, access, options);
        try
        {
            await connection.OpenAsync(cancellationToken);
            var state = await InspectAsync(connection, address.Display, access, cancellationToken);
            if (access == ArchiveAccess.ReadOnly)
            {
                await MakeReadOnlyAsync(connection, cancellationToken);
            }
            else
            {
                var busy = (int)(options.BusyTimeout ?? ArchiveOptions.DefaultBusyTimeout).TotalMilliseconds;
                await database.ExecuteAsync($"SET lock_timeout = {busy.ToString(CultureInfo.InvariantCulture)}", cancellationToken);
            }
            return await ready(database, state.IsNew || state.Version < PostgresSchema.Version, cancellationToken);
        }
        catch (DbException e)
        {
            await database.DisposeAsync();
            throw PostgresEngine.From(e, address.Display);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>What <see cref="OpenAsync"/> checks first, having changed nothing (a crawl asks before it takes its lock).</summary>
    public static async Task CheckAsync(PostgresAddress address, ArchiveAccess access, CancellationToken cancellationToken)
    {
        await using var dataSource = DataSource(address, ArchiveAccess.ReadOnly);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await MakeReadOnlyAsync(connection, cancellationToken);
            await InspectAsync(connection, address.Display, access, cancellationToken);
        }
        catch (DbException e)
        {
            throw PostgresEngine.From(e, address.Display);
        }
    }

    /// <summary>
    /// The slim data source: only the types the archive uses (text, integers, bytea, booleans, numbers), with no
    /// reflection, so the native build keeps working.
    /// </summary>
    internal static NpgsqlDataSource DataSource(PostgresAddress address, ArchiveAccess access) =>
        new NpgsqlSlimDataSourceBuilder(address.ConnectionString(access == ArchiveAccess.ReadOnly ? "scraper (read)" : "scraper")).Build();

    internal static async Task MakeReadOnlyAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SET default_transaction_read_only = on";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed record SchemaState(bool IsNew, long Version);

    /// <summary>
    /// Reads only: whether the current schema holds an archive (its <c>archive_schema</c> row), another application's
    /// tables, or nothing yet; refuses what this build cannot use.
    /// </summary>
    private static async Task<SchemaState> InspectAsync(DbConnection connection, string display, ArchiveAccess access, CancellationToken cancellationToken)
    {
        async Task<object?> Scalar(string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return await command.ExecuteScalarAsync(cancellationToken);
        }
        var objects = Convert.ToInt64(await Scalar(
            """
            SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
            """), CultureInfo.InvariantCulture);
        var marked = (bool)(await Scalar(
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'archive_schema' AND column_name = 'version')"))!;
        if (!marked)
        {
            if (objects > 0)
                throw new ArchiveException(ArchiveFailure.NotAnArchive,
                    $"{display} is not a scraper archive (a PostgreSQL database of another application: it has tables, and no archive_schema)");
            if (access == ArchiveAccess.ReadOnly)
                throw new ArchiveException(ArchiveFailure.Missing,
                    $"no archive at {display} yet (the database is empty; import or crawl something into it first, or pass --db)");
            return new SchemaState(true, 0);
        }
        long version;
        try
        {
            version = Convert.ToInt64(await Scalar("SELECT version FROM archive_schema WHERE application = 'scraper'") ?? -1L, CultureInfo.InvariantCulture);
        }
        catch (PostgresException e) when (e.SqlState is "42703" or "42804")
        {
            version = -1;
        }
        if (version < 0)
            throw new ArchiveException(ArchiveFailure.NotAnArchive, $"{display} is not a scraper archive (its archive_schema table is another application's)");
        if (version > PostgresSchema.Version)
            throw new ArchiveException(ArchiveFailure.NewerSchema,
                $"{display} was written by a newer scraper (schema version {version}; this build knows up to {PostgresSchema.Version}); upgrade scraper to use it");
        if (version < PostgresSchema.Version && access == ArchiveAccess.ReadOnly)
            throw new ArchiveException(ArchiveFailure.OlderSchema,
                $"{display} has schema version {version} and needs an upgrade to {PostgresSchema.Version}; run a writing command (e.g. scraper reextract) once");
        return new SchemaState(false, version);
    }
}
