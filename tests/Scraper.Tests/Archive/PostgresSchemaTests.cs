using System.Runtime.Versioning;
using Microsoft.Data.Sqlite;
using Scraper.Archive;
using Scraper.Archive.Postgres;
using Scraper.Archive.Sqlite;
using Scraper.Tests.Support;

namespace Scraper.Tests.Archive;

/// <summary>
/// The PostgreSQL schema (src/Scraper/Archive/Postgres/archive-schema.postgres.sql) against the SQLite one
/// (archive-schema.sql), each as its own engine makes it: a new SQLite archive, and the file loaded into a throwaway
/// PostgreSQL server. Same tables and views, same columns, the same columns required; each engine's own machinery
/// (FTS5's tables, PostgreSQL's tsvector column and schema marker) set aside.
/// </summary>
[UnsupportedOSPlatform("windows")]
public class PostgresSchemaTests
{
    [Fact]
    public void Both_schemas_are_at_the_same_version() =>
        Assert.Equal(ArchiveSchema.Version, PostgresSchema.Version);

    /// <summary>CI installs PostgreSQL, so there the tests needing a server run (and fail without one) rather than skip.</summary>
    [Fact]
    public void The_postgres_tests_run_under_ci_which_installs_postgresql()
    {
        var ciScript = File.ReadAllText(Path.Combine(RepoPaths.Root, ".ci", "run"));
        Assert.Contains("apt-get install -y -qq postgresql", ciScript, StringComparison.Ordinal);
        Assert.Null(MachineFiles.SkipReason("PostgreSQL (initdb, pg_ctl)", present: false, failInCi: true, ciVariable: "1", PostgresServer.Install));
    }

    [RequiresPostgresFact]
    public async Task Both_schemas_describe_the_same_tables_and_columns()
    {
        using var folder = new TempFolder();
        var path = folder.File("archive.db");
        await (await ArchiveStore.OpenAsync(path, ArchiveAccess.ReadWrite)).DisposeAsync();
        var sqlite = await SqliteColumnsAsync(path);

        await using var server = await PostgresServer.StartAsync();
        await server.CreateDatabaseAsync("archive");
        var schemaFile = folder.Write("schema.sql", PostgresSchema.Sql);
        await server.PsqlAsync("archive", ["-f", schemaFile]);
        var postgres = (await server.PsqlAsync("archive", ["-c",
                """
                SELECT table_name || '.' || column_name || ' ' || CASE WHEN is_nullable = 'NO' THEN 'required' ELSE 'optional' END
                FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1
                """]))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(c => !PostgresSchema.EngineTables.Any(t => c.StartsWith(t + ".", StringComparison.Ordinal)))
            .Where(c => c != "search_index.document required")
            .ToList();

        // The full-text index is each engine's own: FTS5's virtual table on SQLite, a tsvector column on PostgreSQL;
        // both are keyed by the page.
        Assert.Contains("search_index.page_id required", postgres);
        postgres.Remove("search_index.page_id required");
        Assert.NotEmpty(sqlite);
        Assert.Equal(sqlite, postgres);
    }

    [RequiresPostgresFact]
    public async Task The_postgres_schema_joins_paragraphs_as_the_sqlite_one_does()
    {
        await using var server = await PostgresServer.StartAsync();
        await server.CreateDatabaseAsync("archive");
        using var folder = new TempFolder();
        await server.PsqlAsync("archive", ["-f", folder.Write("schema.sql", PostgresSchema.Sql)]);
        var text = await server.PsqlAsync("archive", ["-c",
            """
            INSERT INTO bodies VALUES ('b', 1, 'none', '\x00');
            INSERT INTO pages (id, url, first_seen) VALUES (1, 'https://en.wuxi.gov.cn/a.html', '2024-01-01T00:00:00.000Z');
            INSERT INTO captures (id, page_id, captured_at, origin, body_sha256) VALUES (1, 1, '2024-01-01T00:00:00.000Z', 'fetch', 'b');
            INSERT INTO revisions (id, page_id, number, content_sha256, extractor, capture_id, first_seen, created_at, title, paragraphs)
            VALUES (1, 1, 1, 'c', 'test', 1, '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z', 'Title', '["First", "Second \"quoted\"", "无锡"]');
            UPDATE pages SET latest_revision_id = 1 WHERE id = 1;
            SELECT title || '|' || replace(text, E'\n', '/') FROM search_source WHERE page_id = 1;
            """]);
        Assert.Equal("Title|First//Second \"quoted\"//无锡", text.Trim());
    }

    private static async Task<List<string>> SqliteColumnsAsync(string path)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        // FTS5's own tables (search_index and its shadow tables) are the engine's index, not the archive's data.
        command.CommandText =
            """
            SELECT s.name || '.' || c.name || ' ' || CASE WHEN c."notnull" OR c.pk > 0 THEN 'required' ELSE 'optional' END
            FROM sqlite_schema s JOIN pragma_table_info(s.name) c
            WHERE s.type IN ('table', 'view') AND s.name NOT LIKE 'sqlite_%' AND s.name NOT LIKE 'search_index%'
            ORDER BY 1
            """;
        var columns = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            columns.Add(reader.GetString(0));
        return columns;
    }
}
