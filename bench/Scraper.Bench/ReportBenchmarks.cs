using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Scraper.Archive;
using Scraper.Watching;

namespace Scraper.Bench;

/// <summary>
/// <c>scraper report</c> over 100,000 articles: one operation reads every aggregate from the archive, diffs the most
/// revised articles' latest revisions and renders the HTML page. The archive is a copy of the search and export
/// benchmarks' one (<see cref="ArchiveSearchBenchmarks.EnsureArchive"/>), given the variety a real archive has: both
/// site families, published dates over eleven years (more each year), each article first captured hours after its
/// date, a dozen sources and five sections, a second revision for one article in 40 and a third for one in 200 (days
/// later), and 2,920 crawl runs (four a day for two years) with errors and generic fallbacks. Targets: at most 2 s, and a page of at most 2 MB (checked in the setup).
/// </summary>
[MemoryDiagnoser]
public class ReportBenchmarks
{
    private const int Articles = 100_000;
    private const int Runs = 2_920;
    private const string Version = "v2";
    private ArchiveStore _store = null!;

    [GlobalSetup]
    public void Setup()
    {
        _store = ArchiveStore.OpenAsync(EnsureArchive(), ArchiveAccess.ReadOnly).GetAwaiter().GetResult();
        var html = Report().GetAwaiter().GetResult();
        var bytes = Encoding.UTF8.GetByteCount(html);
        Console.WriteLine($"// report of {Articles:N0} articles: {bytes / 1024.0:N1} KB");
        if (bytes > 2 * 1024 * 1024)
            throw new InvalidOperationException($"the report is {bytes:N0} bytes, over the 2 MB target");
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark]
    public async Task<string> Report()
    {
        var report = await ArchiveReport.ReadAsync(_store, new ReportOptions(), DateTimeOffset.UtcNow);
        if (report.Totals.Articles != Articles || report.Runs.Count != Runs)
            throw new InvalidOperationException($"the report counts {report.Totals.Articles} articles and {report.Runs.Count} runs");
        return ArchiveReportRenderer.Render(report);
    }

    /// <summary>The report's archive, made once into the temp folder from the search benchmarks' one.</summary>
    public static string EnsureArchive()
    {
        var path = Path.Combine(Path.GetTempPath(), $"scraper-bench-report-{Articles}-{Version}.db");
        if (File.Exists(path) && RunCount(path) == Runs)
        {
            // Writable once, so that an archive made by an older build is upgraded as any writing command would.
            ArchiveStore.OpenAsync(path, ArchiveAccess.ReadWrite).GetAwaiter().GetResult().Dispose();
            return path;
        }
        var source = ArchiveSearchBenchmarks.EnsureArchive();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            File.Delete(file);
        // Through SQLite's backup, so that a WAL beside the source is taken along.
        using (var from = new SqliteConnection($"Data Source={source};Mode=ReadOnly;Pooling=False"))
        using (var to = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            from.Open();
            to.Open();
            from.BackupDatabase(to);
        }
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            """
            UPDATE pages SET site = 'en.wuxi.gov.cn' WHERE id % 3 = 0;
            -- Published over eleven years, more each year (the later of two spread days); first captured hours after.
            UPDATE revisions SET
                published = date('2014-01-01', '+' || max((page_id * 2654435761) % 4018, (page_id * 40503 + 7) % 4018) || ' days'),
                source = CASE page_id % 12 WHEN 0 THEN NULL WHEN 1 THEN 'wndonline.cn' WHEN 2 THEN 'en.wuxi.gov.cn' WHEN 3 THEN 'Xinhua'
                         WHEN 4 THEN 'China Daily' WHEN 5 THEN 'Jiangsu Daily' WHEN 6 THEN 'Wuxi Daily' WHEN 7 THEN 'wuxinews.com.cn'
                         ELSE 'chinadaily.com.cn' END,
                section = CASE page_id % 5 WHEN 0 THEN 'News' WHEN 1 THEN 'Biz Updates' WHEN 2 THEN 'Culture & Tourism'
                          WHEN 3 THEN 'Latest' ELSE 'Overview' END;
            UPDATE revisions SET first_seen = strftime('%Y-%m-%dT%H:%M:%fZ', published, '+' || (6 + page_id % 48) || ' hours');
            UPDATE captures SET captured_at = r.first_seen FROM revisions r WHERE r.capture_id = captures.id;
            UPDATE pages SET first_seen = (SELECT first_seen FROM revisions WHERE page_id = pages.id),
                             last_changed_at = (SELECT first_seen FROM revisions WHERE page_id = pages.id);
            INSERT INTO revisions (page_id, number, content_sha256, extractor, capture_id, first_seen, created_at,
                                   title, subtitle, section, published, source, byline, language, paragraphs, pages)
            SELECT r.page_id, k.number, r.content_sha256 || '-' || k.number, r.extractor, r.capture_id,
                   strftime('%Y-%m-%dT%H:%M:%fZ', r.first_seen, '+' || (k.number * 3 + r.page_id % 5) || ' days'), r.created_at,
                   r.title || CASE k.number WHEN 2 THEN ' (updated)' ELSE ' (corrected)' END, r.subtitle, r.section, r.published, r.source,
                   r.byline, r.language, json_insert(r.paragraphs, '$[#]', 'A paragraph added in revision ' || k.number || '.'), r.pages
            FROM revisions r JOIN (SELECT 2 AS number UNION ALL SELECT 3) k
            WHERE r.number = 1 AND (k.number = 2 AND r.page_id % 40 = 0 OR k.number = 3 AND r.page_id % 200 = 0);
            INSERT INTO figures (revision_id, ordinal, src, alt, caption, credit, position)
            SELECT later.id, f.ordinal, f.src, f.alt, f.caption, f.credit, f.position
            FROM revisions later JOIN revisions first ON first.page_id = later.page_id AND first.number = 1
            JOIN figures f ON f.revision_id = first.id
            WHERE later.number > 1;
            UPDATE pages SET latest_revision_id = (SELECT max(id) FROM revisions WHERE page_id = pages.id),
                             last_changed_at = (SELECT max(first_seen) FROM revisions WHERE page_id = pages.id)
            WHERE id % 40 = 0;
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < 2920)
            INSERT INTO runs (started_at, ended_at, status, discovered, fetched, unchanged, new_pages, new_revisions, errors, generic_fallbacks)
            SELECT strftime('%Y-%m-%dT%H:%M:%fZ', '2023-01-01', '+' || (i * 6) || ' hours'),
                   strftime('%Y-%m-%dT%H:%M:%fZ', '2023-01-01', '+' || (i * 6) || ' hours', '+9 minutes'),
                   CASE WHEN i % 97 = 0 THEN 'failed' WHEN i % 13 = 0 THEN 'partial' WHEN i % 211 = 0 THEN 'interrupted' ELSE 'ok' END,
                   40 + i % 17, 300 + i % 50, 280 + i % 40, i % 9, i % 4,
                   CASE WHEN i % 97 = 0 THEN 40 WHEN i % 13 = 0 THEN 1 + i % 5 ELSE 0 END,
                   CASE WHEN i BETWEEN 1500 AND 1600 THEN 20 + i % 30 ELSE i % 23 / 20 END
            FROM n;
            """;
        command.ExecuteNonQuery();
        transaction.Commit();
        Console.WriteLine($"// made the report benchmark's archive {path}");
        return path;
    }

    private static long RunCount(string path)
    {
        try
        {
            using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM runs";
            return (long)command.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            return -1;
        }
    }
}
