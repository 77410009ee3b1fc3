using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Scraper.Archive;
using Scraper.Archive.Copy;
using Scraper.Tests.Support;

namespace Scraper.Tests.Archive;

/// <summary>
/// <c>scraper copy</c>, end to end from the CLI: an archive made by a mirror crawl of the samples (runs, errors, frontier,
/// aliases, list entries), with an image, its fetch and captures' requests added, copied SQLite → PostgreSQL → SQLite
/// and read back by the other commands; a non-empty destination; --append; a copy killed with SIGKILL and finished;
/// a destination changed behind the copy's back, which the verification finds.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class CopyTests(CopyTests.Server postgres) : IClassFixture<CopyTests.Server>, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private readonly TempFolder temp = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        temp.Dispose();
    }

    /// <summary>One PostgreSQL server for the class, started by the first test that needs one.</summary>
    public sealed class Server : IAsyncDisposable
    {
        private readonly SemaphoreSlim starting = new(1, 1);
        private PostgresServer? server;
        private int databases;

        public async Task<(PostgresServer Server, string Name, string Address)> NewDatabaseAsync()
        {
            await starting.WaitAsync();
            try
            {
                server ??= await PostgresServer.StartAsync();
            }
            finally
            {
                starting.Release();
            }
            var name = "copy" + Interlocked.Increment(ref databases).ToString(CultureInfo.InvariantCulture);
            await server.CreateDatabaseAsync(name);
            return (server, name, $"postgresql://{PostgresServer.User}@127.0.0.1:{server.Port}/{name}");
        }

        public async ValueTask DisposeAsync()
        {
            if (server is not null)
                await server.DisposeAsync();
            starting.Dispose();
        }
    }

    [RequiresPostgresFact]
    public async Task Sqlite_to_postgres_and_back_keeps_every_row_id_and_command_output()
    {
        var original = await SourceAsync();
        var (server, name, postgresCopy) = await postgres.NewDatabaseAsync();
        var sqliteCopy = temp.File("back.db");

        var there = await CliRunner.RunAsync("copy", "--from", original, "--to", postgresCopy);
        Assert.True(there.ExitCode == 0, there.Error);
        Assert.StartsWith($"Copied {original} to {postgresCopy} in ", there.Out, StringComparison.Ordinal);
        Assert.Contains(", verified.", there.Out, StringComparison.Ordinal);
        Assert.Contains("copy: bodies: ", there.Error, StringComparison.Ordinal);
        var back = await CliRunner.RunAsync("copy", "--from", postgresCopy, "--to", sqliteCopy, "-q", "-f", "json");
        Assert.True(back.ExitCode == 0, back.Error);
        Assert.Equal("", back.Error);
        using (var json = JsonDocument.Parse(back.Out))
        {
            Assert.True(json.RootElement.GetProperty("verified").GetBoolean());
            var tables = json.RootElement.GetProperty("tables").EnumerateArray().ToDictionary(t => t.GetProperty("table").GetString()!);
            Assert.Equal(CopyTables.All.Select(t => t.Name), tables.Keys);
            foreach (var table in new[] { "bodies", "runs", "pages", "page_aliases", "captures", "capture_requests", "revisions", "images",
                         "figures", "image_fetches", "errors", "frontier", "list_entries" })
            {
                Assert.True(tables[table].GetProperty("source_rows").GetInt64() > 0, table + " is empty in the test's archive");
                Assert.Equal(tables[table].GetProperty("source_sha256").GetString(), tables[table].GetProperty("destination_sha256").GetString());
            }
        }

        // Every command reads the same archive from each: byte for byte, but for the --db argument.
        var expected = await OutputsAsync(original);
        Assert.Equal(expected, await OutputsAsync(postgresCopy));
        Assert.Equal(expected, await OutputsAsync(sqliteCopy));
        // The search engines rank and cut snippets each their own way: the copy on SQLite searches as its original, the one
        // on PostgreSQL finds the same pages.
        Assert.Equal(await SearchAsync(original, "table"), await SearchAsync(sqliteCopy, "table"));
        Assert.Equal(Urls(await SearchAsync(original, "json")), Urls(await SearchAsync(postgresCopy, "json")));

        ArchiveFixtures.AssertIntegrity(sqliteCopy);
        await using (var store = await ArchiveStore.OpenAsync(postgresCopy, ArchiveAccess.ReadWrite))
            Assert.Empty(await store.CheckIntegrityAsync());
        // The identity sequences were moved past the copied ids: a new page on the copy takes the next id.
        var largest = long.Parse(await server.PsqlAsync(name, ["-c", "SELECT max(id) FROM pages"]), CultureInfo.InvariantCulture);
        var import = await CliRunner.RunAsync("import", ArchiveFixturesPage(), "--url", "https://en.wuxi.gov.cn/2099-01/01/c_1.htm", "--db", postgresCopy);
        Assert.True(import.ExitCode == 0, import.Error);
        Assert.Equal((largest + 1).ToString(CultureInfo.InvariantCulture),
            (await server.PsqlAsync(name, ["-c", "SELECT id FROM pages WHERE url = 'https://en.wuxi.gov.cn/2099-01/01/c_1.htm'"])).Trim());
    }

    [RequiresPostgresFact]
    public async Task A_copy_killed_with_sigkill_is_finished_by_running_it_again_with_append()
    {
        var original = await SourceAsync();
        // Enough frontier rows that the copy is still at them when it is killed, in a hundred batches.
        Sqlite(original, """
            WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)
            INSERT INTO frontier (url, kind, site, state, pass, discovered_at)
            SELECT 'https://en.wuxi.gov.cn/generated/' || i || '.htm', 'page', 'en.wuxi.gov.cn', 'done', 1, '2024-03-15T09:00:00.000Z' FROM n
            """);
        var (server, name, copy) = await postgres.NewDatabaseAsync();

        // Killed once it has copied the revisions, in the middle of the frontier: its references to revisions not set yet.
        // A shell watches its progress and sends the SIGKILL, the moment the line comes.
        var total = long.Parse(Sqlite(original, "SELECT count(*) FROM frontier")!, CultureInfo.InvariantCulture);
        var pidFile = temp.File("copy.pid");
        var killer = await CliRunner.RunProgramAsync("bash",
            ["-c", """
                   ( "$@" & echo $! > "$PIDFILE"; wait ) 2>&1 >/dev/null | while IFS= read -r line; do
                       case "$line" in "copy: revisions: "*) kill -KILL "$(cat "$PIDFILE")"; echo killed; exit 0;; esac
                   done
                   """, "bash", .. CliCommand("copy", "--from", original, "--to", copy)],
            Patience, new Dictionary<string, string> { ["PIDFILE"] = pidFile });
        Assert.Equal("killed", killer.Out.Trim());
        var frontier = long.Parse(await server.PsqlAsync(name, ["-c", "SELECT count(*) FROM frontier"]), CultureInfo.InvariantCulture);
        Assert.True(frontier < total, $"the copy was not killed half way: {frontier} frontier rows of {total} copied");
        // Killed before the references to revisions were set: the second run sets them.
        Assert.Equal("0", (await server.PsqlAsync(name, ["-c", "SELECT count(*) FROM pages WHERE latest_revision_id IS NOT NULL"])).Trim());

        var again = await CliRunner.RunAsync("copy", "--from", original, "--to", copy);
        Assert.Equal(4, again.ExitCode);
        Assert.Contains("is not empty", again.Error, StringComparison.Ordinal);
        Assert.Contains("--append", again.Error, StringComparison.Ordinal);

        var resumed = await CliRunner.RunProgramAsync("dotnet", CliCommand("copy", "--from", original, "--to", copy, "--append")[1..], Patience);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Contains(", verified.", resumed.Out, StringComparison.Ordinal);
        Assert.Matches(@"copy: pages: 0 row\(s\) written, \d+ already there \(the destination held keys up to \d+\)", resumed.Error);
        Assert.Matches(@"copy: frontier: \d+ row\(s\) written", resumed.Error);
        Assert.Equal(await OutputsAsync(original), await OutputsAsync(copy));
        await using var store = await ArchiveStore.OpenAsync(copy, ArchiveAccess.ReadWrite);
        Assert.Empty(await store.CheckIntegrityAsync());
    }

    [Fact]
    public async Task A_destination_with_an_archive_is_refused_and_append_adds_only_what_it_lacks()
    {
        var original = await SourceAsync();
        var copy = temp.File("copy.db");
        Assert.Equal(0, (await CliRunner.RunAsync("copy", "--from", original, "--to", copy, "-q")).ExitCode);
        var before = File.ReadAllBytes(copy);

        var refused = await CliRunner.RunAsync("copy", "--from", original, "--to", copy);
        Assert.Equal(4, refused.ExitCode);
        Assert.Equal("", refused.Out);
        Assert.Matches(@"^scraper: \S+copy\.db is not empty \(\d+ pages, \d+ captures, 1 runs\); copy into a new archive, or pass --append", refused.Error);
        Assert.Single(refused.Error.Trim().Split('\n'));

        // The source grows; --append brings the copy up to date with it, writing only the new rows.
        var page = ArchiveFixturesPage();
        Assert.Equal(0, (await CliRunner.RunAsync("import", page, "--url", "https://en.wuxi.gov.cn/2099-01/01/c_1.htm", "--db", original)).ExitCode);
        var appended = await CliRunner.RunAsync("copy", "--from", original, "--to", copy, "--append", "-f", "json");
        Assert.True(appended.ExitCode == 0, appended.Error);
        using var json = JsonDocument.Parse(appended.Out);
        var tables = json.RootElement.GetProperty("tables").EnumerateArray().ToDictionary(t => t.GetProperty("table").GetString()!);
        Assert.Equal(1, tables["pages"].GetProperty("written").GetInt64());
        Assert.Equal(1, tables["revisions"].GetProperty("written").GetInt64());
        Assert.Equal(0, tables["frontier"].GetProperty("written").GetInt64());
        Assert.Equal(tables["frontier"].GetProperty("source_rows").GetInt64(), tables["frontier"].GetProperty("already_there").GetInt64());
        Assert.Equal(1, json.RootElement.GetProperty("pages_indexed").GetInt64());
        Assert.True(json.RootElement.GetProperty("verified").GetBoolean());
        Assert.Equal(await OutputsAsync(original), await OutputsAsync(copy));
        ArchiveFixtures.AssertIntegrity(copy);
        Assert.NotEqual(before, File.ReadAllBytes(copy));
    }

    [Fact]
    public async Task Append_refuses_another_archive_before_writing_anything()
    {
        var original = await SourceAsync();
        var other = temp.File("other.db");
        var import = await CliRunner.RunAsync("import", Path.Combine(RepoPaths.Samples, "en.wuxi.gov.cn"), "--db", other);
        Assert.True(import.ExitCode == 0, import.Error);
        var bodies = Sqlite(other, "SELECT count(*) FROM bodies");

        var refused = await CliRunner.RunAsync("copy", "--from", original, "--to", other, "--append");
        Assert.Equal(4, refused.ExitCode);
        Assert.Matches(@"^scraper: pages id = 1: \S+other\.db holds another row under this key, so it is no copy of \S+; --append only completes", refused.Error);
        Assert.Equal(bodies, Sqlite(other, "SELECT count(*) FROM bodies"));
    }

    [Fact]
    public async Task Verification_fails_on_a_destination_row_changed_after_the_copy()
    {
        var original = await SourceAsync();
        var copy = temp.File("copy.db");
        Assert.Equal(0, (await CliRunner.RunAsync("copy", "--from", original, "--to", copy, "-q")).ExitCode);
        var verified = await CliRunner.RunAsync("copy", "--from", original, "--to", copy, "--verify", "-q");
        Assert.True(verified.ExitCode == 0, verified.Error);
        Assert.StartsWith("Compared ", verified.Out, StringComparison.Ordinal);

        Sqlite(copy, "UPDATE revisions SET title = title || '.' WHERE id = (SELECT min(id) FROM revisions)");
        var title = await CliRunner.RunAsync("copy", "--from", original, "--to", copy, "--verify", "-q");
        Assert.Equal(4, title.ExitCode);
        Assert.Matches(@"^scraper: verification failed: table revisions differs \(source (\d+) rows, digest [0-9a-f]{64}; destination \1 rows, digest [0-9a-f]{64}\)\n$",
            title.Error.ReplaceLineEndings("\n"));
        Assert.Contains("revisions", title.Out, StringComparison.Ordinal);
        Assert.Contains("DIFFER", title.Out, StringComparison.Ordinal);
        Sqlite(copy, "UPDATE revisions SET title = substr(title, 1, length(title) - 1) WHERE id = (SELECT min(id) FROM revisions)");
        Assert.Equal(0, (await CliRunner.RunAsync("copy", "--from", original, "--to", copy, "--verify", "-q")).ExitCode);

        // Two bodies' data swapped: each still decompresses, to the other's page.
        Sqlite(copy, """
            UPDATE bodies SET data = CASE sha256 WHEN (SELECT min(sha256) FROM bodies) THEN (SELECT data FROM bodies ORDER BY sha256 DESC LIMIT 1)
                                                 ELSE (SELECT data FROM bodies ORDER BY sha256 LIMIT 1) END
            WHERE sha256 IN ((SELECT min(sha256) FROM bodies), (SELECT max(sha256) FROM bodies))
            """);
        var body = await CliRunner.RunAsync("copy", "--from", original, "--to", copy, "--verify", "-q");
        Assert.Equal(4, body.ExitCode);
        Assert.StartsWith("scraper: verification failed: bodies: body ", body.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_whose_data_is_not_its_hash_fails_the_copy_even_when_both_sides_agree()
    {
        var original = await SourceAsync();
        Sqlite(original, "UPDATE bodies SET compression = 'none', size = 3, data = X'616263' WHERE sha256 = (SELECT min(sha256) FROM bodies)");
        var copy = await CliRunner.RunAsync("copy", "--from", original, "--to", temp.File("copy.db"), "-q");
        Assert.Equal(4, copy.ExitCode);
        Assert.Matches(@"^scraper: verification failed: bodies: body [0-9a-f]{64} holds data whose sha256 is ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", copy.Error);
    }

    [Fact]
    public async Task Bad_input_is_one_line_and_its_exit_code()
    {
        var original = await SourceAsync();
        var missing = await CliRunner.RunAsync("copy", "--from", temp.File("missing.db"), "--to", temp.File("copy.db"));
        Assert.Equal((4, $"scraper: no archive at {temp.File("missing.db")} (import or crawl something first, or pass --db)\n"),
            (missing.ExitCode, missing.Error.ReplaceLineEndings("\n")));
        Assert.False(File.Exists(temp.File("copy.db")));

        var same = await CliRunner.RunAsync("copy", "--from", original, "--to", Path.Combine(temp.Path, ".", "source.db"));
        Assert.Equal((2, $"scraper: --from and --to name the same archive ({original})\n"), (same.ExitCode, same.Error.ReplaceLineEndings("\n")));

        var notArchive = temp.Write("notes.db", "not an archive");
        var refused = await CliRunner.RunAsync("copy", "--from", original, "--to", notArchive);
        Assert.Equal(4, refused.ExitCode);
        Assert.Equal($"scraper: {notArchive} is not a scraper archive (not an SQLite database)\n", refused.Error.ReplaceLineEndings("\n"));

        // Port 1 of the loopback: nothing listens there.
        var unreachable = await CliRunner.RunAsync("copy", "--from", original, "--to", "postgresql://scraper:s3cret@127.0.0.1:1/archive");
        Assert.Equal(4, unreachable.ExitCode);
        Assert.StartsWith("scraper: cannot reach the PostgreSQL server of postgresql://scraper@127.0.0.1:1/archive", unreachable.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", unreachable.Error + unreachable.Out, StringComparison.Ordinal);
        Assert.Single(unreachable.Error.Trim().Split('\n'));

        var required = await CliRunner.RunAsync("copy", "--from", original);
        Assert.Equal(2, required.ExitCode);
        Assert.Contains("--to", required.Error, StringComparison.Ordinal);
    }

    /// <summary>The copy's table list is every table and column of the archive (but the search index's), keyed as the schema keys them.</summary>
    [Fact]
    public async Task The_table_list_holds_every_column_of_the_schema()
    {
        var path = temp.File("new.db");
        await (await ArchiveStore.OpenAsync(path, ArchiveAccess.ReadWrite)).DisposeAsync();
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText =
            """
            SELECT s.name, c.name, c.type, c.pk FROM sqlite_schema s JOIN pragma_table_info(s.name) c
            WHERE s.type = 'table' AND s.name NOT LIKE 'sqlite_%' AND s.name NOT LIKE 'search_%' ORDER BY s.name, c.cid
            """;
        var schema = new Dictionary<string, List<(string Name, string Type, long Pk)>>();
        using (var reader = command.ExecuteReader())
            while (reader.Read())
                (schema.TryGetValue(reader.GetString(0), out var columns) ? columns : schema[reader.GetString(0)] = [])
                    .Add((reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
        Assert.Equal(schema.Keys.Order(), CopyTables.All.Select(t => t.Name).Order());
        foreach (var table in CopyTables.All)
        {
            var columns = schema[table.Name];
            Assert.Equal(columns.Select(c => c.Name).Order(), table.Columns.Select(c => c.Name).Order());
            Assert.Equal(columns.Where(c => c.Pk > 0).OrderBy(c => c.Pk).Select(c => c.Name), table.Key);
            foreach (var column in table.Columns)
                Assert.Equal(columns.Single(c => c.Name == column.Name).Type, column.Kind switch
                {
                    ColumnKind.Integer => "INTEGER",
                    ColumnKind.Text => "TEXT",
                    _ => "BLOB",
                });
        }
    }

    /// <summary>
    /// The archive every test copies: a mirror crawl of the samples, and what only a crawl over the network adds (an
    /// image, its fetch, captures' requests).
    /// </summary>
    private async Task<string> SourceAsync()
    {
        var path = temp.File("source.db");
        // --images: the samples have no images, so each figure's fetch is an error of the run.
        var crawl = await CliRunner.RunAsync("crawl", "--mirror", RepoPaths.Samples, "--images", "-q", "--db", path);
        Assert.True(crawl.ExitCode is 0 or 1, crawl.Error);
        await using (var store = await ArchiveStore.OpenAsync(path, ArchiveAccess.ReadWrite))
        {
            var src = (await store.Images.ListFiguresWithoutImageAsync(["en.wuxi.gov.cn", "wnd.gov.cn"]))[0];
            byte[] image = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 1, 2, 3, 0xFF];
            await store.Images.StoreImageAsync(src, image, "image/png", default,
                new ImageFetch(ArchiveFixtures.T0, 200, "GET /image.png HTTP/1.1\r\nHost: en.wuxi.gov.cn\r\n\r\n"));
        }
        Sqlite(path, "INSERT INTO capture_requests (capture_id, request) SELECT id, 'GET /' || id || ' HTTP/1.1' || char(13, 10, 13, 10) FROM captures WHERE id % 3 = 0");
        return path;
    }

    /// <summary>The CLI as a child process runs it, as <see cref="CliRunner.Start"/> does (the test project copies beside it what Npgsql needs).</summary>
    private static string[] CliCommand(params string[] args) => ["dotnet", CliRunner.CliDll, .. args];

    /// <summary>A saved page of an article the samples do not have, to import as https://en.wuxi.gov.cn/2099-01/01/c_1.htm.</summary>
    private string ArchiveFixturesPage() =>
        temp.Write("new-page.htm", ArchiveFixtures.Html(ArchiveFixtures.WuxiArticle("https://en.wuxi.gov.cn/2099-01/01/c_1.htm")));

    /// <summary>What the reading commands print for the archive, each output with the archive's name taken out.</summary>
    private async Task<List<string>> OutputsAsync(string db)
    {
        // An article page of the original, by id: the same page on every copy.
        var article = Sqlite(temp.File("source.db"), "SELECT min(id) FROM pages WHERE latest_revision_id IS NOT NULL")!;
        string[][] commands =
        [
            ["export", "-f", "jsonl", "--all-revisions"], ["export", "-f", "csv"], ["list", "-f", "json"], ["show", article], ["show", article, "-f", "json"],
            ["history", article, "-f", "json"], ["runs", "-f", "json"], ["errors", "-f", "json"], ["sections", "-f", "json"], ["stats"],
        ];
        var outputs = new List<string>();
        foreach (var command in commands)
        {
            var result = await CliRunner.RunAsync([.. command, "--db", db]);
            Assert.True(result.ExitCode == 0, $"{string.Join(' ', command)} on {db}: {result.Error}");
            // stats names the archive and its size on disk, which differ by nature.
            var text = command[0] == "stats" ? string.Join('\n', result.Out.Split('\n').Skip(1)) : result.Out;
            outputs.Add(string.Join(' ', command) + "\n" + text.Replace(db, "ARCHIVE", StringComparison.Ordinal));
        }
        return outputs;
    }

    private static async Task<string> SearchAsync(string db, string format)
    {
        var result = await CliRunner.RunAsync("search", "wuxi", "--limit", "100", "-f", format, "--db", db);
        Assert.True(result.ExitCode == 0, result.Error);
        return result.Out;
    }

    private static List<string> Urls(string searchJson)
    {
        using var json = JsonDocument.Parse(searchJson);
        return [.. json.RootElement.EnumerateArray().Select(h => h.GetProperty("url").GetString()!).Order(StringComparer.Ordinal)];
    }

    private static string? Sqlite(string? path, string sql)
    {
        if (path is null)
            return null;
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
