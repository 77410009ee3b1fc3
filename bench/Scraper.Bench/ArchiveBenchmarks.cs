using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Scraper.Archive;
using Scraper.Extraction;

namespace Scraper.Bench;

/// <summary>
/// Storing pages: one operation is one changed page stored (new body, new capture, new revision, figures, search index
/// update) in its own transaction, so revisions/s = 1 s / mean. The search index takes the queued pages in every 256
/// pages (see ArchiveStore.SearchIndex.cs); the last ones, and the final sync, are measured with the rest. Each iteration stores 1,000 revisions (200 pages ×
/// 5 versions) into a fresh archive. <see cref="StoreRevision"/> is <c>import</c>'s path: one
/// <see cref="ArchiveStore.StorePageAsync"/> after another, hashing and compressing each body on the writing thread.
/// <see cref="StorePreparedRevision"/> is the crawler's path: <see cref="ArchiveStore.Prepare"/> on another thread (the
/// crawler's fetch workers), handed through a bounded channel to the single writer calling
/// <see cref="ArchiveStore.StorePreparedAsync"/>; its mean is the pipeline's throughput, which is the writer's as long as
/// a second core keeps the preparing ahead.
/// </summary>
public class ArchiveStoreBenchmarks
{
    // 1,000 revisions per iteration: a PostgreSQL round trip per statement makes more too long for one iteration here.
    private const int Pages = 200;
    private const int VersionsPerPage = 5;
    private (PageCapture Capture, Article Article)[] _pages = null!;
    private string _folder = null!;
    private ArchiveStore _store = null!;

    /// <summary>
    /// sqlite: synchronous = NORMAL (the default: an fsync per checkpoint and at the end); sqlite-full: FULL (an fsync per
    /// page; see <see cref="ArchiveOptions"/>); postgresql: a fresh database on the server <see cref="BenchPostgres"/>
    /// names (a commit per page, as the server is configured).
    /// </summary>
    [Params("sqlite", "sqlite-full", "postgresql")]
    public string Engine { get; set; } = "sqlite";

    [GlobalSetup]
    public void Setup()
    {
        // The seed sample's HTML (13 KB of real template) with the generated article in place of its body.
        var template = File.ReadAllText(Path.Combine(BenchPaths.Samples, "en.wuxi.gov.cn", "2023-11", "23", "c_941797.htm"));
        var news = new SyntheticNews(seed: 7);
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        _pages = new (PageCapture, Article)[Pages * VersionsPerPage];
        for (var version = 0; version < VersionsPerPage; version++)
        {
            for (var page = 0; page < Pages; page++)
            {
                var url = $"https://en.wuxi.gov.cn/2024-01/{1 + page % 28:00}/c_{100000 + page}.htm";
                var article = news.Article(url);
                var body = Encoding.UTF8.GetBytes(SyntheticNews.Render(template, article));
                var capture = new PageCapture(new Uri(url), start.AddHours(version).AddSeconds(page), body, CaptureOrigin.Fetch)
                {
                    HttpStatus = 200, ContentType = "text/html; charset=utf-8", ETag = $"\"{page}-{version}\"",
                };
                _pages[version * Pages + page] = (capture, article);
            }
        }
    }

    [IterationSetup]
    public void OpenFreshArchive()
    {
        _folder = Directory.CreateTempSubdirectory("scraper-bench-store-").FullName;
        var location = Engine == "postgresql" ? BenchPostgres.NewDatabase("scraper_bench_store") : Path.Combine(_folder, "archive.db");
        _store = ArchiveStore.OpenAsync(location, ArchiveAccess.ReadWrite, new ArchiveOptions(DurableCommits: Engine == "sqlite-full"))
            .GetAwaiter().GetResult();
    }

