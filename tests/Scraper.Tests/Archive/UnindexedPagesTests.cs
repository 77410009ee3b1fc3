using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Scraper.Cli;
using Scraper.Tests.Cli;
using Scraper.Tests.Support;
using static Scraper.Tests.Archive.ArchiveFixtures;

namespace Scraper.Tests.Archive;

/// <summary>
/// Pages a writer stored and queued for the search index, then was killed (SIGKILL) before indexing them: a search,
/// which only reads, cannot index them, and must not miss them silently.
/// </summary>
public sealed class UnindexedPagesTests : IDisposable
{
    private const int Pages = 2000;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly TempFolder temp = new();
    private string Db => temp.File("archive.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        temp.Dispose();
    }

    [Fact]
    public async Task A_search_says_how_many_pages_a_killed_writer_left_unindexed_stats_counts_them_and_the_next_writer_indexes_them()
    {
        var pages = GeneratedPages.Write(temp, Pages);
        // The writer indexes its queue every 256 pages or once a page has waited a second: killed at a random moment it
        // leaves a queue, unless the kill fell just after an indexing; then import some more and kill again.
        var queued = 0L;
        for (var attempt = 0; attempt < 5 && queued == 0; attempt++)
        {
            await ImportAndKillAsync(pages, 30);
            queued = Count(Db, "SELECT count(*) FROM search_queue");
        }
        Assert.True(queued > 0, "every kill fell just after the writer indexed its queue");
        var unindexedPage = Count(Db, "SELECT max(page_id) FROM search_queue");
        var marker = Regex.Match(Text(unindexedPage), @"pagemarker\d{6}").Value;

        var search = await CliRunner.RunAsync("search", marker, "--db", Db);
        Assert.Equal(ExitCodes.Ok, search.ExitCode);
        Assert.Equal("No matches.\n", search.Out.ReplaceLineEndings("\n"));
        var note = Assert.Single(search.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"scraper: note: {queued} page(s) stored lately are not in the search index yet", note);

        var stats = await CliRunner.RunAsync("stats", "--format", "json", "--db", Db);
        Assert.Equal(ExitCodes.Ok, stats.ExitCode);
        using (var json = JsonDocument.Parse(stats.Out))
            Assert.Equal(queued, json.RootElement.GetProperty("search_queue").GetInt64());
        var text = await CliRunner.RunAsync("stats", "--db", Db);
        Assert.Contains($"Search index     {queued} page(s) queued, not searchable yet", text.Out);

        // The next writer indexes the queue when it opens the archive; then the search finds the page, and says nothing more.
        var import = await CliRunner.RunAsync("import", Path.Combine(pages, "en.wuxi.gov.cn", "2023-11", "23", "c_9000001.htm"), "--db", Db);
        Assert.Equal(ExitCodes.Ok, import.ExitCode);
        var found = await CliRunner.RunAsync("search", marker, "--format", "json", "--db", Db);
        Assert.Equal(ExitCodes.Ok, found.ExitCode);
        Assert.Equal("", found.Error);
        using (var json = JsonDocument.Parse(found.Out))
            Assert.Equal(unindexedPage, Assert.Single(json.RootElement.EnumerateArray()).GetProperty("page_id").GetInt64());
        Assert.Contains("Search index     up to date", (await CliRunner.RunAsync("stats", "--db", Db)).Out);
        AssertIntegrity(Db);
    }

    /// <summary>Imports the folder in a child process, killed with SIGKILL once it has stored <paramref name="files"/> more files.</summary>
    private async Task ImportAndKillAsync(string pages, int files)
    {
        using var import = CliRunner.Start("import", pages, "--db", Db);
        using var deadline = new CancellationTokenSource(Patience);
        var stored = 0;
        while (stored < files)
        {
            var line = await import.StandardOutput.ReadLineAsync(deadline.Token);
            Assert.True(line is not null, "the import ended before it could be killed");
            if (line.StartsWith("new ", StringComparison.Ordinal)) stored++;
        }
        import.Kill();
        await import.WaitForExitAsync(deadline.Token);
    }

    private string Text(long pageId)
    {
        using var connection = new SqliteConnection($"Data Source={Db};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT text FROM search_source WHERE page_id = $page";
        command.Parameters.AddWithValue("$page", pageId);
        return (string)command.ExecuteScalar()!;
    }
}
