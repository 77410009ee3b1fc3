using Microsoft.Data.Sqlite;
using Scraper.Archive;
using Scraper.Archive.Sqlite;
using Scraper.Tests.Support;

namespace Scraper.Tests.Archive;

public class ArchiveSchemaTests
{
    [Fact]
    public async Task A_new_archive_has_exactly_the_schema_of_archive_schema_sql()
    {
        using var folder = new TempFolder();
        var path = folder.File("archive.db");
        await using (await ArchiveFixtures.OpenAsync(path)) { }

        // The file at the top of the repository, applied by plain SQLite, is the reference.
        var fileSql = File.ReadAllText(Path.Combine(RepoPaths.Root, "archive-schema.sql"));
        using var reference = new SqliteConnection("Data Source=:memory:");
        reference.Open();
        using (var apply = reference.CreateCommand())
        {
            apply.CommandText = fileSql;
            apply.ExecuteNonQuery();
        }
        using var archive = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        archive.Open();

        Assert.Equal(ArchiveFixtures.SchemaOf(reference), ArchiveFixtures.SchemaOf(archive));
        Assert.Equal(Pragma(reference, "user_version"), Pragma(archive, "user_version"));
        Assert.Equal(Pragma(reference, "application_id"), Pragma(archive, "application_id"));
        Assert.Equal(ArchiveSchema.Version, Pragma(archive, "user_version"));
        Assert.Equal(ArchiveSchema.ApplicationId, Pragma(archive, "application_id"));
        Assert.Equal("wal", PragmaText(archive, "journal_mode"));
        Assert.Equal(fileSql.ReplaceLineEndings(), ArchiveSchema.Sql.ReplaceLineEndings());
    }

    [Fact]
    public async Task A_version_1_archive_is_upgraded_in_place_to_the_schema_of_the_file_and_keeps_its_pages()
    {
        using var folder = new TempFolder();
        var path = folder.File("archive.db");
        var article = ArchiveFixtures.WuxiArticle();
        await using (var store = await ArchiveFixtures.OpenAsync(path))
            await store.Captures.StorePageAsync(ArchiveFixtures.Capture(article, DateTimeOffset.UnixEpoch), article);
        // Version 1 had no pages_continuation index: take the archive back to it.
        using (var v1 = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            v1.Open();
            using var downgrade = v1.CreateCommand();
            downgrade.CommandText = SchemaVersions.Undo5 + """
                DROP TABLE capture_requests; DROP TABLE image_fetches;
                DROP TABLE search_queue; DROP VIEW search_source; DROP VIEW revision_text;
                CREATE VIEW search_source AS
                SELECT p.id AS page_id,
                       coalesce(r.title, '') AS title,
                       (SELECT coalesce(group_concat(value, char(10, 10)), '') FROM (SELECT value FROM json_each(r.paragraphs) ORDER BY key)) AS text
                FROM pages p JOIN revisions r ON r.id = p.latest_revision_id;
                DROP INDEX pages_continuation; DROP INDEX frontier_claim; CREATE INDEX frontier_pass ON frontier (pass, state);
                ALTER TABLE pages DROP COLUMN kind;
                ALTER TABLE revisions DROP COLUMN provenance; ALTER TABLE revisions DROP COLUMN published_from;
                ALTER TABLE runs DROP COLUMN selector_misses;
                PRAGMA user_version = 1;
                """;
            downgrade.ExecuteNonQuery();
        }

        // Reading needs the upgrade first, and does not do it.
        var refused = await Assert.ThrowsAsync<ArchiveException>(() => ArchiveFixtures.OpenAsync(path, ArchiveAccess.ReadOnly));
        Assert.Equal(ArchiveFailure.OlderSchema, refused.Failure);
        await using (var store = await ArchiveFixtures.OpenAsync(path))
        {
            var pages = 0;
            await foreach (var _ in store.Reader.ListPagesAsync()) pages++;
            Assert.Equal(1, pages);
            // The index made under the old schema is used and kept up to date under the new one.
            Assert.Single(await store.Search.SearchAsync("hosts"));
            var changed = article with { Title = "Wuxi holds international trade fair" };
            await store.Captures.StorePageAsync(ArchiveFixtures.Capture(changed, DateTimeOffset.UnixEpoch.AddDays(1)), changed);
            Assert.Empty(await store.Search.SearchAsync("hosts"));
            Assert.Single(await store.Search.SearchAsync("fair"));
        }

        using var reference = new SqliteConnection("Data Source=:memory:");
        reference.Open();
        using (var apply = reference.CreateCommand())
        {
            apply.CommandText = ArchiveSchema.Sql;
            apply.ExecuteNonQuery();
        }
        using var archive = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        archive.Open();
        Assert.Equal(ArchiveFixtures.SchemaOf(reference), ArchiveFixtures.SchemaOf(archive));
        Assert.Equal(ArchiveSchema.Version, Pragma(archive, "user_version"));
        ArchiveFixtures.AssertIntegrity(path);
    }

    [Fact]
    public void The_schema_declares_the_tables_later_stages_fill()
    {
        using var reference = new SqliteConnection("Data Source=:memory:");
        reference.Open();
        using var apply = reference.CreateCommand();
        apply.CommandText = ArchiveSchema.Sql;
        apply.ExecuteNonQuery();
        var tables = ArchiveFixtures.SchemaOf(reference).Where(o => o.Type == "table").Select(o => o.Name).ToHashSet();
        foreach (var table in new[] { "pages", "captures", "bodies", "revisions", "figures", "images", "search_index", "frontier", "runs", "errors" })
            Assert.Contains(table, tables);
    }


    private static long Pragma(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA " + name;
        return (long)command.ExecuteScalar()!;
    }

    private static string PragmaText(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA " + name;
        return (string)command.ExecuteScalar()!;
    }
}
