using Microsoft.Data.Sqlite;
using Scraper.Archive;
using Scraper.Archive.Sqlite;
using Scraper.Tests.Support;
using static Scraper.Tests.Archive.ArchiveFixtures;

namespace Scraper.Tests.Archive;

public class ArchiveFaultTests : IDisposable
{
    private readonly TempFolder folder = new();
    private string Db => folder.File("archive.db");

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData(ArchiveAccess.ReadWrite)]
    [InlineData(ArchiveAccess.ReadOnly)]
    public async Task A_file_that_is_not_sqlite_is_refused_and_left_unchanged(ArchiveAccess access)
    {
        await File.WriteAllTextAsync(Db, "<html><body>Saved page, not a database. " + new string('x', 5000) + "</body></html>");
        var before = FileSha256(Db);
        var error = await Assert.ThrowsAsync<ArchiveException>(() => OpenAsync(Db, access));
        Assert.Equal(ArchiveFailure.NotAnArchive, error.Failure);
        Assert.Contains("is not a scraper archive", error.Message);
        Assert.Equal(before, FileSha256(Db));
        Assert.False(File.Exists(Db + "-wal"));
    }

    [Theory]
    [InlineData(ArchiveAccess.ReadWrite)]
    [InlineData(ArchiveAccess.ReadOnly)]
    public async Task Another_applications_sqlite_database_is_refused_and_left_unchanged(ArchiveAccess access)
    {
        using (var other = new SqliteConnection($"Data Source={Db};Pooling=False"))
        {
            other.Open();
            using var create = other.CreateCommand();
            create.CommandText = "CREATE TABLE pages (id INTEGER PRIMARY KEY, url TEXT); INSERT INTO pages (url) VALUES ('x')";
            create.ExecuteNonQuery();
        }
        var before = FileSha256(Db);
        var error = await Assert.ThrowsAsync<ArchiveException>(() => OpenAsync(Db, access));
        Assert.Equal(ArchiveFailure.NotAnArchive, error.Failure);
        Assert.Contains("another application", error.Message);
        Assert.Equal(before, FileSha256(Db));
    }

    [Theory]
    [InlineData(ArchiveAccess.ReadWrite)]
    [InlineData(ArchiveAccess.ReadOnly)]
    public async Task An_archive_from_a_newer_schema_is_refused_and_left_unchanged(ArchiveAccess access)
    {
        var article = WuxiArticle();
        await using (var store = await OpenAsync(Db))
            await store.Captures.StorePageAsync(Capture(article, T0), article);
        using (var raw = new SqliteConnection($"Data Source={Db};Pooling=False"))
        {
            raw.Open();
            using var bump = raw.CreateCommand();
            bump.CommandText = $"PRAGMA user_version = {ArchiveSchema.Version + 1}; PRAGMA journal_mode = DELETE;";
            bump.ExecuteNonQuery();
        }
        var before = FileSha256(Db);
        var error = await Assert.ThrowsAsync<ArchiveException>(() => OpenAsync(Db, access));
        Assert.Equal(ArchiveFailure.NewerSchema, error.Failure);
        Assert.Contains("newer scraper", error.Message);
        Assert.Equal(before, FileSha256(Db));
        Assert.False(File.Exists(Db + "-wal"));
    }

    [Fact]
    public async Task A_missing_archive_is_not_created_by_a_read()
    {
        var error = await Assert.ThrowsAsync<ArchiveException>(() => OpenAsync(Db, ArchiveAccess.ReadOnly));
        Assert.Equal(ArchiveFailure.Missing, error.Failure);
        Assert.False(File.Exists(Db));
    }

    [Theory]
    [InlineData("no-such-folder/archive.db")]
    [InlineData("")]
    public async Task A_bad_path_is_a_path_error(string relative)
    {
        var path = relative.Length == 0 ? folder.Path : folder.File(relative);
        var error = await Assert.ThrowsAsync<ArchiveException>(() => OpenAsync(path));
        Assert.Equal(ArchiveFailure.BadPath, error.Failure);
    }

    /// <summary>
    /// A read-only open reads, refuses to write and never changes the file. (Run as root, as on the test machines, the
    /// read-only attribute is not enforced: ReadOnlyArchiveTests reads a truly unwritable archive as another user.)
    /// </summary>
    [Fact]
    public async Task A_read_only_open_reads_refuses_writes_and_never_changes_the_file()
    {
        var article = WuxiArticle();
        await using (var store = await OpenAsync(Db))
            await store.Captures.StorePageAsync(Capture(article, T0), article);
        File.SetAttributes(Db, FileAttributes.ReadOnly);
        var before = FileSha256(Db);

        await using (var reader = await OpenAsync(Db, ArchiveAccess.ReadOnly))
        {
            Assert.Single(await reader.Search.SearchAsync("forum"));
            Assert.Equal(1, (await reader.Reader.GetStatsAsync()).Revisions);
            Assert.Empty(await reader.CheckIntegrityAsync());
            await Assert.ThrowsAsync<InvalidOperationException>(() => reader.Captures.StorePageAsync(Capture(article, T0), article));
        }
        Assert.Equal(before, FileSha256(Db));
        AssertIntegrity(Db);
    }

    [Fact]
    public async Task A_full_disk_fails_the_whole_page_and_leaves_the_archive_as_it_was()
    {
        var first = WuxiArticle("http://en.wuxi.gov.cn/2023-11/23/c_1.htm");
        await using var store = await OpenAsync(Db);
        await store.Captures.StorePageAsync(Capture(first, T0), first);

        // SQLite reports SQLITE_FULL when the file may not grow, as it does when the disk is full.
        using (var limit = store.Connection.CreateCommand())
        {
            limit.CommandText = "PRAGMA max_page_count = " + Count(Db, "PRAGMA page_count");
            limit.ExecuteNonQuery();
        }
        var big = WuxiArticle("http://en.wuxi.gov.cn/2023-11/23/c_2.htm") with
        {
            Paragraphs = Enumerable.Range(0, 400).Select(i => $"Paragraph {i} of a long article about the district's {Guid.NewGuid()} projects.").ToList(),
        };
        var error = await Assert.ThrowsAsync<ArchiveException>(() => store.Captures.StorePageAsync(Capture(big, T0), big));
        Assert.Equal(ArchiveFailure.DiskFull, error.Failure);
        Assert.Contains("disk full", error.Message);

        await store.DisposeAsync();
        AssertIntegrity(Db);
        Assert.Equal(1, Count(Db, "SELECT count(*) FROM pages"));
        Assert.Equal(1, Count(Db, "SELECT count(*) FROM captures"));
        Assert.Equal(1, Count(Db, "SELECT count(*) FROM bodies"));
        Assert.Equal(1, Count(Db, "SELECT count(*) FROM revisions"));
        Assert.Equal(1, Count(Db, "SELECT count(*) FROM search_index"));

        // After the fault the archive takes the page.
        await using var reopened = await OpenAsync(Db);
        Assert.True((await reopened.Captures.StorePageAsync(Capture(big, T0), big)).RevisionAdded);
    }

    [Fact]
    public async Task A_locked_archive_fails_with_locked_and_stores_nothing()
    {
        var article = WuxiArticle();
        await using (var setup = await OpenAsync(Db)) { }
        using var holder = new SqliteConnection($"Data Source={Db};Pooling=False");
        holder.Open();
        using (var begin = holder.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            begin.ExecuteNonQuery();
        }

        await using var store = await OpenAsync(Db, busyTimeout: TimeSpan.FromMilliseconds(200));
        var error = await Assert.ThrowsAsync<ArchiveException>(() => store.Captures.StorePageAsync(Capture(article, T0), article));
        Assert.Equal(ArchiveFailure.Locked, error.Failure);
        Assert.Contains("locked", error.Message);

        // Readers are not blocked by the writer (WAL).
        await using (var reader = await OpenAsync(Db, ArchiveAccess.ReadOnly))
            Assert.Equal(0, (await reader.Reader.GetStatsAsync()).Pages);

        using (var end = holder.CreateCommand())
        {
            end.CommandText = "ROLLBACK";
            end.ExecuteNonQuery();
        }
        Assert.True((await store.Captures.StorePageAsync(Capture(article, T0), article)).RevisionAdded);
        await store.DisposeAsync();
        holder.Close();
        AssertIntegrity(Db);
    }

    [Fact]
    public async Task An_interrupted_write_leaves_no_half_page()
    {
        var article = WuxiArticle();
        await using var store = await OpenAsync(Db);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.Captures.StorePageAsync(Capture(article, T0), article, cancelled.Token));
        await store.DisposeAsync();
        Assert.Equal(0, Count(Db, "SELECT count(*) FROM pages"));
        AssertIntegrity(Db);
    }
}