    [IterationCleanup]
    public void DeleteArchive()
    {
        var revisions = _store.Reader.GetStatsAsync().GetAwaiter().GetResult().Revisions;
        _store.Dispose();
        Directory.Delete(_folder, recursive: true);
        if (Engine == "postgresql")
            BenchPostgres.DropDatabase("scraper_bench_store");
        if (revisions != Pages * VersionsPerPage)
            throw new InvalidOperationException($"stored {revisions} revisions, expected {Pages * VersionsPerPage}");
    }

    [Benchmark(OperationsPerInvoke = Pages * VersionsPerPage, Baseline = true)]
    public async Task StoreRevision()
    {
        foreach (var (capture, article) in _pages)
            await _store.Captures.StorePageAsync(capture, article);
        await FinishAsync();
    }

    [Benchmark(OperationsPerInvoke = Pages * VersionsPerPage)]
    public async Task StorePreparedRevision()
    {
        // The crawler's queue between its fetch workers and its writer is unbounded; bounded here to keep memory flat.
        var prepared = Channel.CreateBounded<(PageCapture Capture, PreparedPage Page)>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });
        var preparing = Task.Run(async () =>
        {
            foreach (var (capture, article) in _pages)
                await prepared.Writer.WriteAsync((capture, CaptureWriter.Prepare(capture.Body, article)));
            prepared.Writer.Complete();
        });
        await foreach (var (capture, page) in prepared.Reader.ReadAllAsync())
            await _store.Captures.StorePreparedAsync(capture, page);
        await preparing;
        await FinishAsync();
    }

    /// <summary>What a command or crawl run does at its end, counted with the pages: the last queued pages indexed, the WAL synced.</summary>
    private async Task FinishAsync()
    {
        await _store.Search.UpdateSearchIndexAsync();
        _store.MakeDurable();
    }
}

/// <summary>
/// <c>scraper search</c> over 100,000 archived articles (about 300 words each, Zipf-distributed vocabulary):
/// one operation is one ranked query returning the top 20 with snippets. The archive is generated once into the
/// temp folder and reused by later runs. <see cref="SearchParallelism"/> 0 is the default (the pages scored in
/// ranges on one connection per processor, at most four); 1 scores them all on one connection.
/// </summary>
public class ArchiveSearchBenchmarks : RankedSearchBenchmarks
{
    private const int Articles = 100_000;
    private const string CorpusVersion = "v1";

    /// <summary>A common word, a rarer one, two words, a phrase, a prefix, a title-only word.</summary>
    [Params("investment", "semiconductor", "district enterprises", "\"foreign investment\"", "manufact*", "title:wuxi")]
    public override string Query { get; set; } = "";

    [Params(0, 1)]
    public int SearchParallelism { get; set; }

    protected override Task<ArchiveStore> OpenAsync() =>
        ArchiveStore.OpenAsync(EnsureArchive(), ArchiveAccess.ReadOnly, new ArchiveOptions(SearchParallelism: SearchParallelism));

    /// <summary>The 100,000-article archive (also exported by <see cref="ExportBenchmarks"/>), generated on first use.</summary>
    public static string EnsureArchive()
    {
        var path = Path.Combine(Path.GetTempPath(), $"scraper-bench-search-{Articles}-{CorpusVersion}.db");
        if (!IsComplete(path))
            Generate(path);
        return path;
    }

    /// <summary>The same archive on the PostgreSQL server <see cref="BenchPostgres"/> names, generated on first use.</summary>
    public static string EnsurePostgresArchive()
    {
        var name = $"scraper_bench_search_{Articles}_{CorpusVersion}";
        var location = BenchPostgres.Database(name);
        if (!BenchPostgres.Exists(name))
            BenchPostgres.NewDatabase(name);
        if (!IsComplete(location))
            Generate(location);
        return location;
    }

