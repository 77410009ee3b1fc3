using Scraper.Cli;
using Scraper.Tests.Support;
using static Scraper.Tests.Archive.ArchiveFixtures;
using static Scraper.Tests.Export.ExportFixtures;

namespace Scraper.Tests.Export;

/// <summary>
/// An export killed outright (kill -9, power cut) leaves its temporary file beside the destination; the next export to
/// that folder removes it, and leaves alone the temporary file of an export still running.
/// </summary>
public sealed class ExportLeftoverTests : ExportTestFolder
{
    private string Out => folder.File("out/export.csv");

    public ExportLeftoverTests()
    {
        StoreAsync(Db, [WuxiArticle("https://en.wuxi.gov.cn/2024-01/01/c_1.htm")]).GetAwaiter().GetResult();
        Directory.CreateDirectory(folder.File("out"));
    }

    [Fact]
    public async Task A_killed_exports_temporary_file_is_removed_by_the_next_export_and_a_running_ones_is_kept()
    {
        await File.WriteAllTextAsync(Out, "yesterday's export");
        // What a killed export leaves: its half-written temporary file, nobody holding it.
        var killed = folder.File($"out/.export.csv.{Guid.NewGuid():N}.tmp");
        await File.WriteAllTextAsync(killed, "url,site\nhttps://en.wuxi.gov.cn/2024-01/01/c_1.htm,en.wu");
        var otherTarget = folder.File($"out/.other.jsonl.{Guid.NewGuid():N}.tmp");
        await File.WriteAllTextAsync(otherTarget, "{\"url\":");
        // An export writing right now holds its temporary file locked.
        var running = folder.File($"out/.export.csv.{Guid.NewGuid():N}.tmp");
        await using (var held = new FileStream(running, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            // A file of the user's that merely looks similar is not ours.
            var users = folder.File("out/.notes.tmp");
            await File.WriteAllTextAsync(users, "keep me");

            var result = await CliRunner.RunAsync("export", "--db", Db, "--out", Out);

            Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
            Assert.False(File.Exists(killed), "the killed export's temporary file is still there");
            Assert.False(File.Exists(otherTarget), "another target's abandoned temporary file is still there");
            Assert.True(File.Exists(running), "a running export's temporary file was removed");
            Assert.True(File.Exists(users));
            Assert.Single(ParseCsv(await File.ReadAllBytesAsync(Out)).Rows);
        }
    }
}
