using Microsoft.Data.Sqlite;
using Scraper.Archive;
using Scraper.Archive.Sqlite;
using Scraper.Cli;
using Scraper.Tests.Support;
using static Scraper.Tests.Archive.ArchiveFixtures;

namespace Scraper.Tests.Archive;

/// <summary>
/// What the commands do with a file at the archive's path that is not an archive they may use: another application's
/// file is refused and its folder left exactly as it was; a 0-byte file is no archive yet, as a missing file is.
/// </summary>
public sealed class RefusedFileTests : IDisposable
{
    private const string SeedPage = "en.wuxi.gov.cn/2023-11/23/c_941797.htm";
    private readonly TempFolder folder = new();
    private readonly TempFolder scratch = new();

    // The archive's folder holds the file alone: whatever a command leaves beside it shows.
    private string Shelf => Directory.CreateDirectory(folder.File("shelf")).FullName;
    private string Db => Path.Combine(Shelf, "archive.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        folder.Dispose();
        scratch.Dispose();
    }

    /// <summary>Every kind of command: the writers, which make or upgrade an archive (and crawl's lock), and readers.</summary>
    public static readonly string[][] Commands =
    [
        ["crawl", "--mirror", RepoPaths.Samples, "--quiet"],
        ["import", Path.Combine(RepoPaths.Samples, SeedPage)],
        ["reextract"],
        ["list"],
        ["stats"],
        ["search", "Wuxi"],
        ["runs"],
        ["export", "--format", "jsonl"],
    ];

    public static TheoryData<string, int> RefusedFilesAndCommands()
    {
        var data = new TheoryData<string, int>();
        foreach (var kind in new[] { "text", "sqlite-rollback", "sqlite-wal", "newer-archive" })
            for (var i = 0; i < Commands.Length; i++)
                data.Add(kind, i);
        return data;
    }

    [Theory]
    [MemberData(nameof(RefusedFilesAndCommands))]
    public async Task A_refused_file_leaves_its_folder_exactly_as_it_was(string kind, int command)
    {
        await MakeAsync(kind);
        var before = Snapshot(Shelf);

        var result = await CliRunner.RunAsync([.. Commands[command], "--db", Db]);

        Assert.True(result.ExitCode == ExitCodes.Failed, $"exit {result.ExitCode}: {result.Out}{result.Error}");
        var line = Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.Matches(kind == "newer-archive" ? "was written by a newer scraper" : @"archive\.db is not a scraper archive \(.+\)$", line);
        // No lock file, no -wal, -shm or -journal, not a byte or a time changed, not even the folder's own.
        Assert.Equal(before, Snapshot(Shelf));
    }

    public static TheoryData<int> ReadCommands() => [3, 4, 5, 6, 7];

    [Theory]
    [MemberData(nameof(ReadCommands))]
    public async Task A_0_byte_file_is_no_archive_yet_for_a_read_as_a_missing_file_is_and_stays_as_it_was(int command)
    {
        await File.WriteAllBytesAsync(Db, []);
        var before = Snapshot(Shelf);
        var missing = await CliRunner.RunAsync([.. Commands[command], "--db", Path.Combine(Shelf, "missing.db")]);

        var result = await CliRunner.RunAsync([.. Commands[command], "--db", Db]);

        Assert.Equal(ExitCodes.Failed, missing.ExitCode);
        Assert.Equal(missing.ExitCode, result.ExitCode);
        Assert.Equal("", result.Out);
        var line = Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.Matches(@"^scraper: no archive at .*archive\.db yet \(the file is empty; import or crawl something into it first, or pass --db\)$", line);
        Assert.StartsWith("scraper: no archive at ", missing.Error);
        Assert.Equal(before, Snapshot(Shelf));
    }

    [Fact]
    public async Task An_sqlite_database_with_nothing_in_it_is_no_archive_yet_either()
    {
        await MakeAsync("sqlite-empty");
        var before = Snapshot(Shelf);
        var read = await CliRunner.RunAsync("list", "--db", Db);
        Assert.Equal(ExitCodes.Failed, read.ExitCode);
        Assert.Contains("no archive at", read.Error);
        Assert.Contains("an SQLite database with nothing in it", read.Error);
        Assert.Equal(before, Snapshot(Shelf));

        var write = await CliRunner.RunAsync("import", Path.Combine(RepoPaths.Samples, SeedPage), "--db", Db);
        Assert.True(write.ExitCode == ExitCodes.Ok, write.Error);
        Assert.Equal(ArchiveSchema.ApplicationId, Count(Db, "PRAGMA application_id"));
    }

