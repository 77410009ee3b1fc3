using Microsoft.Data.Sqlite;
using Scraper.Archive;
using Scraper.Extraction;
using Scraper.Tests.Support;

namespace Scraper.Tests.Archive;

/// <summary>Schema version 4: revisions keep where each field came from, runs count the pages whose selectors missed.</summary>
public sealed class SchemaVersion4Tests
{
    [Fact]
    public async Task A_version_3_archive_is_upgraded_in_place_and_its_revisions_and_runs_read_as_before()
    {
        using var folder = new TempFolder();
        var path = folder.File("archive.db");
        var article = ArchiveFixtures.WuxiArticle();
        long runId;
        await using (var store = await ArchiveFixtures.OpenAsync(path))
        {
            await store.StorePageAsync(ArchiveFixtures.Capture(article, DateTimeOffset.UnixEpoch), article);
            runId = (await store.BeginCrawlAsync()).RunId;
            await store.EndRunAsync(runId, "ok");
        }
        // Version 3 had neither the revisions' published_from and provenance nor the runs' selector_misses.
        using (var v3 = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            v3.Open();
            using var downgrade = v3.CreateCommand();
            downgrade.CommandText = """
                ALTER TABLE revisions DROP COLUMN provenance; ALTER TABLE revisions DROP COLUMN published_from;
                ALTER TABLE runs DROP COLUMN selector_misses;
                PRAGMA user_version = 3;
                """;
            downgrade.ExecuteNonQuery();
        }

        var refused = await Assert.ThrowsAsync<ArchiveException>(() => ArchiveFixtures.OpenAsync(path, ArchiveAccess.ReadOnly));
        Assert.Equal(ArchiveFailure.OlderSchema, refused.Failure);
        await using (var store = await ArchiveFixtures.OpenAsync(path))
        {
            // What version 3 stored reads as before, with nothing known of its provenance.
            var old = (await store.GetArticleAsync(1))!.Article;
            Assert.Equal(article.Paragraphs, old.Paragraphs);
            Assert.Null(old.PublishedFrom);
            Assert.Equal(FieldProvenance.None, old.Provenance);
            Assert.Equal(0, (await store.GetRunAsync(runId))!.Counts.SelectorMisses);

            // What version 4 stores is kept whole.
            var changed = article with
            {
                Title = "Wuxi holds international trade fair",
                PublishedFrom = "page",
                Provenance = new FieldProvenance { Title = "anatomy", Published = "selector", Body = "generic" },
            };
            await store.StorePageAsync(ArchiveFixtures.Capture(changed, DateTimeOffset.UnixEpoch.AddDays(1)), changed);
            var stored = (await store.GetArticleAsync(1))!.Article;
            Assert.Equal("page", stored.PublishedFrom);
            Assert.Equal(changed.Provenance, stored.Provenance);
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
        Assert.Equal(Schema(reference), Schema(archive));
        using (var version = archive.CreateCommand())
        {
            version.CommandText = "PRAGMA user_version";
            Assert.Equal(4L, (long)version.ExecuteScalar()!);
        }
        ArchiveFixtures.AssertIntegrity(path);
    }

    private static List<string> Schema(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_schema ORDER BY type, name";
        using var reader = command.ExecuteReader();
        var objects = new List<string>();
        while (reader.Read()) objects.Add(reader.GetString(0));
        return objects;
    }
}
