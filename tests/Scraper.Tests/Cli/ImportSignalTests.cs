using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Scraper.Tests.Archive;
using Scraper.Tests.Support;

namespace Scraper.Tests.Cli;

/// <summary>
/// <c>scraper import</c> as a real child process, stopped by SIGTERM or SIGINT in the middle of a long import: it stops
/// after the file in hand, says what it imported, and exits 143 or 130, as <c>crawl</c> does.
/// </summary>
public sealed class ImportSignalTests : IDisposable
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

    [Theory]
    [InlineData(15, 143, "SIGTERM")]
    [InlineData(2, 130, "SIGINT")]
    public async Task A_signal_stops_the_import_after_the_file_in_hand_with_a_summary_and_exit_code(int signal, int exitCode, string name)
    {
        var pages = GeneratedPages.Write(temp, Pages);
        using var import = CliRunner.Start("import", pages, "--db", Db);
        // Each stored file is a line on stdout; signal once a few are in.
        var lines = new List<string>();
        using (var deadline = new CancellationTokenSource(Patience))
        {
            while (lines.Count < 20)
            {
                var line = await import.StandardOutput.ReadLineAsync(deadline.Token);
                Assert.True(line is not null, "the import ended before it could be signalled");
                lines.Add(line);
            }
        }
        CliRunner.Signal(import, signal);
        var rest = await CliRunner.FinishAsync(import, Patience);
        lines.AddRange(rest.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        Assert.True(rest.ExitCode == exitCode, $"exit {rest.ExitCode}: {rest.Error}");
        Assert.Equal("", rest.Error);
        var summary = Regex.Match(lines[^1],
            $@"^Imported (\d+) file\(s\) into .*archive\.db: (\d+) new page\(s\), \d+ new revision\(s\), 0 unchanged; stopped by {name}, (\d+) file\(s\) not imported\.$");
        Assert.True(summary.Success, lines[^1]);
        var imported = int.Parse(summary.Groups[1].Value);
        // Stopped in the middle, not at the end; every file it names is archived, and only those.
        Assert.InRange(imported, 20, Pages - 1);
        Assert.Equal(Pages - imported, int.Parse(summary.Groups[3].Value));
        Assert.Equal(imported, lines.Count - 1);
        Assert.All(lines.SkipLast(1), line => Assert.StartsWith("new ", line));
        Assert.Equal(imported, int.Parse(summary.Groups[2].Value));
        Assert.Equal(imported, ArchiveFixtures.Count(Db, "SELECT count(*) FROM pages"));
        Assert.Equal(imported, ArchiveFixtures.Count(Db, "SELECT count(*) FROM revisions"));
        Assert.Equal(GeneratedPages.Url(imported), Regex.Match(lines[^2], @"\S+$").Value);
        // Closed as a finished import closes: its pages are all in the search index.
        Assert.Equal(0, ArchiveFixtures.Count(Db, "SELECT count(*) FROM search_queue"));
        ArchiveFixtures.AssertIntegrity(Db);
    }
}
