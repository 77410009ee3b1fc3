using Microsoft.Data.Sqlite;
using Scraper.Cli;
using Scraper.Tests.Support;
using static Scraper.Tests.Archive.ArchiveFixtures;
using static Scraper.Tests.Export.ExportFixtures;

namespace Scraper.Tests.Export;

/// <summary>Bad options, unwritable outputs, empty selections and failures mid-way: one line, the documented code, no partial file.</summary>
public sealed class ExportFailureTests : ExportTestFolder
{
    private string Out => folder.File("out/export.csv");

    public ExportFailureTests()
    {
        StoreAsync(Db, [WuxiArticle("https://en.wuxi.gov.cn/2024-01/01/c_1.htm"), WuxiArticle("https://en.wuxi.gov.cn/2024-01/02/c_2.htm")])
            .GetAwaiter().GetResult();
        Directory.CreateDirectory(folder.File("out"));
    }

    private Task<CliResult> Export(params string[] args) => CliRunner.RunAsync(["export", "--db", Db, .. args]);

    private string[] OutFolder() => [.. Directory.EnumerateFileSystemEntries(folder.File("out")).Select(Path.GetFileName).Order()!];

    private static void AssertOneLine(CliResult result, int exitCode, string contains)
    {
        Assert.True(result.ExitCode == exitCode, $"exit {result.ExitCode}: {result.Error}");
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("scraper: ", lines[0]);
        Assert.Contains(contains, lines[0]);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public async Task An_unknown_format_is_a_usage_error()
    {
        var result = await Export("--format", "xml", "--out", Out);
        AssertOneLine(result, ExitCodes.Usage, "'xml' not recognized");
        Assert.Contains("'csv' 'jsonl' 'warc'", result.Error);
        Assert.Empty(OutFolder());
    }

    [Theory]
    [InlineData("--figures", "--format", "jsonl")]
    [InlineData("--raw", "--format", "warc")]
    [InlineData("--bom", "--format", "jsonl")]
    [InlineData("--since", "2024-02-01", "--until", "2024-01-01")]
    [InlineData("--since", "last tuesday")]
    [InlineData("--changed-since", "2024-13-45")]
    [InlineData("--site", "example.com")]
    public async Task Options_that_do_not_fit_are_usage_errors(params string[] args)
    {
        var result = await Export([.. args, "--out", Out]);
        AssertOneLine(result, ExitCodes.Usage, "");
        Assert.Empty(OutFolder());
    }

    [Theory]
    [InlineData("no-such-folder/export.csv")]
    [InlineData("a-file/export.csv")]
    [InlineData("out")]
    public async Task An_output_that_cannot_be_written_is_a_usage_error_and_leaves_nothing(string relative)
    {
        File.WriteAllText(folder.File("a-file"), "a file, not a folder");
        var target = folder.File(relative);
        var before = Directory.EnumerateFileSystemEntries(folder.Path, "*", SearchOption.AllDirectories).Order().ToList();

        var result = await Export("--out", target);

        AssertOneLine(result, ExitCodes.Usage, $"--out '{target}' cannot be written");
        Assert.Equal(before, Directory.EnumerateFileSystemEntries(folder.Path, "*", SearchOption.AllDirectories).Order().ToList());
    }

    [Fact]
    public async Task An_empty_selection_writes_nothing_and_exits_4()
    {
        await File.WriteAllTextAsync(Out, "yesterday's export");

        var toFile = await Export("--site", "wnd.gov.cn", "--out", Out);
        AssertOneLine(toFile, ExitCodes.Failed, "nothing to export: no archived article matches --site wnd.gov.cn");
        Assert.Contains("was not written", toFile.Error);
        Assert.Equal("yesterday's export", await File.ReadAllTextAsync(Out));
        Assert.Equal(["export.csv"], OutFolder());

        var toStdout = await Export("--since", "2030-01-01", "--format", "jsonl");
        AssertOneLine(toStdout, ExitCodes.Failed, "no archived article matches --since 2030-01-01");
        Assert.Equal("", toStdout.Out);

        var noFigures = await Export("--figures", "--site", "en.wuxi.gov.cn", "--changed-since", "2030-01-01");
        AssertOneLine(noFigures, ExitCodes.Failed, "nothing to export: no figures");
        Assert.Equal("", noFigures.Out);
    }

    [Fact]
    public async Task An_archive_without_articles_has_nothing_to_export()
    {
        var empty = folder.File("empty.db");
        await (await OpenAsync(empty)).DisposeAsync();
        var result = await CliRunner.RunAsync("export", "--db", empty, "--out", Out);
        AssertOneLine(result, ExitCodes.Failed, "nothing to export: the archive has no articles");
        Assert.Empty(OutFolder());
    }

    [Fact]
    public async Task A_missing_archive_fails_without_creating_the_output()
    {
        var result = await CliRunner.RunAsync("export", "--db", folder.File("missing.db"), "--out", Out);
        AssertOneLine(result, ExitCodes.Failed, "no archive at");
        Assert.Empty(OutFolder());
    }

    [Fact]
    public async Task A_failure_half_way_leaves_the_previous_file_and_no_temporary_file()
    {
        var target = folder.File("out/archive.warc.gz");
        await File.WriteAllTextAsync(target, "the previous export");
        // The second page's stored body no longer decompresses: the export fails after writing the first record.
        using (var connection = new SqliteConnection($"Data Source={Db};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText =
                "UPDATE bodies SET compression = 'br', data = x'0badc0de' WHERE sha256 = (SELECT body_sha256 FROM captures ORDER BY id DESC LIMIT 1)";
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        var result = await Export("--format", "warc", "--out", target);

        AssertOneLine(result, ExitCodes.Failed, "does not decompress");
        Assert.Contains("was left as it was", result.Error);
        Assert.Equal("the previous export", await File.ReadAllTextAsync(target));
        Assert.Equal(["archive.warc.gz"], OutFolder());
    }

    [Fact]
    public async Task A_successful_export_replaces_the_file_whole()
    {
        await File.WriteAllTextAsync(Out, new string('x', 1_000_000));
        var result = await Export("--out", Out);
        Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
        Assert.Equal($"Exported 2 article(s) to {Out} (csv).\n", result.Out.ReplaceLineEndings("\n"));
        Assert.Equal(2, ParseCsv(await File.ReadAllBytesAsync(Out)).Rows.Count);
        Assert.Equal(["export.csv"], OutFolder());
    }
}
