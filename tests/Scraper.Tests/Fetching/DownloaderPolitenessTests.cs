using Scraper.Fetching;
using Scraper.Tests.Support;
using static Scraper.Tests.Fetching.FetchTestKit;

namespace Scraper.Tests.Fetching;

/// <summary>robots.txt and conditional GET, asserted on what the server saw.</summary>
public sealed class DownloaderPolitenessTests
{
    [Fact]
    public async Task Robots_txt_is_fetched_once_and_its_disallowed_section_never_requested()
    {
        await using var site = await StartSiteAsync();
        site.Robots("User-agent: *\nDisallow: /news/\nAllow: /news/public/\n");
        site.AddFile(Host, "/news/a.htm", Page("A", "a"));
        site.AddFile(Host, "/news/public/b.htm", Page("B", "b"));
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions());

        var results = await Task.WhenAll(new[] { "/news/a.htm", "/news/public/b.htm", "/index.html", "/news/a.htm" }
            .Select(path => downloader.FetchAsync(new FetchRequest(site.Url(path)), CancellationToken.None)));

        Assert.Equal(FetchErrorKind.DisallowedByRobots, results[0].Error);
        Assert.Equal("disallowed by robots.txt (Disallow: /news/)", results[0].ErrorMessage);
        Assert.Equal(0, results[0].Attempts);
        Assert.True(results[1].IsSuccess, results[1].ErrorMessage);
        Assert.True(results[2].IsSuccess, results[2].ErrorMessage);
        Assert.Equal(FetchErrorKind.DisallowedByRobots, results[3].Error);
        Assert.Empty(site.RequestsTo("/news/a.htm"));
        Assert.Single(site.RequestsTo("/robots.txt"));
        Assert.Equal(1, downloader.RobotsFetched);
    }

    [Fact]
    public async Task A_group_for_our_product_token_beats_the_star_group()
    {
        await using var site = await StartSiteAsync();
        site.Robots("User-agent: *\nDisallow: /\n\nUser-agent: Scraper\nDisallow: /private/\n");
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions());

        var page = await downloader.FetchAsync(new FetchRequest(site.Url("/index.html")), CancellationToken.None);
        var hidden = await downloader.FetchAsync(new FetchRequest(site.Url("/private/x.htm")), CancellationToken.None);

        Assert.True(page.IsSuccess, page.ErrorMessage);
        Assert.Equal(FetchErrorKind.DisallowedByRobots, hidden.Error);
    }

    [Fact]
    public async Task A_missing_robots_txt_allows_everything()
    {
        await using var site = await StartSiteAsync();
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions());

        var result = await downloader.FetchAsync(new FetchRequest(site.Url("/index.html")), CancellationToken.None);

        Assert.True(result.IsSuccess, result.ErrorMessage);
        var robots = await downloader.GetRobotsAsync(site.Url("/"), null, CancellationToken.None);
        Assert.Equal("no robots.txt (HTTP 404)", robots.Description);
    }

    [Fact]
    public async Task A_robots_txt_failing_with_5xx_closes_the_host_for_the_run()
    {
        await using var site = await StartSiteAsync();
        site.On("/robots.txt", LoopbackResponse.Status(503));
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions(maxAttempts: 2));

        var first = await downloader.FetchAsync(new FetchRequest(site.Url("/index.html")), CancellationToken.None);
        site.Robots("User-agent: *\nAllow: /\n");
        var second = await downloader.FetchAsync(new FetchRequest(site.Url("/index.html")), CancellationToken.None);

        // Not the site's wish but a failure: a kind of its own, which the crawler records as the host's error.
        Assert.Equal(FetchErrorKind.RobotsUnreachable, first.Error);
        Assert.Equal("not fetched: robots.txt unreachable: HTTP 503; the host is closed for this run", first.ErrorMessage);
        Assert.Equal(FetchErrorKind.RobotsUnreachable, second.Error);
        Assert.Equal(2, site.RequestsTo("/robots.txt").Count);
        Assert.Empty(site.RequestsTo("/index.html"));
    }

    [Fact]
    public async Task A_robots_txt_recovering_within_the_retries_is_used()
    {
        await using var site = await StartSiteAsync();
        site.On("/robots.txt", LoopbackResponse.Status(500),
            LoopbackResponse.Content("User-agent: *\nDisallow: /index.html\n"u8.ToArray(), "text/plain"));
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions());

        var result = await downloader.FetchAsync(new FetchRequest(site.Url("/index.html")), CancellationToken.None);

        Assert.Equal(FetchErrorKind.DisallowedByRobots, result.Error);
        Assert.Equal("disallowed by robots.txt (Disallow: /index.html)", result.ErrorMessage);
    }

    [Fact]
    public async Task Crawl_delay_spaces_requests_to_the_host()
    {
        // On a fake clock moved to each wait the downloader asks for: the gaps are exactly the waits it chose.
        var clock = new RecordingClock();
        await using var site = await StartSiteAsync();
        site.Clock = clock;
        site.Robots("User-agent: *\nCrawl-delay: 0.4\n");
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions(), clock);

        for (var i = 0; i < 3; i++)
        {
            var result = await clock.DriveAsync(
                downloader.FetchAsync(new FetchRequest(site.Url($"/index.html?n={i}")), CancellationToken.None),
                ignore: due => due == downloader.Options.AttemptTimeout);
            Assert.True(result.IsSuccess, result.ErrorMessage);
        }

        var gaps = Gaps(site.RequestsTo("/index.html"));
        Assert.Equal([TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(400)], gaps);
    }

    [Fact]
    public async Task The_default_options_space_requests_one_second_apart()
    {
        var clock = new RecordingClock();
        await using var site = await StartSiteAsync();
        site.Clock = clock;
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, timeProvider: clock);
        Assert.Equal(TimeSpan.FromSeconds(1), downloader.Options.HostDelay);

        await clock.DriveAsync(downloader.FetchAsync(new FetchRequest(site.Url("/index.html")), CancellationToken.None),
            ignore: due => due == downloader.Options.AttemptTimeout);

        // robots.txt, then the page a second later.
        Assert.Equal(TimeSpan.FromSeconds(1), Assert.Single(Gaps(site.Requests)));
    }

    [Fact]
    public async Task A_conditional_get_with_the_etag_gets_not_modified()
    {
        await using var site = await StartSiteAsync();
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions());
        var url = site.Url("/2023-11/23/c_941797.htm");

        var first = await downloader.FetchAsync(new FetchRequest(url), CancellationToken.None);
        var again = await downloader.FetchAsync(new FetchRequest(url) { IfNoneMatch = first.ETag }, CancellationToken.None);

        Assert.True(first.IsSuccess, first.ErrorMessage);
        Assert.True(again.NotModified);
        Assert.False(again.IsSuccess);
        Assert.Equal(304, again.StatusCode);
        Assert.Equal(FetchErrorKind.None, again.Error);
        Assert.Empty(again.Body);
        Assert.Equal(first.ETag, site.RequestsTo(url.AbsolutePath)[1].IfNoneMatch);
        Assert.Null(site.RequestsTo(url.AbsolutePath)[0].IfNoneMatch);
    }

    [Fact]
    public async Task A_conditional_get_with_last_modified_only_gets_not_modified()
    {
        await using var site = await StartSiteAsync();
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions());
        var url = site.Url("/2023-11/23/c_941797.htm");

        var first = await downloader.FetchAsync(new FetchRequest(url), CancellationToken.None);
        var again = await downloader.FetchAsync(new FetchRequest(url) { IfModifiedSince = first.LastModified }, CancellationToken.None);

        Assert.True(again.NotModified);
        Assert.Equal(first.LastModified, site.RequestsTo(url.AbsolutePath)[1].IfModifiedSince);
    }

    [Fact]
    public async Task A_page_changed_between_two_crawls_comes_back_whole_with_a_new_etag()
    {
        await using var site = await StartSiteAsync();
        site.On("/2024-03/15/c_1.htm", LoopbackResponse.Html(Page("Version A", "First text.")));
        using var source = new HttpPageSource();
        var firstRun = new Downloader(source, FastOptions());
        var url = site.Url("/2024-03/15/c_1.htm");
        var first = await firstRun.FetchAsync(new FetchRequest(url), CancellationToken.None);

        site.On("/2024-03/15/c_1.htm", LoopbackResponse.Html(Page("Version B", "Second text.")));
        var secondRun = new Downloader(source, FastOptions());
        var second = await secondRun.FetchAsync(
            new FetchRequest(url) { IfNoneMatch = first.ETag, IfModifiedSince = first.LastModified }, CancellationToken.None);
        var third = await secondRun.FetchAsync(
            new FetchRequest(url) { IfNoneMatch = second.ETag, IfModifiedSince = second.LastModified }, CancellationToken.None);

        Assert.Contains("First text.", first.DecodeText());
        Assert.True(second.IsSuccess, second.ErrorMessage);
        Assert.Contains("Second text.", second.DecodeText());
        Assert.NotEqual(first.ETag, second.ETag);
        Assert.True(third.NotModified);
        // Each run fetched robots.txt once.
        Assert.Equal(2, site.RequestsTo("/robots.txt").Count);
    }
}
