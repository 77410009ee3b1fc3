using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Scraper.Archive;
using Scraper.Tests.Support;
using Scraper.Extraction;

namespace Scraper.Tests.Archive;

/// <summary>Hand-built captures and articles shaped like the sites' pages.</summary>
public static class ArchiveFixtures
{
    public static readonly DateTimeOffset T0 = new(2024, 3, 15, 9, 0, 0, TimeSpan.Zero);

    public static Article WuxiArticle(string url = "http://en.wuxi.gov.cn/2023-11/23/c_941797.htm") => new()
    {
        Url = url,
        Site = "en.wuxi.gov.cn",
        Extractor = "site:en.wuxi.gov.cn",
        Title = "Wuxi hosts international innovation forum",
        Subtitle = null,
        Section = "Latest",
        Published = "2023-11-23",
        Source = "en.wuxi.gov.cn",
        Byline = "By Chen Liubing and Ma Zhiping",
        Language = "en",
        Paragraphs =
        [
            "The forum opened on Thursday in Wuxi, Jiangsu province.",
            "More than 300 guests attended, and investment deals worth 12 bliion yuan were signed.",
            "微信图片 credits and CJK text are content: 无锡.",
        ],
        Figures =
        [
            new Figure("http://en.wuxi.gov.cn/images/微信图片_20240315092407.jpg", "forum", "Guests at the forum.", "Photo/WeChat account: xinwu_wx", 1),
            new Figure("http://en.wuxi.gov.cn/images/640 (3).jpg", null, "A night view of the district.", "CHINA DAILY", 3),
        ],
        Pages = 1,
    };

    /// <summary>An HTML page around the article; <paramref name="boilerplate"/> stands for the view counter and sidebar.</summary>
    public static byte[] Html(Article article, string boilerplate = "8.03K")
    {
        var html = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
            .Append(article.Title).Append("</title></head><body><div class=\"nav\">Home &gt; Latest</div><h1>")
            .Append(article.Title).Append("</h1><h2>").Append(article.Subtitle).Append("</h2><div class=\"info\">Updated: ")
            .Append(article.Published).Append(' ').Append(article.Byline).Append(" (").Append(article.Source).Append(")</div>");
        foreach (var figure in article.Figures)
            html.Append("<img src=\"").Append(figure.Src).Append("\"><p>").Append(figure.Caption).Append(" [").Append(figure.Credit).Append("]</p>");
        foreach (var paragraph in article.Paragraphs)
            html.Append("<p>").Append(paragraph).Append("</p>");
        html.Append("<div class=\"views\">").Append(boilerplate).Append("</div></body></html>");
        return Encoding.UTF8.GetBytes(html.ToString());
    }

    public static PageCapture Capture(Article article, DateTimeOffset at, string boilerplate = "8.03K", CaptureOrigin origin = CaptureOrigin.Fetch) =>
        new(new Uri(article.Url!), at, Html(article, boilerplate), origin)
        {
            HttpStatus = origin == CaptureOrigin.Fetch ? 200 : null,
            ContentType = "text/html; charset=utf-8",
            ETag = "\"" + at.ToUnixTimeSeconds() + "\"",
            LastModified = at.ToString("R"),
        };

    public static Task<ArchiveStore> OpenAsync(string path, ArchiveAccess access = ArchiveAccess.ReadWrite, TimeSpan? busyTimeout = null) =>
        ArchiveStore.OpenAsync(path, access, new ArchiveOptions(busyTimeout ?? TimeSpan.FromSeconds(5)));

    /// <summary>
    /// Turns an archive made by this build back into what a version-3 build made (everything schema version 4 added
    /// and 5 added dropped), so that the upgrade can be tested on it.
    /// </summary>
    public static void DowngradeToVersion3(string dbPath)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={dbPath};Pooling=False");
        connection.Open();
        using var downgrade = connection.CreateCommand();
        downgrade.CommandText = SchemaVersions.Undo5 + """
            ALTER TABLE pages DROP COLUMN kind;
            DROP TABLE capture_requests; DROP TABLE image_fetches;
            ALTER TABLE revisions DROP COLUMN provenance; ALTER TABLE revisions DROP COLUMN published_from;
            ALTER TABLE runs DROP COLUMN selector_misses;
            PRAGMA user_version = 3;
            """;
        downgrade.ExecuteNonQuery();
    }

    /// <summary>Every object of a database's schema (type, name, SQL), for comparing an upgraded archive with a new one.</summary>
    public static List<(string Type, string Name, string? Sql)> SchemaOf(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT type, name, sql FROM sqlite_schema ORDER BY type, name";
        using var reader = command.ExecuteReader();
        var objects = new List<(string, string, string?)>();
        while (reader.Read())
            objects.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        return objects;
    }

    public static string FileSha256(string path) => Convert.ToHexString(SHA256.HashData(System.IO.File.ReadAllBytes(path)));

    /// <summary>Opens the file with plain SQLite (not the store) and runs a scalar query.</summary>
    public static long Count(string dbPath, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={dbPath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar());
    }

    /// <summary>
    /// <c>PRAGMA integrity_check</c>, <c>foreign_key_check</c> and FTS5's own check that the search index matches
    /// the current revisions, via a separate plain SQLite connection (the store must be closed).
    /// </summary>
    public static void AssertIntegrity(string dbPath)
    {
        using var connection = new SqliteConnection($"Data Source={dbPath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", command.ExecuteScalar());
        command.CommandText = "INSERT INTO search_index (search_index) VALUES ('integrity-check')";
        command.ExecuteNonQuery();
        // The index must hold exactly the tokens of the current revisions: rebuilt from them in a temporary
        // table, token for token (term, page, column, offset) the two must agree.
        command.CommandText =
            """
            CREATE VIRTUAL TABLE temp.expected_index USING fts5 (title, text, tokenize = 'unicode61 remove_diacritics 2');
            INSERT INTO temp.expected_index (rowid, title, text) SELECT page_id, title, text FROM search_source;
            CREATE VIRTUAL TABLE temp.actual_tokens USING fts5vocab (main, search_index, instance);
            CREATE VIRTUAL TABLE temp.expected_tokens USING fts5vocab (temp, expected_index, instance);
            """;
        command.ExecuteNonQuery();
        command.CommandText =
            """
            SELECT (SELECT count(*) FROM (SELECT term, doc, col, offset FROM temp.actual_tokens
                                          EXCEPT SELECT term, doc, col, offset FROM temp.expected_tokens))
                 + (SELECT count(*) FROM (SELECT term, doc, col, offset FROM temp.expected_tokens
                                          EXCEPT SELECT term, doc, col, offset FROM temp.actual_tokens))
            """;
        Assert.Equal(0L, command.ExecuteScalar());
        command.CommandText = "PRAGMA foreign_key_check";
        using var reader = command.ExecuteReader();
        Assert.False(reader.Read(), "foreign key violations in " + dbPath);
    }
}
