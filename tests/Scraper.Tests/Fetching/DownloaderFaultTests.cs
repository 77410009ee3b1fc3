using System.Diagnostics;
using Scraper.Fetching;
using Scraper.Tests.Support;
using static Scraper.Tests.Fetching.FetchTestKit;

namespace Scraper.Tests.Fetching;

/// <summary>The downloader against a real Kestrel server with faults on chosen paths.</summary>
public sealed class DownloaderFaultTests
{
    private const string ArticlePath = "/2023-11/23/c_941797.htm";

    [Fact]
    public async Task A_page_is_fetched_with_an_identifiable_user_agent()
    {
        await using var site = await StartSiteAsync();
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions());

        var result = await downloader.FetchAsync(new FetchRequest(site.Url(ArticlePath)), CancellationToken.None);

        Assert.True(result.IsSuccess, result.ErrorMessage);
        Assert.Equal(200, result.StatusCode);
        Assert.True(result.IsHtml);
        Assert.Contains("The expo opened on Thursday.", result.DecodeText());
        Assert.Equal(site.Url(ArticlePath), result.FinalUrl);
        Assert.Equal(1, result.Attempts);
        Assert.NotNull(result.ETag);
        Assert.NotNull(result.LastModified);
        var request = Assert.Single(site.RequestsTo(ArticlePath));
        Assert.Equal(FetchOptions.DefaultUserAgent, request.UserAgent);
        Assert.Contains("+https://github.com/wuxi-archive/scraper", request.UserAgent);
        Assert.StartsWith("text/html", request.Headers["Accept"]);
    }

    [Fact]
    public async Task A_500_then_success_is_retried_and_succeeds()
    {
        await using var site = await StartSiteAsync();
        site.On(ArticlePath, LoopbackResponse.Status(500), LoopbackResponse.FromFolder);
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions());

        var result = await downloader.FetchAsync(new FetchRequest(site.Url(ArticlePath)), CancellationToken.None);

        Assert.True(result.IsSuccess, result.ErrorMessage);
        Assert.Equal(2, result.Attempts);
        Assert.Equal(2, site.RequestsTo(ArticlePath).Count);
    }

    [Fact]
    public async Task A_persistent_500_is_recorded_after_the_last_attempt()
    {
        await using var site = await StartSiteAsync();
        site.On(ArticlePath, LoopbackResponse.Status(500));
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions(maxAttempts: 3));

        var result = await downloader.FetchAsync(new FetchRequest(site.Url(ArticlePath)), CancellationToken.None);

        Assert.Equal(FetchErrorKind.HttpStatus, result.Error);
        Assert.Equal(500, result.StatusCode);
        Assert.Equal(3, result.Attempts);
        Assert.Equal("HTTP 500 Internal Server Error (after 3 attempts)", result.ErrorMessage);
        Assert.Equal(3, site.RequestsTo(ArticlePath).Count);
    }

    [Fact]
    public async Task A_404_is_recorded_without_retrying()
    {
        await using var site = await StartSiteAsync();
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions());

        var result = await downloader.FetchAsync(new FetchRequest(site.Url("/missing.htm")), CancellationToken.None);

        Assert.Equal(FetchErrorKind.HttpStatus, result.Error);
        Assert.Equal(404, result.StatusCode);
        Assert.Equal(1, result.Attempts);
        Assert.Equal("HTTP 404 Not Found", result.ErrorMessage);
    }

    [Fact]
    public async Task A_connection_reset_is_retried()
    {
        await using var site = await StartSiteAsync();
        site.On(ArticlePath, LoopbackResponse.Reset(), LoopbackResponse.Reset(afterBodyBytes: 500), LoopbackResponse.FromFolder);
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions());

        var result = await downloader.FetchAsync(new FetchRequest(site.Url(ArticlePath)), CancellationToken.None);

        Assert.True(result.IsSuccess, result.ErrorMessage);
        Assert.Equal(3, result.Attempts);
        Assert.Contains("The expo opened", result.DecodeText());
    }

    [Fact]
    public async Task Resets_on_every_attempt_are_recorded_as_a_reset()
    {
        await using var site = await StartSiteAsync();
        site.On(ArticlePath, LoopbackResponse.Reset());
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions(maxAttempts: 2));

        var result = await downloader.FetchAsync(new FetchRequest(site.Url(ArticlePath)), CancellationToken.None);

        Assert.Equal(FetchErrorKind.ConnectionReset, result.Error);
        Assert.Null(result.StatusCode);
        Assert.Equal(2, result.Attempts);
        Assert.StartsWith("connection reset", result.ErrorMessage);
        Assert.DoesNotContain('\n', result.ErrorMessage!);
        Assert.EndsWith("(after 2 attempts)", result.ErrorMessage);
    }

    [Fact]
    public async Task A_slow_response_times_out_and_the_retry_succeeds()
    {
        var clock = new RecordingClock();
        await using var site = await StartSiteAsync();
        site.On(ArticlePath, LoopbackResponse.Slow(TimeSpan.FromMinutes(10)), LoopbackResponse.FromFolder);
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions(attemptTimeout: TimeSpan.FromMilliseconds(300)), clock);

        var fetch = downloader.FetchAsync(new FetchRequest(site.Url(ArticlePath)), CancellationToken.None);
        // The server holds the request: 300 ms later on the downloader's clock the attempt gives up.
        await WaitForRequestsAsync(site, ArticlePath, 1, fetch);
        clock.Advance(TimeSpan.FromMilliseconds(300));
        var backoff = await clock.NextTimerAsync(due => due <= TimeSpan.FromMilliseconds(50), fetch);
        Assert.True(backoff is not null, "no backoff before the retry");
        clock.Advance(backoff.Due);

        var result = await fetch.WaitAsync(RecordingClock.Patience);
        Assert.True(result.IsSuccess, result.ErrorMessage);
        Assert.Equal(2, result.Attempts);
        Assert.Equal(TimeSpan.FromMilliseconds(300) + backoff.Due, result.Elapsed);
    }

    [Fact]
    public async Task A_response_slower_than_every_attempt_is_recorded_as_a_timeout()
    {
        var clock = new RecordingClock();
        await using var site = await StartSiteAsync();
        site.On(ArticlePath, LoopbackResponse.Slow(TimeSpan.FromMinutes(10)));
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions(attemptTimeout: TimeSpan.FromMilliseconds(200), maxAttempts: 2), clock);

        var fetch = downloader.FetchAsync(new FetchRequest(site.Url(ArticlePath)), CancellationToken.None);
        await WaitForRequestsAsync(site, ArticlePath, 1, fetch);
        clock.Advance(TimeSpan.FromMilliseconds(200));
        var backoff = await clock.NextTimerAsync(due => due <= TimeSpan.FromMilliseconds(50), fetch);
        Assert.True(backoff is not null, "no backoff before the retry");
        clock.Advance(backoff.Due);
        await WaitForRequestsAsync(site, ArticlePath, 2, fetch);
        clock.Advance(TimeSpan.FromMilliseconds(200));

        var result = await fetch.WaitAsync(RecordingClock.Patience);
        Assert.Equal(FetchErrorKind.Timeout, result.Error);
        Assert.Equal(2, result.Attempts);
        Assert.Equal("timeout: no complete answer within 0.2 s (after 2 attempts)", result.ErrorMessage);
        Assert.Equal(2, site.RequestsTo(ArticlePath).Count);
        Assert.Equal(TimeSpan.FromMilliseconds(400) + backoff.Due, result.Elapsed);
    }

    /// <summary>Waits (real time, bounded) until the server has seen <paramref name="count"/> requests to the path.</summary>
    private static async Task WaitForRequestsAsync(LoopbackSite site, string path, int count, Task fetch)
    {
        var waited = Stopwatch.StartNew();
        while (site.RequestsTo(path).Count < count)
        {
            Assert.False(fetch.IsCompleted, $"the fetch ended after {site.RequestsTo(path).Count} of {count} requests to {path}");
            Assert.True(waited.Elapsed < RecordingClock.Patience, $"{path} was not requested {count} times");
            await Task.Delay(10);
        }
    }

    /// <summary>Runs a fetch on a fake clock, moving the clock to each wait it asks for; a request's timeout never fires.</summary>
    private static Task<T> DriveAsync<T>(RecordingClock clock, Downloader downloader, Task<T> fetch) =>
        clock.DriveAsync(fetch, ignore: due => due == downloader.Options.AttemptTimeout);

    [Fact]
    public async Task Cancelling_the_caller_throws_instead_of_recording_a_timeout()
    {
        await using var site = await StartSiteAsync();
        site.On(ArticlePath, LoopbackResponse.Slow(TimeSpan.FromMinutes(10)));
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions());
        using var cancel = new CancellationTokenSource();

        var fetch = downloader.FetchAsync(new FetchRequest(site.Url(ArticlePath)), cancel.Token);
        // Cancel once the server holds the request (robots.txt comes first, and a cold start can take a while),
        // so the cancellation lands in the middle of the slow response, never before the request is sent.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (site.RequestsTo(ArticlePath).Count == 0 && waited.Elapsed < TimeSpan.FromSeconds(8))
            await Task.Delay(10);
        Assert.Single(site.RequestsTo(ArticlePath));
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetch);
        Assert.Single(site.RequestsTo(ArticlePath));
    }

    [Fact]
    public async Task A_429_waits_for_its_retry_after_before_the_retry()
    {
        var clock = new RecordingClock();
        await using var site = await StartSiteAsync();
        site.Clock = clock;
        site.On(ArticlePath, LoopbackResponse.Status(429, retryAfter: "1"), LoopbackResponse.FromFolder);
        using var source = new HttpPageSource();
        // The computed backoff is capped at 50 ms: a wait of one second can only come from Retry-After.
        var downloader = new Downloader(source, FastOptions(), clock);

        var result = await DriveAsync(clock, downloader,
            downloader.FetchAsync(new FetchRequest(site.Url(ArticlePath)), CancellationToken.None));

        Assert.True(result.IsSuccess, result.ErrorMessage);
        Assert.Equal(2, result.Attempts);
        Assert.Equal(TimeSpan.FromSeconds(1), Assert.Single(Gaps(site.RequestsTo(ArticlePath))));
        Assert.Equal(TimeSpan.FromSeconds(1), result.Elapsed);
    }

    [Fact]
    public async Task A_503_retry_after_as_an_http_date_is_honoured()
    {
        var clock = new RecordingClock();
        await using var site = await StartSiteAsync();
        site.Clock = clock;
        var date = clock.GetUtcNow().AddSeconds(3).ToString("r");
        site.On(ArticlePath, LoopbackResponse.Status(503, retryAfter: date), LoopbackResponse.FromFolder);
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions(), clock);

        var result = await DriveAsync(clock, downloader,
            downloader.FetchAsync(new FetchRequest(site.Url(ArticlePath)), CancellationToken.None));

        Assert.True(result.IsSuccess, result.ErrorMessage);
        // The clock starts on a whole second and stands still while the request is answered: the date is 3 s away.
        Assert.Equal(TimeSpan.FromSeconds(3), Assert.Single(Gaps(site.RequestsTo(ArticlePath))));
    }

    [Fact]
    public async Task A_retry_after_beyond_the_cap_waits_only_for_the_cap()
    {
        var clock = new RecordingClock();
        await using var site = await StartSiteAsync();
        site.Clock = clock;
        site.On(ArticlePath, LoopbackResponse.Status(429, retryAfter: "3600"));
        using var source = new HttpPageSource();
        var options = FastOptions(maxAttempts: 2) with
        {
            Retry = FastOptions().Retry with { MaxAttempts = 2, MaxRetryAfter = TimeSpan.FromMilliseconds(300) },
        };
        var downloader = new Downloader(source, options, clock);

        var result = await DriveAsync(clock, downloader,
            downloader.FetchAsync(new FetchRequest(site.Url(ArticlePath)), CancellationToken.None));

        Assert.Equal(FetchErrorKind.HttpStatus, result.Error);
        Assert.Equal(429, result.StatusCode);
        Assert.Equal(TimeSpan.FromHours(1), result.RetryAfter);
        Assert.Equal(TimeSpan.FromMilliseconds(300), Assert.Single(Gaps(site.RequestsTo(ArticlePath))));
    }

    [Fact]
    public async Task A_refused_connection_is_recorded_as_a_connection_failure()
    {
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions(maxAttempts: 2));
        var url = new Uri($"http://127.0.0.1:{ClosedPort()}/page.htm");

        var result = await downloader.FetchAsync(new FetchRequest(url), CancellationToken.None);

        // robots.txt is unreachable too, and an unreachable robots.txt closes the host for the run.
        Assert.Equal(FetchErrorKind.RobotsUnreachable, result.Error);
        Assert.StartsWith("not fetched: robots.txt unreachable: connection failed", result.ErrorMessage);
        Assert.EndsWith("; the host is closed for this run", result.ErrorMessage);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_cut_at_the_limit_and_recorded()
    {
        await using var site = await StartSiteAsync();
        site.On("/huge.htm", LoopbackResponse.Large(20 * 1024 * 1024));
        site.On("/huge-chunked.htm", LoopbackResponse.Large(20 * 1024 * 1024, announceLength: false));
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions());
        Assert.Equal(10 * 1024 * 1024, downloader.Options.MaxBodyBytes);

        foreach (var path in new[] { "/huge.htm", "/huge-chunked.htm" })
        {
            var result = await downloader.FetchAsync(new FetchRequest(site.Url(path)), CancellationToken.None);

            Assert.Equal(FetchErrorKind.TooLarge, result.Error);
            Assert.False(result.IsSuccess);
            Assert.True(result.Truncated);
            Assert.Equal(10 * 1024 * 1024, result.Body.Length);
            Assert.Equal(1, result.Attempts);
            Assert.Equal("body larger than the 10,485,760-byte limit; kept the first 10,485,760 bytes", result.ErrorMessage);
        }
    }

    [Fact]
    public async Task A_gzip_body_is_decompressed_and_the_limit_applies_to_the_decompressed_size()
    {
        await using var site = await StartSiteAsync();
        var page = System.Text.Encoding.UTF8.GetBytes(Page("Compressed", "Sent with gzip."));
        site.On("/gzip.htm", LoopbackResponse.Gzip(page, "text/html; charset=utf-8"));
        // 20 MB of zeros compress to about 20 KB: a cap on the wire size would let it through.
        site.On("/bomb.htm", LoopbackResponse.Gzip(new byte[20 * 1024 * 1024], "text/html"));
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions());

        var small = await downloader.FetchAsync(new FetchRequest(site.Url("/gzip.htm")), CancellationToken.None);
        var bomb = await downloader.FetchAsync(new FetchRequest(site.Url("/bomb.htm")), CancellationToken.None);

        Assert.Equal(page, small.Body);
        Assert.Contains("gzip", site.RequestsTo("/gzip.htm").Single().Headers["Accept-Encoding"]);
        Assert.Equal(FetchErrorKind.TooLarge, bomb.Error);
        Assert.Equal(10 * 1024 * 1024, bomb.Body.Length);
    }

    [Fact]
    public async Task A_body_exactly_at_the_limit_is_kept_whole()
    {
        await using var site = await StartSiteAsync();
        site.On("/exact.htm", LoopbackResponse.Large(4096, announceLength: false));
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions() with { MaxBodyBytes = 4096 });

        var result = await downloader.FetchAsync(new FetchRequest(site.Url("/exact.htm")), CancellationToken.None);

        Assert.True(result.IsSuccess, result.ErrorMessage);
        Assert.False(result.Truncated);
        Assert.Equal(4096, result.Body.Length);
    }

    [Fact]
    public async Task An_image_served_as_text_html_is_rejected_and_a_real_image_accepted()
    {
        await using var site = await StartSiteAsync();
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4];
        site.On("/images/fake.png", LoopbackResponse.Content(png, "text/html"));
        site.On("/images/real.png", LoopbackResponse.Content(png, "image/png"));
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions());

        var fake = await downloader.FetchAsync(
            new FetchRequest(site.Url("/images/fake.png")) { Kind = FetchContentKind.Image }, CancellationToken.None);
        var real = await downloader.FetchAsync(
            new FetchRequest(site.Url("/images/real.png")) { Kind = FetchContentKind.Image }, CancellationToken.None);

        Assert.Equal(FetchErrorKind.UnexpectedContentType, fake.Error);
        Assert.Equal("expected an image, got text/html", fake.ErrorMessage);
        Assert.True(real.IsSuccess, real.ErrorMessage);
        Assert.Equal(png, real.Body);
        Assert.False(real.IsHtml);
        Assert.StartsWith("image/", site.RequestsTo("/images/real.png").Single().Headers["Accept"]);
    }

    [Fact]
    public async Task A_gbk_page_decodes_to_the_right_chinese_text()
    {
        await using var site = await StartSiteAsync();
        var gbk = CharsetDecoder.ForLabel("gbk")!;
        const string text = "无锡高新区举办招商推介会，签约项目二十个。";
        site.On("/doc/gbk-header.shtml", LoopbackResponse.Content(
            gbk.GetBytes($"<html><head><title>新闻</title></head><body><p>{text}</p></body></html>"), "text/html; charset=GBK"));
        site.On("/doc/gbk-meta.shtml", LoopbackResponse.Content(
            gbk.GetBytes($"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body><p>{text}</p></body></html>"),
            "text/html"));
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions());

        foreach (var path in new[] { "/doc/gbk-header.shtml", "/doc/gbk-meta.shtml" })
        {
            var result = await downloader.FetchAsync(new FetchRequest(site.Url(path)), CancellationToken.None);
            Assert.True(result.IsHtml);
            Assert.Contains(text, result.DecodeText());
        }
    }

    [Fact]
    public async Task Concurrent_fetches_to_one_host_are_spaced_by_the_host_delay()
    {
        var clock = new RecordingClock();
        await using var site = await StartSiteAsync();
        site.Clock = clock;
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions() with { HostDelay = TimeSpan.FromMilliseconds(250) }, clock);

        var fetches = Enumerable.Range(1, 4).Select(i =>
            downloader.FetchAsync(new FetchRequest(site.Url($"/index.html?i={i}")), CancellationToken.None));
        var results = await DriveAsync(clock, downloader, Task.WhenAll(fetches));

        Assert.All(results, r => Assert.True(r.IsSuccess, r.ErrorMessage));
        // robots.txt counts as a request to the host too; each start waits exactly the delay after the one before.
        var gaps = Gaps(site.Requests);
        Assert.Equal(4, gaps.Length);
        Assert.All(gaps, gap => Assert.Equal(TimeSpan.FromMilliseconds(250), gap));
    }

    [Fact]
    public async Task Two_hosts_do_not_wait_for_each_other()
    {
        var clock = new RecordingClock();
        await using var first = await StartSiteAsync();
        await using var second = await StartSiteAsync();
        first.Clock = clock;
        second.Clock = clock;
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions() with { HostDelay = TimeSpan.FromSeconds(1) }, clock);
        var scope = new HostScope($"127.0.0.1:{first.Port}", $"127.0.0.1:{second.Port}");
        var started = clock.GetUtcNow();

        var results = await DriveAsync(clock, downloader, Task.WhenAll(
            downloader.FetchAsync(new FetchRequest(first.Url("/index.html")) { Scope = scope }, CancellationToken.None),
            downloader.FetchAsync(new FetchRequest(second.Url("/index.html")) { Scope = scope }, CancellationToken.None)));

        Assert.All(results, r => Assert.True(r.IsSuccess, r.ErrorMessage));
        // Each host: robots.txt, one second, the page, both at once. Hosts sharing one slot would take three seconds.
        Assert.Equal(TimeSpan.FromSeconds(1), Assert.Single(Gaps(first.Requests)));
        Assert.Equal(TimeSpan.FromSeconds(1), Assert.Single(Gaps(second.Requests)));
        Assert.Equal(TimeSpan.FromSeconds(1), clock.GetUtcNow() - started);
    }
}
