using System.Runtime.Versioning;
using Microsoft.Data.Sqlite;
using Scraper.Cli;
using Scraper.Tests.Support;
using static Scraper.Tests.Archive.ArchiveFixtures;

namespace Scraper.Tests.Archive;

/// <summary>
/// An archive the reader may not write to: the file r--r--r-- in a folder r-xr-xr-x, read by the CLI as a real child
/// process under another user (see <see cref="UnprivilegedCli"/>: root would ignore the permissions). A WAL archive's
/// reader normally creates -shm and -wal beside it; here it cannot, and every read command must work all the same.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ReadOnlyArchiveTests : IDisposable
{
    private const string SeedPage = "en.wuxi.gov.cn/2023-11/23/c_941797.htm";
    private const string SeedUrl = "https://en.wuxi.gov.cn/2023-11/23/c_941797.htm";
    private readonly TempFolder folder = new();

    public ReadOnlyArchiveTests() =>
        // CreateTempSubdirectory makes it rwx------: the other user must be able to reach the archive's folder.
        File.SetUnixFileMode(folder.Path, UnprivilegedCli.OpenToAll);

    public void Dispose()
    {
        foreach (var shelf in Directory.EnumerateDirectories(folder.Path))
            File.SetUnixFileMode(shelf, UnprivilegedCli.OpenToAll);
        folder.Dispose();
    }

    /// <summary>
    /// Every read command, in its JSON form where it has one, so that what the other user reads can be compared with
    /// what the owner read before the archive was made read-only.
    /// </summary>
    public static readonly string[][] ReadCommands =
    [
        ["list", "--format", "json"],
        ["stats", "--format", "json"],
        ["show", SeedUrl, "--format", "json"],
        ["show", SeedUrl, "--revision", "1", "--format", "text"],
        ["history", SeedUrl, "--format", "json"],
        ["search", "Wuxi's", "--format", "json"],
        ["diff", SeedUrl, "--format", "json"],
        ["changes", "--since", "2000-01-01", "--format", "json"],
        ["changes", "--since", "2000-01-01", "--format", "atom"],
        ["runs", "--format", "json"],
        ["errors", "--format", "json"],
        ["export", "--format", "jsonl"],
        ["export", "--format", "csv", "--all-revisions"],
    ];

    [RequiresFileFact(UnprivilegedCli.Setpriv)]
    public async Task Every_read_command_works_in_a_folder_the_reader_cannot_write_and_leaves_nothing_beside_the_file()
    {
        // A folder name with the characters an SQLite URI filename reserves (the read falls back to a file: URI).
        var db = await BuildArchiveAsync("shelf #1 ?50% done");
        var expected = new List<string>();
        foreach (var args in ReadCommands)
        {
            var owner = await CliRunner.RunAsync([.. args, "--db", db]);
            Assert.True(owner.ExitCode == ExitCodes.Ok, $"{string.Join(' ', args)}: {owner.Error}");
            expected.Add(owner.Out);
        }
        // The owner's reads left an empty -wal and a -shm (a read-only connection does not remove them): clear them away,
        // so that the other user finds the bare file, as in a folder only the owner's writer ever touched.
        Assert.Equal(0, new FileInfo(db + "-wal").Length);
        File.Delete(db + "-wal");
        File.Delete(db + "-shm");
        MakeReadOnly(db);
        var before = FileSha256(db);

        using var cli = await UnprivilegedCli.PrepareAsync();
        for (var i = 0; i < ReadCommands.Length; i++)
        {
            var result = await cli.RunAsync([.. ReadCommands[i], "--db", db]);
            var command = string.Join(' ', ReadCommands[i]);
            Assert.True(result.ExitCode == ExitCodes.Ok, $"{command}: exit {result.ExitCode}: {result.Error}");
            Assert.True(result.Error == "", $"{command}: {result.Error}");
            Assert.True(expected[i] == result.Out, $"{command}: the other user read something else than the owner");
        }
        Assert.Equal([Path.GetFileName(db)], Directory.EnumerateFiles(Path.GetDirectoryName(db)!).Select(Path.GetFileName));
        Assert.Equal(before, FileSha256(db));
    }

    [RequiresFileFact(UnprivilegedCli.Setpriv)]
    public async Task Changes_still_in_the_wal_are_not_read_stale_but_refused_with_one_line()
    {
        // A copy taken while a writer holds a change in the WAL: archive.db without it, archive.db-wal with it, no -shm.
        var db = await CopyWhileAChangeIsInTheWalAsync("", "-wal");
        MakeReadOnly(db);
        var wal = await File.ReadAllBytesAsync(db + "-wal");

        using var cli = await UnprivilegedCli.PrepareAsync();
        var result = await cli.RunAsync("list", "--format", "json", "--db", db);
        Assert.Equal(ExitCodes.Failed, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Matches(
            @"^scraper: .*archive\.db is being written \(its -wal file holds changes not yet merged into it\) and its folder .* is not writable for this user, .*\n$",
            result.Error);
        Assert.Equal(["archive.db", "archive.db-wal"], Directory.EnumerateFiles(Path.GetDirectoryName(db)!).Select(Path.GetFileName).Order());
        Assert.Equal(wal, await File.ReadAllBytesAsync(db + "-wal"));

        // What a read of the file alone would have missed: the owner, who can use the WAL, sees the correction.
        File.SetUnixFileMode(Path.GetDirectoryName(db)!, UnprivilegedCli.OpenToAll);
        var owner = await CliRunner.RunAsync("list", "--format", "json", "--db", db);
        Assert.Contains("Corrected while being copied", owner.Out);
    }

    [RequiresFileFact(UnprivilegedCli.Setpriv)]
    public async Task A_wal_with_its_shm_beside_it_is_read_too_though_the_reader_may_write_neither_them_nor_the_folder()
    {
        // A copy taken with its -wal and -shm while a writer held a change in the WAL (a backup or an rsync of a live
        // archive), published read-only: SQLite reads the WAL without writing anything, so the read includes the change.
        var db = await CopyWhileAChangeIsInTheWalAsync("", "-wal", "-shm");
        File.SetUnixFileMode(db + "-wal", UnprivilegedCli.ReadOnlyFile);
        File.SetUnixFileMode(db + "-shm", UnprivilegedCli.ReadOnlyFile);
        MakeReadOnly(db);
        var before = Directory.EnumerateFiles(Path.GetDirectoryName(db)!).Order().Select(f => (Path.GetFileName(f), FileSha256(f))).ToList();

        using var cli = await UnprivilegedCli.PrepareAsync();
        foreach (var args in ReadCommands)
        {
            var result = await cli.RunAsync([.. args, "--db", db]);
            var command = string.Join(' ', args);
            Assert.True(result.ExitCode == ExitCodes.Ok, $"{command}: exit {result.ExitCode}: {result.Error}");
            Assert.True(result.Error == "", $"{command}: {result.Error}");
        }
        var list = await cli.RunAsync("list", "--format", "json", "--db", db);
        Assert.Contains("Corrected while being copied", list.Out);
        Assert.Equal(before, Directory.EnumerateFiles(Path.GetDirectoryName(db)!).Order().Select(f => (Path.GetFileName(f), FileSha256(f))).ToList());
    }

    [RequiresFileFact(UnprivilegedCli.Setpriv)]
    public async Task A_reader_who_may_not_write_reads_the_changes_a_writer_at_work_holds_in_the_wal()
    {
        // The archive's owner is writing (its -wal holds a change not yet merged into the file); another user, who may
        // write neither the file nor its folder, reads it, change included.
        var db = await BuildArchiveAsync("live");
        await using var writer = new SqliteConnection($"Data Source={db};Pooling=False");
        writer.Open();
        await using (var command = writer.CreateCommand())
        {
            command.CommandText = "PRAGMA wal_autocheckpoint = 0; UPDATE revisions SET title = 'Corrected a moment ago' WHERE number = 2";
            await command.ExecuteNonQueryAsync();
        }
        Assert.True(new FileInfo(db + "-wal").Length > 0);

        using var cli = await UnprivilegedCli.PrepareAsync();
        var result = await cli.RunAsync("list", "--format", "json", "--db", db);
        Assert.True(result.ExitCode == ExitCodes.Ok, $"exit {result.ExitCode}: {result.Error}");
        Assert.Equal("", result.Error);
        Assert.Contains("Corrected a moment ago", result.Out);
        var history = await cli.RunAsync("history", SeedUrl, "--format", "json", "--db", db);
        Assert.True(history.ExitCode == ExitCodes.Ok, history.Error);
        Assert.Contains("Corrected a moment ago", history.Out);
    }

    /// <summary>
    /// An archive copied into <c>shelf/archive.db</c> (the files of <paramref name="suffixes"/>) while a writer holds a
    /// change in its WAL: revision 2's title is 'Corrected while being copied' there, not yet in the archive file.
    /// </summary>
    private async Task<string> CopyWhileAChangeIsInTheWalAsync(params string[] suffixes)
    {
        var source = await BuildArchiveAsync("source");
        var db = Path.Combine(Directory.CreateDirectory(folder.File("shelf")).FullName, "archive.db");
        await using (var writer = new SqliteConnection($"Data Source={source};Pooling=False"))
        {
            writer.Open();
            await using var command = writer.CreateCommand();
            command.CommandText = "PRAGMA wal_autocheckpoint = 0; UPDATE revisions SET title = 'Corrected while being copied' WHERE number = 2";
            await command.ExecuteNonQueryAsync();
            foreach (var suffix in suffixes)
                File.Copy(source + suffix, db + suffix);
        }
        Assert.True(new FileInfo(db + "-wal").Length > 0);
        return db;
    }

    /// <summary>The samples, plus a second revision of the seed page (so that diff has something to compare), in <c>&lt;name&gt;/archive.db</c>.</summary>
    private async Task<string> BuildArchiveAsync(string name)
    {
        var db = Path.Combine(Directory.CreateDirectory(folder.File(name)).FullName, "archive.db");
        Assert.Equal(ExitCodes.Ok, (await CliRunner.RunAsync("import", RepoPaths.Samples, "--db", db)).ExitCode);
        var page = folder.Write(Path.Combine("changed", SeedPage), (await File.ReadAllTextAsync(Path.Combine(RepoPaths.Samples, SeedPage)))
            .Replace("nearly 400 Japanese enterprises", "more than 400 Japanese enterprises"));
        var second = await CliRunner.RunAsync("import", page, "--db", db);
        Assert.True(second.ExitCode == ExitCodes.Ok && second.Out.StartsWith("revision 2", StringComparison.Ordinal), second.Out + second.Error);
        return db;
    }

    private static void MakeReadOnly(string db)
    {
        File.SetUnixFileMode(db, UnprivilegedCli.ReadOnlyFile);
        File.SetUnixFileMode(Path.GetDirectoryName(db)!, UnprivilegedCli.ReadOnlyFolder);
    }
}