    [Fact]
    public async Task An_archive_being_made_whose_first_pages_are_still_in_its_wal_is_read_not_refused()
    {
        // The file itself says "empty SQLite database" until the WAL is merged into it: only the WAL says archive.
        await using var maker = new SqliteConnection($"Data Source={Db};Pooling=False");
        maker.Open();
        await using (var command = maker.CreateCommand())
        {
            command.CommandText = "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; BEGIN; " + ArchiveSchema.Sql + " COMMIT;";
            await command.ExecuteNonQueryAsync();
        }
        Assert.True(new FileInfo(Db + "-wal").Length > 0);
        Assert.Equal(0, BitConverter.ToInt32(File.ReadAllBytes(Db).AsSpan(68, 4)));

        foreach (var args in new[] { new[] { "stats" }, ["list"], ["runs"] })
        {
            var result = await CliRunner.RunAsync([.. args, "--db", Db]);
            Assert.True(result.ExitCode == ExitCodes.Ok, $"{args[0]}: exit {result.ExitCode}: {result.Error}");
            Assert.Equal("", result.Error);
        }
    }

    [Theory]
    [InlineData("import")]
    [InlineData("crawl")]
    public async Task A_writer_makes_the_archive_in_a_0_byte_file_as_in_a_missing_one(string command)
    {
        await File.WriteAllBytesAsync(Db, []);
        string[] args = command == "import" ? ["import", RepoPaths.Samples] : ["crawl", "--mirror", RepoPaths.Samples, "--quiet"];

        var result = await CliRunner.RunAsync([.. args, "--db", Db]);

        Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
        Assert.Equal(ArchiveSchema.ApplicationId, Count(Db, "PRAGMA application_id"));
        Assert.Equal(ArchiveSchema.Version, Count(Db, "PRAGMA user_version"));
        var list = await CliRunner.RunAsync("list", "--format", "json", "--db", Db);
        Assert.True(list.ExitCode == ExitCodes.Ok, list.Error);
        Assert.Contains("c_941797", list.Out);
        AssertIntegrity(Db);
    }

    private async Task MakeAsync(string kind)
    {
        switch (kind)
        {
            case "text":
                await File.WriteAllTextAsync(Db, "<html><body>A saved page, not a database. " + new string('x', 5000) + "</body></html>");
                break;
            case "sqlite-rollback":
            case "sqlite-wal":
            case "sqlite-empty":
                using (var other = new SqliteConnection($"Data Source={Db};Pooling=False"))
                {
                    other.Open();
                    using var create = other.CreateCommand();
                    create.CommandText = kind switch
                    {
                        "sqlite-wal" => "PRAGMA journal_mode = WAL; CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('x');",
                        "sqlite-empty" => "CREATE TABLE t (x); DROP TABLE t;",
                        _ => "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('x');",
                    };
                    create.ExecuteNonQuery();
                }
                break;
            case "newer-archive":
                // Made elsewhere, by "a newer build", and kept in WAL mode as an archive is.
                var made = scratch.File("archive.db");
                Assert.Equal(ExitCodes.Ok, (await CliRunner.RunAsync("import", Path.Combine(RepoPaths.Samples, SeedPage), "--db", made)).ExitCode);
                using (var raw = new SqliteConnection($"Data Source={made};Pooling=False"))
                {
                    raw.Open();
                    using var bump = raw.CreateCommand();
                    bump.CommandText = $"PRAGMA user_version = {ArchiveSchema.Version + 1}";
                    bump.ExecuteNonQuery();
                }
                File.Copy(made, Db);
                break;
        }
        Assert.Equal(["archive.db"], Directory.EnumerateFileSystemEntries(Shelf).Select(Path.GetFileName));
        // Times a change would move must differ from the moment of the test.
        var past = DateTime.UtcNow.AddDays(-3);
        File.SetLastWriteTimeUtc(Db, past);
        Directory.SetLastWriteTimeUtc(Shelf, past);
    }

    /// <summary>The folder's entries with their size, modification time and content, and the folder's own time.</summary>
    private static List<string> Snapshot(string path) =>
        [
            $". {Directory.GetLastWriteTimeUtc(path):O}",
            .. Directory.EnumerateFileSystemEntries(path).Order(StringComparer.Ordinal).Select(entry =>
                $"{Path.GetFileName(entry)} {new FileInfo(entry).Length} {File.GetLastWriteTimeUtc(entry):O} {FileSha256(entry)}"),
        ];
}