    private static bool IsComplete(string path)
    {
        if (!Scraper.Archive.Postgres.PostgresAddress.IsPostgres(path) && !File.Exists(path)) return false;
        try
        {
            // Writable, so that an archive generated by an older build is upgraded (as any writing command would) rather than made again.
            using var store = ArchiveStore.OpenAsync(path, ArchiveAccess.ReadWrite).GetAwaiter().GetResult();
            return store.Reader.GetStatsAsync().GetAwaiter().GetResult().ArticlePages == Articles;
        }
        catch (ArchiveException e)
        {
            Console.WriteLine($"// {path} cannot be used ({e.Message}); it is made again");
            return false;
        }
    }

    private static void Generate(string path)
    {
        if (Scraper.Archive.Postgres.PostgresAddress.IsPostgres(path))
        {
            var name = path[(path.LastIndexOf('/') + 1)..];
            BenchPostgres.DropDatabase(name);
            BenchPostgres.NewDatabase(name);
        }
        else
        {
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
                File.Delete(file);
        }
        var news = new SyntheticNews(seed: 11);
        var start = new DateTimeOffset(2015, 1, 1, 0, 0, 0, TimeSpan.Zero);
        // The real store path, one transaction per page; only the per-page fsync is skipped to make setup quicker.
        using var store = ArchiveStore.OpenAsync(path, ArchiveAccess.ReadWrite, new ArchiveOptions(DurableCommits: false)).GetAwaiter().GetResult();
        for (var i = 0; i < Articles; i++)
        {
            var url = $"https://www.wndonline.cn/{2015 + i / 10000}-{1 + i % 12:00}/{1 + i % 28:00}/c_{1000000 + i}.htm";
            var article = news.Article(url) with { Site = "wnd.gov.cn", Extractor = "site:wnd.gov.cn" };
            var body = Encoding.UTF8.GetBytes("<html><body><h1>" + article.Title + "</h1><p>" + string.Join("</p><p>", article.Paragraphs) + "</p></body></html>");
            store.Captures.StorePageAsync(new PageCapture(new Uri(url), start.AddMinutes(i), body, CaptureOrigin.Fetch), article).GetAwaiter().GetResult();
            if ((i + 1) % 10_000 == 0)
                Console.WriteLine($"// generated {i + 1:N0} of {Articles:N0} archived articles into {path}");
        }
    }
}

/// <summary>
/// <c>scraper search</c> over the same 100,000 articles on PostgreSQL (tsvector, GIN, ts_rank, ts_headline): one
/// operation is one ranked query returning the top 20 with snippets. The queries are those of
/// <see cref="ArchiveSearchBenchmarks"/> that both engines' syntaxes read alike (FTS5's prefix and column filters are not
/// PostgreSQL web-search syntax).
/// </summary>
public class PostgresSearchBenchmarks : RankedSearchBenchmarks
{
    [Params("investment", "semiconductor", "district enterprises", "\"foreign investment\"")]
    public override string Query { get; set; } = "";

    protected override Task<ArchiveStore> OpenAsync() =>
        ArchiveStore.OpenAsync(ArchiveSearchBenchmarks.EnsurePostgresArchive(), ArchiveAccess.ReadOnly);
}

/// <summary>One ranked query returning the top 20 with snippets, over an archive each engine's benchmark opens.</summary>
public abstract class RankedSearchBenchmarks
{
    private ArchiveStore _store = null!;

    public abstract string Query { get; set; }

    protected abstract Task<ArchiveStore> OpenAsync();

    [GlobalSetup]
    public void Setup()
    {
        _store = OpenAsync().GetAwaiter().GetResult();
        if (_store.Search.SearchAsync(Query).GetAwaiter().GetResult().Count == 0)
            throw new InvalidOperationException($"'{Query}' finds nothing; the benchmark would measure an empty search");
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark]
    public Task<IReadOnlyList<SearchHit>> Search() => _store.Search.SearchAsync(Query, limit: 20);
}

/// <summary>
/// Deterministic news-like articles: words drawn Zipf-style from a vocabulary whose most frequent ranks are the
/// words of the bundled samples (by their frequency there) followed by 40,000 made-up rarer words.
/// </summary>
public sealed partial class SyntheticNews
{
    private readonly Random _random;
    private readonly string[] _vocabulary;
    private readonly double[] _cumulative;

