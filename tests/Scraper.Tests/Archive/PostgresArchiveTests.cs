using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Scraper.Archive;
using Scraper.Cli;
using Scraper.Crawling;
using Scraper.Tests.Support;

namespace Scraper.Tests.Archive;

/// <summary>
/// The archive on a real PostgreSQL server (<see cref="SharedPostgres"/>): every command gives the same output and exit
/// code as on SQLite for the same work, and the server's own failures (unreachable, wrong password, another
/// application's database, a newer schema) are one line and exit 4 with nothing changed.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class PostgresArchiveTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static Task<CliResult> Run(string db, params string[] args) => CliRunner.RunAsync([.. args, "--db", db]);

    /// <summary>What legitimately differs between two runs of the same work: the archive's name and size, the times of day, durations.</summary>
    private static string Normalized(string output, string db) =>
        Durations().Replace(Times().Replace(output.Replace(db, "<db>"), "<time>"), "<duration>");

    [GeneratedRegex(@"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?Z?")]
    private static partial Regex Times();

    [GeneratedRegex(@"\b\d+(\.\d+)?\s?(s|ms)\b|""(elapsed_seconds|pages_per_second|file_bytes)"":\s*[\d.]+")]
    private static partial Regex Durations();

    [RequiresPostgresFact]
    public async Task Every_command_gives_the_same_output_on_both_backends()
    {
        var sqlite = folder.File("archive.db");
        var postgres = await SharedPostgres.NewDatabaseAsync();

        async Task Same(params string[] args)
        {
            var onSqlite = await Run(sqlite, args);
            var onPostgres = await Run(postgres, args);
            var what = string.Join(' ', args);
            Assert.True(onSqlite.ExitCode == onPostgres.ExitCode, $"{what}: exit {onSqlite.ExitCode} on SQLite, {onPostgres.ExitCode} on PostgreSQL: {onPostgres.Error}");
            Assert.Equal(Normalized(onSqlite.Out, sqlite), Normalized(onPostgres.Out, postgres));
            Assert.Equal(Normalized(onSqlite.Error, sqlite), Normalized(onPostgres.Error, postgres));
        }

        await Same("import", RepoPaths.Samples);
        await Same("list");
        await Same("list", "--format", "json");
        await Same("list", "--site", "wnd.gov.cn");
        var pages = JsonNode.Parse((await Run(sqlite, "list", "--format", "json")).Out)!.AsArray();
        Assert.True(pages.Count >= 40, "the samples are missing");
        foreach (var page in pages)
        {
            var id = page!["page_id"]!.ToString();
            await Same("show", id, "--format", "json");
            await Same("history", id, "--format", "json");
            await Same("diff", id);
        }
        await Same("show", "https://en.wuxi.gov.cn/no/such/page.htm");
        await Same("stats", "--format", "json");
        await Same("crawl", "--mirror", RepoPaths.Samples, "--quiet");
        await Same("runs");
        await Same("errors");
        await Same("sections", "--format", "json");
        await Same("changes", "--since", "2000-01-01", "--format", "json");
        await Same("reextract");
        await Same("rules", "check", "--format", "json");
        // A page with a second revision: the seed page as a correction would change it.
        const string seedUrl = "https://en.wuxi.gov.cn/2023-11/23/c_941797.htm";
        var corrected = folder.File("corrected.htm");
        var seed = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Samples, "en.wuxi.gov.cn", "2023-11", "23", "c_941797.htm"));
        await File.WriteAllTextAsync(corrected, seed.Replace("Wuxi", "Wu Xi", StringComparison.Ordinal));
        await Same("import", corrected, "--url", seedUrl);
        await Same("diff", seedUrl);
        await Same("diff", seedUrl, "--format", "json");
        await Same("history", seedUrl);
        foreach (var format in new[] { "csv", "jsonl" })
        {
            var fromSqlite = folder.File("sqlite." + format);
            var fromPostgres = folder.File("postgres." + format);
            Assert.Equal(ExitCodes.Ok, (await Run(sqlite, "export", "--format", format, "--out", fromSqlite)).ExitCode);
            Assert.Equal(ExitCodes.Ok, (await Run(postgres, "export", "--format", format, "--out", fromPostgres)).ExitCode);
            Assert.Equal(Normalized(await File.ReadAllTextAsync(fromSqlite), sqlite), Normalized(await File.ReadAllTextAsync(fromPostgres), postgres));
        }

        // Ranking differs by engine (bm25 and ts_rank); what is found does not.
        foreach (var query in new[] { "wuxi", "industrial park", "\"integrated circuit\"", "Wuxi's" })
        {
            static SortedSet<string> Urls(CliResult result) =>
                new(JsonNode.Parse(result.Out)!.AsArray().Select(hit => hit!["url"]!.ToString()), StringComparer.Ordinal);
            var onSqlite = await Run(sqlite, "search", query, "--limit", "200", "--format", "json");
            var onPostgres = await Run(postgres, "search", query, "--limit", "200", "--format", "json");
            Assert.True(onPostgres.ExitCode == ExitCodes.Ok, onPostgres.Error);
            Assert.NotEmpty(Urls(onPostgres));
            Assert.Equal(Urls(onSqlite), Urls(onPostgres));
        }
        var snippet = JsonNode.Parse((await Run(postgres, "search", "Meicun", "--format", "json")).Out)!.AsArray()[0]!;
        Assert.Contains("**Meicun**", snippet["snippet"]!.ToString());

        await using var store = await ArchiveStore.OpenAsync(postgres, ArchiveAccess.ReadWrite);
        Assert.Empty(await store.CheckIntegrityAsync());
    }

    [RequiresPostgresFact]
    public async Task Two_crawls_of_different_sites_write_one_archive_at_once()
    {
        var (postgres, server, database) = await NewArchiveAsync();
        // A delay between requests makes each crawl last seconds, so the two overlap.
        var wuxi = CliRunner.Start("crawl", "--site", "en.wuxi.gov.cn", "--mirror", RepoPaths.Samples, "--delay", "150", "--db", postgres);
        var wnd = CliRunner.Start("crawl", "--site", "wnd.gov.cn", "--mirror", RepoPaths.Samples, "--delay", "150", "--db", postgres);
        // Both at work at once: two crawl runs running together.
        var overlapped = await WaitUntilAsync(async () =>
                await server.QueryAsync(database, "SELECT count(*) FROM pg_tables WHERE tablename = 'runs'") == "1"
                && await server.QueryAsync(database, "SELECT count(*) FROM runs WHERE status = 'running'") == "2",
            stop: () => wuxi.HasExited || wnd.HasExited);
        var first = await CliRunner.FinishAsync(wuxi, TimeSpan.FromMinutes(3));
        var second = await CliRunner.FinishAsync(wnd, TimeSpan.FromMinutes(3));
        Assert.True(first.ExitCode == ExitCodes.Ok, first.Error);
        Assert.True(second.ExitCode == ExitCodes.Ok, second.Error);
        Assert.True(overlapped, "the two crawls did not run at the same time");
        // Neither took the other's run for a killed one.
        Assert.Equal("ok|ok", await server.QueryAsync(database, "SELECT string_agg(status, '|' ORDER BY id) FROM runs"));

        // The same archive as one crawl of both sites makes on SQLite: the same pages, revisions and captures, none twice.
        var sqlite = folder.File("both.db");
        Assert.Equal(ExitCodes.Ok, (await Run(sqlite, "crawl", "--mirror", RepoPaths.Samples, "--quiet")).ExitCode);
        var onSqlite = await Run(sqlite, "list", "--format", "json");
        var onPostgres = await Run(postgres, "list", "--format", "json");
        static string[] Urls(CliResult result) =>
            [.. JsonNode.Parse(result.Out)!.AsArray().Select(page => page!["url"]!.ToString()).Order(StringComparer.Ordinal)];
        Assert.Equal(Urls(onSqlite), Urls(onPostgres));
        Assert.Equal("0", await server.QueryAsync(database, "SELECT count(*) FROM (SELECT page_id, content_sha256 FROM revisions GROUP BY 1, 2 HAVING count(*) > 1) d"));
        Assert.Equal("0", await server.QueryAsync(database, "SELECT count(*) FROM frontier WHERE state IN ('pending', 'fetching')"));
        var statsSqlite = JsonNode.Parse((await Run(sqlite, "stats", "--format", "json")).Out)!;
        var statsPostgres = JsonNode.Parse((await Run(postgres, "stats", "--format", "json")).Out)!;
        foreach (var count in new[] { "pages", "article_pages", "captures", "revisions", "figures", "bodies" })
            Assert.True(statsSqlite[count]!.ToString() == statsPostgres[count]!.ToString(), $"{count}: {statsSqlite[count]} on SQLite, {statsPostgres[count]} on PostgreSQL");
    }

    [RequiresPostgresFact]
    public async Task A_second_crawl_of_the_same_site_exits_3_or_waits_its_turn()
    {
        var (postgres, server, database) = await NewArchiveAsync();
        var first = CliRunner.Start("crawl", "--site", "wnd.gov.cn", "--mirror", RepoPaths.Samples, "--delay", "300", "--db", postgres);
        var held = await WaitUntilAsync(async () =>
                await server.QueryAsync(database, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 1935897187 AND granted") == "1",
            stop: () => first.HasExited);
        Assert.True(held, "the first crawl never took its site's lock");

        var refused = await CliRunner.RunProcessAsync(TimeSpan.FromMinutes(2), null, "crawl", "--site", "wnd.gov.cn", "--mirror", RepoPaths.Samples, "--db", postgres);
        Assert.Equal(ExitCodes.Locked, refused.ExitCode);
        Assert.Contains("site wnd.gov.cn is being crawled by another scraper (scraper crawl (pid ", refused.Error);
        Assert.Contains("use --wait", refused.Error);
        Assert.Single(refused.Error.Trim().Split('\n'));

        // --wait: starts once the first has finished, and resumes nothing of it.
        var waiting = await CliRunner.RunProcessAsync(TimeSpan.FromMinutes(3), null, "crawl", "--site", "wnd.gov.cn", "--mirror", RepoPaths.Samples, "--wait", "--quiet", "--db", postgres);
        var firstResult = await CliRunner.FinishAsync(first, TimeSpan.FromMinutes(3));
        Assert.True(firstResult.ExitCode == ExitCodes.Ok, firstResult.Error);
        Assert.True(waiting.ExitCode == ExitCodes.Ok, waiting.Error);
        Assert.Equal("ok|ok", await server.QueryAsync(database, "SELECT string_agg(status, '|' ORDER BY id) FROM runs"));
        Assert.Equal("t", await server.QueryAsync(database, "SELECT (SELECT started_at FROM runs WHERE id = 2) >= (SELECT ended_at FROM runs WHERE id = 1)"));
    }

    [RequiresPostgresFact]
    public async Task A_killed_crawlers_run_is_ended_by_the_next_crawl_and_a_live_ones_is_not()
    {
        var (postgres, server, database) = await NewArchiveAsync();
        var slow = CliRunner.Start("crawl", "--site", "wnd.gov.cn", "--mirror", RepoPaths.Samples, "--delay", "400", "--db", postgres);
        await WaitUntilAsync(async () => await TryQueryAsync(server, database, "SELECT count(*) FROM captures") is not (null or "0"));

        // Another site's crawl, while the first is alive: the first's run stays running.
        var other = await CliRunner.RunProcessAsync(TimeSpan.FromMinutes(2), null, "crawl", "--site", "en.wuxi.gov.cn", "--mirror", RepoPaths.Samples, "--quiet", "--db", postgres);
        Assert.True(other.ExitCode == ExitCodes.Ok, other.Error);
        Assert.Equal("running", await server.QueryAsync(database, "SELECT status FROM runs WHERE id = 1"));

        slow.Kill();
        await slow.WaitForExitAsync();
        // The server ends a killed client's session (and its locks) when it sees the connection closed.
        await WaitUntilAsync(async () => await server.QueryAsync(database, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'") == "0", tries: 200);
        var next = await CliRunner.RunProcessAsync(TimeSpan.FromMinutes(2), null, "crawl", "--site", "en.wuxi.gov.cn", "--mirror", RepoPaths.Samples, "--quiet", "--db", postgres);
        Assert.True(next.ExitCode == ExitCodes.Ok, next.Error);
        Assert.Equal("interrupted", await server.QueryAsync(database, "SELECT status FROM runs WHERE id = 1"));
        // Its rows left fetching are its site's crawl's to resume, not this one's.
        var resumed = await CliRunner.RunProcessAsync(TimeSpan.FromMinutes(2), null, "crawl", "--site", "wnd.gov.cn", "--mirror", RepoPaths.Samples, "--quiet", "--db", postgres);
        Assert.True(resumed.ExitCode == ExitCodes.Ok, resumed.Error);
        Assert.Contains("resumed", resumed.Out);
    }

    /// <summary>A new database on the shared server: its address for --db, the server, and its name to query it by.</summary>
    private static async Task<(string Address, PostgresServer Server, string Database)> NewArchiveAsync()
    {
        var address = await SharedPostgres.NewDatabaseAsync();
        return (address, await SharedPostgres.ServerAsync(), SharedPostgres.DatabaseOf(address));
    }

    /// <summary>Asks <paramref name="condition"/> every 50 ms, at most <paramref name="tries"/> times and while
    /// <paramref name="stop"/> does not say to stop; whether it came true.</summary>
    private static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, int tries = 600, Func<bool>? stop = null)
    {
        for (var i = 0; i < tries && !(stop?.Invoke() ?? false); i++)
        {
            if (await condition()) return true;
            await Task.Delay(50);
        }
        return false;
    }

    private static async Task<string?> TryQueryAsync(PostgresServer server, string database, string sql)
    {
        try { return await server.QueryAsync(database, sql); }
        catch (InvalidOperationException) { return null; }
    }

    [RequiresPostgresFact]
    public async Task Claims_from_two_connections_never_take_a_row_twice()
    {
        var postgres = await SharedPostgres.NewDatabaseAsync();
        await using var first = await ArchiveStore.OpenAsync(postgres, ArchiveAccess.ReadWrite);
        await using var second = await ArchiveStore.OpenAsync(postgres, ArchiveAccess.ReadWrite);
        var start = await first.Frontier.BeginCrawlAsync(sites: null);
        var entries = Enumerable.Range(0, 400).Select(i => new FrontierEntry($"https://example.org/p{i:D3}.html", FrontierKind.Page, null, null)).ToList();
        Assert.Equal(400, await first.Frontier.QueueAsync(entries, start.Pass, QueueMode.Again, start.RunId));

        async Task<List<string>> ClaimAll(ArchiveStore store)
        {
            var claimed = new List<string>();
            while (true)
            {
                var batch = await store.Frontier.ClaimAsync(start.Pass, 7);
                if (batch.Count == 0) return claimed;
                claimed.AddRange(batch.Select(item => item.Url));
            }
        }
        var results = await Task.WhenAll(Task.Run(() => ClaimAll(first)), Task.Run(() => ClaimAll(second)));
        Assert.NotEmpty(results[0]);
        Assert.NotEmpty(results[1]);
        Assert.Empty(results[0].Intersect(results[1]));
        Assert.Equal(entries.Select(e => e.Url).Order(StringComparer.Ordinal), results[0].Concat(results[1]).Order(StringComparer.Ordinal));
    }

    [RequiresPostgresFact]
    public async Task Bad_servers_and_databases_are_one_line_and_exit_4_with_nothing_changed()
    {
        var server = await SharedPostgres.ServerAsync();
        static void OneLine(CliResult result, int exitCode, string expected)
        {
            Assert.True(result.ExitCode == exitCode, $"exit {result.ExitCode}: {result.Error}");
            Assert.Single(result.Error.Trim().Split('\n'));
            Assert.Contains(expected, result.Error);
            Assert.DoesNotContain("   at ", result.Error);
        }

        // Nothing listens on this port.
        var unreachable = await CliRunner.RunAsync("list", "--db", $"postgresql://scraper@127.0.0.1:{ClosedPort()}/none?connect_timeout=5");
        OneLine(unreachable, ExitCodes.Failed, "cannot reach the PostgreSQL server of postgresql://scraper@127.0.0.1:");

        OneLine(await CliRunner.RunAsync("list", "--db", server.Address("no_such_db")), ExitCodes.Failed, "database \"no_such_db\" does not exist");
        OneLine(await CliRunner.RunAsync("list", "--db", $"postgresql://scraper@127.0.0.1:{server.Port}"), ExitCodes.Usage, "names no database");
        OneLine(await CliRunner.RunAsync("list", "--db", $"postgresql://scraper:s3cret@127.0.0.1:{server.Port}/x?frobnicate=1"), ExitCodes.Usage, "unknown parameter frobnicate");

        // An empty database: nothing to read yet; a writer makes the archive in it.
        var empty = await SharedPostgres.NewDatabaseAsync();
        OneLine(await Run(empty, "list"), ExitCodes.Failed, "no archive at " + empty + " yet");

        // Another application's database: refused, untouched.
        var foreign = await SharedPostgres.NewDatabaseAsync();
        var foreignName = SharedPostgres.DatabaseOf(foreign);
        await server.QueryAsync(foreignName, "CREATE TABLE customers (id int PRIMARY KEY, name text); INSERT INTO customers VALUES (1, 'a')");
        foreach (var args in new[] { new[] { "list" }, ["import", RepoPaths.Samples], ["crawl", "--mirror", RepoPaths.Samples] })
            OneLine(await Run(foreign, args), ExitCodes.Failed, "is not a scraper archive (a PostgreSQL database of another application");
        Assert.Equal("customers", await server.QueryAsync(foreignName, "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'"));

        // A newer schema: refused by readers and writers, untouched.
        var newer = await SharedPostgres.NewDatabaseAsync();
        var newerName = SharedPostgres.DatabaseOf(newer);
        Assert.Equal(ExitCodes.Ok, (await Run(newer, "import", Path.Combine(RepoPaths.Samples, "bizwnd.gov.cn"))).ExitCode);
        await server.QueryAsync(newerName, "UPDATE archive_schema SET version = 99");
        var before = await server.QueryAsync(newerName, "SELECT count(*) FROM captures");
        foreach (var args in new[] { new[] { "list" }, ["import", RepoPaths.Samples], ["crawl", "--mirror", RepoPaths.Samples] })
            OneLine(await Run(newer, args), ExitCodes.Failed, "was written by a newer scraper (schema version 99");
        Assert.Equal(before, await server.QueryAsync(newerName, "SELECT count(*) FROM captures"));
    }

    [RequiresPostgresFact]
    public async Task A_password_comes_from_the_address_PGPASSWORD_or_pgpass_and_is_never_printed()
    {
        const string password = "pa55-w0rd-secret";
        await using var server = await PostgresServer.StartAsync(password);
        await server.CreateDatabaseAsync("team");
        var address = server.Address("team");
        var withPassword = address.Replace("scraper@", $"scraper:{password}@", StringComparison.Ordinal);

        var wrong = await CliRunner.RunAsync("import", Path.Combine(RepoPaths.Samples, "bizwnd.gov.cn"), "--db", address.Replace("scraper@", "scraper:wrong@", StringComparison.Ordinal));
        Assert.Equal(ExitCodes.Failed, wrong.ExitCode);
        Assert.Contains("the server refused the login", wrong.Error);
        Assert.DoesNotContain("wrong", wrong.Error.Replace("wrong password", "", StringComparison.Ordinal));

        var imported = await CliRunner.RunAsync("import", Path.Combine(RepoPaths.Samples, "bizwnd.gov.cn"), "--db", withPassword);
        Assert.True(imported.ExitCode == ExitCodes.Ok, imported.Error);
        Assert.DoesNotContain(password, imported.Out + imported.Error);
        Assert.Contains($"into {address}", imported.Out);

        // From the environment and from a password file, as libpq takes them: in child processes, whose environment is theirs.
        var fromEnvironment = await CliRunner.RunProcessAsync(TimeSpan.FromMinutes(1), new Dictionary<string, string> { ["PGPASSWORD"] = password }, "stats", "--db", address);
        Assert.True(fromEnvironment.ExitCode == ExitCodes.Ok, fromEnvironment.Error);
        Assert.DoesNotContain(password, fromEnvironment.Out + fromEnvironment.Error);
        var passFile = folder.File("pgpass");
        await File.WriteAllTextAsync(passFile, $"127.0.0.1:{server.Port}:team:scraper:{password}\n");
        File.SetUnixFileMode(passFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var fromFile = await CliRunner.RunProcessAsync(TimeSpan.FromMinutes(1), new Dictionary<string, string> { ["PGPASSFILE"] = passFile }, "list", "--db", address);
        Assert.True(fromFile.ExitCode == ExitCodes.Ok, fromFile.Error);
        Assert.Contains("bizwnd.gov.cn", fromFile.Out);

        // SCRAPER_DB and config show name it without the password.
        var config = await CliRunner.RunProcessAsync(TimeSpan.FromMinutes(1), new Dictionary<string, string> { ["SCRAPER_DB"] = withPassword }, "config", "show");
        Assert.Contains(address, config.Out);
        Assert.DoesNotContain(password, config.Out + config.Error);
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
