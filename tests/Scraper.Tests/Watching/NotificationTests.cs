using System.Text.Json;
using Microsoft.Data.Sqlite;
using Scraper.Archive;
using Scraper.Cli;
using Scraper.Crawling;
using Scraper.Extraction;
using Scraper.Tests.Support;
using Scraper.Watching;
using static Scraper.Tests.Archive.ArchiveFixtures;

namespace Scraper.Tests.Watching;

/// <summary>
/// <c>crawl --notify</c>: real crawls of a loopback copy of en.wuxi.gov.cn telling a webhook receiver on 127.0.0.1 what
/// they found, and the notifier's retries against scripted answers.
/// </summary>
public sealed class NotificationTests : IAsyncLifetime
{
    private const string EditedPath = "/2023-11/23/c_941797.htm";
    private readonly TempFolder _temp = new();
    private LoopbackSite _site = null!;
    private WebhookReceiver _receiver = null!;

    private string Db => _temp.File("archive.db");

    public async Task InitializeAsync()
    {
        _site = await LoopbackSite.StartAsync(RepoPaths.Samples, "en.wuxi.gov.cn");
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _site.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private Task<CliResult> CrawlAsync(params string[] more) => CliRunner.RunAsync(
    [
        "crawl", "--start", _site.Url("/bizupdates.html").AbsoluteUri, "--site", "en.wuxi.gov.cn", "--delay", "0",
        "--db", Db, "--quiet", .. more,
    ]);

    private static string EditedArticle()
    {
        var html = File.ReadAllText(Path.Combine(RepoPaths.Samples, "en.wuxi.gov.cn", "2023-11", "23", "c_941797.htm"));
        return html.Replace("nearly 400 Japanese enterprises", "more than 400 Japanese enterprises");
    }

    [Fact]
    public async Task Each_run_that_found_articles_posts_one_document_to_each_webhook()
    {
        var first = await CrawlAsync("--notify", _receiver.Url().AbsoluteUri, "--notify", _receiver.Url("/second").AbsoluteUri);
        Assert.True(first.ExitCode == ExitCodes.Ok, first.Error);
        Assert.Equal("", first.Error);
        var posts = _receiver.Posts;
        Assert.Equal(["/services/T000/B000/s3cr3t", "/second"], posts.Select(p => p.Path));
        Assert.All(posts, p => Assert.Equal(("POST", "application/json; charset=utf-8"), (p.Method, p.ContentType)));
        Assert.All(posts, p => Assert.StartsWith("scraper", p.UserAgent));
        Assert.Equal(posts[0].Body, posts[1].Body);

        using (var json = JsonDocument.Parse(posts[0].Body))
        {
            var root = json.RootElement;
            Assert.Equal("scraper.run.changes", root.GetProperty("event").GetString());
            var run = root.GetProperty("run");
            Assert.Equal(1, run.GetProperty("run").GetInt64());
            Assert.Equal("ok", run.GetProperty("status").GetString());
            var newPages = run.GetProperty("new_pages").GetInt32();
            Assert.True(newPages >= 5, posts[0].Body);
            Assert.NotNull(run.GetProperty("ended_at").GetString());
            Assert.Equal(newPages, root.GetProperty("new_articles").GetInt32());
            Assert.Equal(0, root.GetProperty("changed_articles").GetInt32());
            Assert.Equal($"run 1 (ok) found {newPages} new articles", root.GetProperty("summary").GetString());
            var articles = root.GetProperty("articles").EnumerateArray().ToList();
            Assert.Equal(newPages, articles.Count);
            Assert.Equal(0, root.GetProperty("articles_left_out").GetInt32());
            Assert.All(articles, a =>
            {
                Assert.Equal("new", a.GetProperty("kind").GetString());
                Assert.Equal("new article", a.GetProperty("summary").GetString());
                Assert.Equal(1, a.GetProperty("revision").GetInt32());
                Assert.Equal(JsonValueKind.Null, a.GetProperty("previous_revision").ValueKind);
                Assert.StartsWith(_site.BaseUri.AbsoluteUri, a.GetProperty("url").GetString());
                Assert.False(string.IsNullOrEmpty(a.GetProperty("title").GetString()));
            });
            // Exactly the articles the archive lists.
            var listed = await CliRunner.RunAsync("list", "--db", Db, "--format", "json");
            using var list = JsonDocument.Parse(listed.Out);
            Assert.Equal(list.RootElement.EnumerateArray().Select(p => p.GetProperty("url").GetString()).Order(),
                articles.Select(a => a.GetProperty("url").GetString()).Order());
        }

        // A run that finds nothing new tells nobody.
        var quiet = await CrawlAsync("--revisit", "all", "--notify", _receiver.Url().AbsoluteUri);
        Assert.True(quiet.ExitCode == ExitCodes.Ok, quiet.Error);
        Assert.Equal(2, _receiver.Posts.Count);

        // A correction, told in Slack's format.
        _site.On(EditedPath, LoopbackResponse.Html(EditedArticle()));
        var third = await CrawlAsync("--revisit", "all", "--notify", _receiver.Url().AbsoluteUri, "--notify-format", "slack");
        Assert.True(third.ExitCode == ExitCodes.Ok, third.Error);
        var slack = Assert.Single(_receiver.Posts.Skip(2));
        using (var json = JsonDocument.Parse(slack.Body))
        {
            var property = Assert.Single(json.RootElement.EnumerateObject().ToList());
            Assert.Equal("text", property.Name);
            var lines = property.Value.GetString()!.Split('\n');
            Assert.Equal("scraper: run 3 (ok) found 1 changed article", lines[0]);
            var url = _site.Url(EditedPath).AbsoluteUri;
            Assert.Matches($"^• <{System.Text.RegularExpressions.Regex.Escape(url)}\\|[^|>]+>: 1 paragraph changed \\(revision 2\\) · en\\.wuxi\\.gov\\.cn$", lines[1]);
            Assert.Equal(2, lines.Length);
        }
    }

    [Fact]
    public async Task A_failed_notification_is_a_recorded_error_that_changes_neither_the_archive_nor_the_exit_code()
    {
        _receiver.Answer(410);
        var crawl = await CrawlAsync("--notify", _receiver.Url().AbsoluteUri, "--format", "json");
        Assert.True(crawl.ExitCode == ExitCodes.Ok, crawl.Error);
        var redacted = $"http://127.0.0.1:{_receiver.Port}/…";
        Assert.Equal($"scraper: notification (json) to {redacted} failed after 1 attempt: HTTP 410 Gone; recorded in the errors of run 1\n", crawl.Error);
        Assert.Single(_receiver.Posts);
        using (var summary = JsonDocument.Parse(crawl.Out))
            Assert.Equal("ok", summary.RootElement.GetProperty("status").GetString());

        var errors = await CliRunner.RunAsync("errors", "--db", Db, "--format", "json");
        using (var json = JsonDocument.Parse(errors.Out))
        {
            var error = Assert.Single(json.RootElement.GetProperty("errors").EnumerateArray().ToList());
            Assert.Equal("notify", error.GetProperty("kind").GetString());
            Assert.Equal(redacted, error.GetProperty("url").GetString());
            Assert.Contains("HTTP 410 Gone", error.GetProperty("message").GetString());
            Assert.Equal("ok", json.RootElement.GetProperty("run").GetProperty("status").GetString());
        }
        // The webhook's secret path is nowhere in the archive; every article is.
        Assert.Equal(0, Count(Db, "SELECT count(*) FROM errors WHERE url LIKE '%s3cr3t%' OR message LIKE '%s3cr3t%'"));
        var posted = JsonDocument.Parse(_receiver.Posts[0].Body).RootElement.GetProperty("articles").GetArrayLength();
        Assert.Equal(posted, Count(Db, "SELECT count(*) FROM pages WHERE latest_revision_id IS NOT NULL"));
    }

    [Theory]
    [InlineData("ftp://example.org/hook", "--notify 'ftp://example.org/hook' is not an http(s) URL")]
    [InlineData("hooks/local", "--notify 'hooks/local' is not an http(s) URL")]
    public async Task A_bad_webhook_url_is_a_usage_error_before_anything_is_crawled(string url, string message)
    {
        var crawl = await CrawlAsync("--notify", url);
        Assert.Equal(ExitCodes.Usage, crawl.ExitCode);
        Assert.Equal($"scraper: {message}\n", crawl.Error);
        Assert.Empty(_site.Requests);
    }

    // ---- the notifier on its own ----

    /// <summary>An archive with one run that found <paramref name="articles"/> new articles and one corrected one.</summary>
    private async Task<long> RunWithChangesAsync(IEnumerable<Article> articles)
    {
        await using var store = await OpenAsync(Db);
        var original = WuxiArticle();
        await store.Captures.StorePageAsync(Capture(original, T0), original);
        var run = await store.Frontier.BeginCrawlAsync();
        var at = T0.AddHours(1);
        var corrected = original with { Title = "Wuxi hosts <international> innovation forum & fair | 2024" };
        await store.Captures.StorePageAsync(Capture(corrected, at) with { RunId = run.RunId }, corrected);
        foreach (var article in articles)
        {
            at = at.AddMinutes(1);
            await store.Captures.StorePageAsync(Capture(article, at) with { RunId = run.RunId }, article);
        }
        await store.Frontier.EndRunAsync(run.RunId, "ok");
        return run.RunId;
    }

    private static IEnumerable<Article> NewArticles(int count) =>
        Enumerable.Range(0, count).Select(i => WuxiArticle($"https://en.wuxi.gov.cn/2024-03/15/c_90000{i}.htm") with { Title = $"Article {i}" });

    private static NotifyOptions Fast => new(BaseDelay: TimeSpan.FromMilliseconds(200), MaxDelay: TimeSpan.FromSeconds(5));

    [Fact]
    public async Task Transient_failures_are_tried_again_with_backoff_and_retry_after()
    {
        var runId = await RunWithChangesAsync(NewArticles(1));
        _receiver.Answer((500, null), (503, "1"), (200, null));
        using var notifier = new RunNotifier([new NotificationTarget(_receiver.Url(), NotificationFormat.Json)], Fast);
        await using var store = await OpenAsync(Db);
        var outcome = Assert.Single(await notifier.NotifyAsync(store, runId));
        Assert.True(outcome.Delivered, outcome.Error);
        Assert.Equal(3, outcome.Attempts);
        var posts = _receiver.Posts;
        Assert.Equal(3, posts.Count);
        Assert.All(posts, p => Assert.Equal(posts[0].Body, p.Body));
        // 200 ms ± 20% after the 500; the second wait is the receiver's Retry-After of one second.
        Assert.True(posts[1].At - posts[0].At >= TimeSpan.FromMilliseconds(150), $"{posts[1].At - posts[0].At}");
        Assert.True(posts[2].At - posts[1].At >= TimeSpan.FromMilliseconds(950), $"{posts[2].At - posts[1].At}");
        Assert.Equal(0, Count(Db, "SELECT count(*) FROM errors"));
    }

    [Fact]
    public async Task A_final_status_is_not_tried_again_and_an_unreachable_receiver_is_tried_max_attempts_times()
    {
        var runId = await RunWithChangesAsync(NewArticles(1));
        _receiver.Answer(400);
        await using var unreachable = await WebhookReceiver.StartAsync();
        var closed = unreachable.Url("/hook");
        await unreachable.DisposeAsync();

        using var notifier = new RunNotifier(
            [new NotificationTarget(_receiver.Url(), NotificationFormat.Json), new NotificationTarget(closed, NotificationFormat.Slack)],
            Fast with { MaxAttempts = 3 });
        await using (var store = await OpenAsync(Db))
        {
            var outcomes = await notifier.NotifyAsync(store, runId);
            Assert.Equal([1, 3], outcomes.Select(o => o.Attempts));
            Assert.All(outcomes, o => Assert.False(o.Delivered));
            Assert.Contains("failed after 1 attempt: HTTP 400 Bad Request", outcomes[0].Error);
            Assert.Matches("^notification \\(slack\\) to http://127\\.0\\.0\\.1:\\d+/… failed after 3 attempts: .*[Cc]onnection refused", outcomes[1].Error);
            var run = (await store.Runs.GetRunAsync(runId))!;
            Assert.Equal("ok", run.Status);
            Assert.Equal(2, run.Counts.Errors);
        }
        Assert.Single(_receiver.Posts);
        Assert.Equal(2, Count(Db, $"SELECT count(*) FROM errors WHERE run_id = {runId} AND kind = 'notify' AND url LIKE 'http://127.0.0.1:%/…'"));
    }

    [Fact]
    public async Task Payloads_list_each_change_escape_slack_markup_and_count_what_they_leave_out()
    {
        var runId = await RunWithChangesAsync(NewArticles(3));
        await using var store = await OpenAsync(Db, ArchiveAccess.ReadOnly);
        var report = (await RunReport.ReadAsync(store, runId))!;
        Assert.Equal(3, report.NewArticles);
        Assert.Equal(1, report.ChangedArticles);

        using (var json = JsonDocument.Parse(report.ToJson(maxArticles: 2)))
        {
            var articles = json.RootElement.GetProperty("articles").EnumerateArray().ToList();
            Assert.Equal(2, articles.Count);
            Assert.Equal(2, json.RootElement.GetProperty("articles_left_out").GetInt32());
            var changed = articles[0];
            Assert.Equal("changed", changed.GetProperty("kind").GetString());
            Assert.Equal(2, changed.GetProperty("revision").GetInt32());
            Assert.Equal(1, changed.GetProperty("previous_revision").GetInt32());
            Assert.Equal("title changed", changed.GetProperty("summary").GetString());
            Assert.Equal("Wuxi hosts <international> innovation forum & fair | 2024", changed.GetProperty("title").GetString());
            Assert.Equal("en.wuxi.gov.cn", changed.GetProperty("site").GetString());
            Assert.Equal("2024-03-15T10:00:00.000Z", changed.GetProperty("seen_at").GetString());
            Assert.Equal("Article 0", articles[1].GetProperty("title").GetString());
        }
        using (var slack = JsonDocument.Parse(report.ToSlack(maxArticles: 2)))
        {
            var lines = slack.RootElement.GetProperty("text").GetString()!.Split('\n');
            Assert.Equal(
            [
                "scraper: run 1 (ok) found 3 new articles and 1 changed article",
                "• <http://en.wuxi.gov.cn/2023-11/23/c_941797.htm|Wuxi hosts &lt;international&gt; innovation forum &amp; fair ¦ 2024>: title changed (revision 2) · en.wuxi.gov.cn",
                "• <https://en.wuxi.gov.cn/2024-03/15/c_900000.htm|Article 0>: new article · en.wuxi.gov.cn",
                "… and 2 more (scraper changes lists them all)",
            ], lines);
        }
        // A run that found nothing has no report; neither has a run that never happened.
        Assert.Null(await RunReport.ReadAsync(store, 99));
    }

    [Fact]
    public void Webhook_urls_are_shown_without_their_secret_path()
    {
        Assert.Equal("https://hooks.slack.com/…", NotificationTarget.Parse("https://hooks.slack.com/services/T0/B0/XyZ?x=1", NotificationFormat.Slack).Redacted);
        Assert.Equal("http://127.0.0.1:8080/", NotificationTarget.Parse("http://127.0.0.1:8080/", NotificationFormat.Json).Redacted);
        Assert.Throws<ArgumentException>(() => NotificationTarget.Parse("mailto:a@example.org", NotificationFormat.Json));
    }
}