    public SyntheticNews(int seed)
    {
        _random = new Random(seed);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(BenchPaths.Samples, "*.verified.json", SearchOption.AllDirectories))
        {
            using var expected = JsonDocument.Parse(File.ReadAllText(file));
            // Only the article snapshots: the list pages' *.links.verified.json hold links, not text.
            if (expected.RootElement.ValueKind != JsonValueKind.Object || !expected.RootElement.TryGetProperty("paragraphs", out _))
                continue;
            var text = expected.RootElement.GetProperty("title").GetString() + " "
                + string.Join(" ", expected.RootElement.GetProperty("paragraphs").EnumerateArray().Select(p => p.GetString()));
            foreach (Match word in Word().Matches(text))
                counts[word.Value.ToLowerInvariant()] = counts.GetValueOrDefault(word.Value.ToLowerInvariant()) + 1;
        }
        var syllables = new[] { "ka", "lo", "mi", "ren", "tu", "sha", "vel", "dor", "qi", "an", "zu", "po", "ler", "xin", "ma" };
        var made = new HashSet<string>(StringComparer.Ordinal);
        while (made.Count < 40_000)
            made.Add(string.Concat(Enumerable.Range(0, 2 + _random.Next(3)).Select(_ => syllables[_random.Next(syllables.Length)])));
        _vocabulary = counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Key)
            .Concat(made.Where(w => !counts.ContainsKey(w)))
            .ToArray();
        _cumulative = new double[_vocabulary.Length];
        var sum = 0.0;
        for (var rank = 0; rank < _vocabulary.Length; rank++)
            _cumulative[rank] = sum += 1.0 / Math.Pow(rank + 1, 1.05);
        for (var rank = 0; rank < _cumulative.Length; rank++)
            _cumulative[rank] /= sum;
    }

    public Article Article(string url)
    {
        var paragraphs = Enumerable.Range(0, 5 + _random.Next(4)).Select(_ => Sentence(30 + _random.Next(30))).ToList();
        return new Article
        {
            Url = url,
            Site = "en.wuxi.gov.cn",
            Extractor = "site:en.wuxi.gov.cn",
            Title = Sentence(5 + _random.Next(6)).TrimEnd('.'),
            Section = "News",
            Published = "2024-01-15",
            Source = "chinadaily.com.cn",
            Language = "en",
            Paragraphs = paragraphs,
            Figures = _random.Next(2) == 0 ? [] : [new Figure($"{url}/../img_{_random.Next(100000)}.jpg", null, Sentence(10), "Photo/wnd.gov.cn", 1)],
        };
    }

    /// <summary>The template page with its article body replaced by <paramref name="article"/>.</summary>
    public static string Render(string template, Article article)
    {
        var bodyStart = template.IndexOf("<div class=\"art-content\" id=\"Content\">", StringComparison.Ordinal);
        var bodyEnd = template.IndexOf("<div class=\"art-views\">", bodyStart, StringComparison.Ordinal);
        var body = "<div class=\"art-content\" id=\"Content\">\n<p>" + string.Join("</p>\n<p>", article.Paragraphs) + "</p>\n    </div>\n    ";
        return template[..bodyStart] + body + template[bodyEnd..];
    }

    private string Sentence(int words)
    {
        var text = new StringBuilder();
        for (var i = 0; i < words; i++)
        {
            var word = _vocabulary[Rank()];
            text.Append(i == 0 ? char.ToUpperInvariant(word[0]) + word[1..] : " " + word);
        }
        return text.Append('.').ToString();
    }

    private int Rank()
    {
        var index = Array.BinarySearch(_cumulative, _random.NextDouble());
        return Math.Min(index < 0 ? ~index : index, _cumulative.Length - 1);
    }

    [GeneratedRegex("[A-Za-z]{3,}")]
    private static partial Regex Word();
}
