using System.Net;
using Scraper.Fetching;
using Scraper.Tests.Support;
using static Scraper.Tests.Fetching.FetchTestKit;

namespace Scraper.Tests.Fetching;

public sealed class DownloaderRedirectTests
{
    [Fact]
    public async Task A_redirect_within_scope_is_followed()
    {
        await using var site = await StartSiteAsync();
        site.On("/old.htm", LoopbackResponse.Redirect("/2023-11/23/c_941797.htm#top", status: 301));
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions());

        var result = await downloader.FetchAsync(new FetchRequest(site.Url("/old.htm")), CancellationToken.None);

        Assert.True(result.IsSuccess, result.ErrorMessage);
        Assert.Equal(site.Url("/old.htm"), result.RequestedUrl);
        Assert.Equal(site.Url("/2023-11/23/c_941797.htm"), result.FinalUrl);
        Assert.Equal([site.Url("/2023-11/23/c_941797.htm")], result.Redirects);
        Assert.Equal(2, result.Attempts);
    }

    [Fact]
    public async Task A_redirect_loop_is_detected_and_recorded()
    {
        await using var site = await StartSiteAsync();
        site.On("/a.htm", LoopbackResponse.Redirect("/b.htm"));
        site.On("/b.htm", LoopbackResponse.Redirect("/a.htm"));
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions());

        var result = await downloader.FetchAsync(new FetchRequest(site.Url("/a.htm")), CancellationToken.None);

        Assert.Equal(FetchErrorKind.RedirectLoop, result.Error);
        Assert.Equal("redirect loop: /a.htm → /b.htm → /a.htm", result.ErrorMessage);
        Assert.Equal(302, result.StatusCode);
        Assert.Equal(site.Url("/b.htm"), result.FinalUrl);
        Assert.Single(site.RequestsTo("/a.htm"));
        Assert.Single(site.RequestsTo("/b.htm"));
    }

    [Fact]
    public async Task Five_redirects_are_followed_and_a_sixth_is_not()
    {
        await using var site = await StartSiteAsync();
        for (var i = 1; i <= 6; i++) site.On($"/r{i}.htm", LoopbackResponse.Redirect($"/r{i + 1}.htm"));
        site.On("/r7.htm", LoopbackResponse.Html(Page("End", "Arrived.")));
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions());

        var fromSecond = await downloader.FetchAsync(new FetchRequest(site.Url("/r2.htm")), CancellationToken.None);
        var fromFirst = await downloader.FetchAsync(new FetchRequest(site.Url("/r1.htm")), CancellationToken.None);

        Assert.True(fromSecond.IsSuccess, fromSecond.ErrorMessage);
        Assert.Equal(5, fromSecond.Redirects.Count);
        Assert.Equal(FetchErrorKind.TooManyRedirects, fromFirst.Error);
        Assert.Equal("more than 5 redirects", fromFirst.ErrorMessage);
        Assert.Equal(site.Url("/r6.htm"), fromFirst.FinalUrl);
        // /r7 was fetched by the first call only: the second stopped at /r6's redirect.
        Assert.Single(site.RequestsTo("/r7.htm"));
    }

    [Fact]
    public async Task A_redirect_to_another_host_is_not_followed()
    {
        await using var site = await StartSiteAsync();
        await using var elsewhere = await StartSiteAsync();
        // Same address, other host name: localhost is not in the scope of a 127.0.0.1 crawl.
        site.On("/moved.htm", LoopbackResponse.Redirect($"http://localhost:{elsewhere.Port}/index.html"));
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions());

        var result = await downloader.FetchAsync(new FetchRequest(site.Url("/moved.htm")), CancellationToken.None);

        Assert.Equal(FetchErrorKind.RedirectOutOfScope, result.Error);
        Assert.Equal($"redirect to http://localhost:{elsewhere.Port}/index.html, outside the crawl's hosts", result.ErrorMessage);
        Assert.Equal(302, result.StatusCode);
        Assert.Empty(elsewhere.Requests);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/file.htm")]
    [InlineData("file:///etc/passwd")]
    [InlineData("javascript:alert(1)")]
    public async Task A_redirect_to_another_scheme_is_not_followed(string location)
    {
        await using var site = await StartSiteAsync();
        site.On("/moved.htm", LoopbackResponse.Redirect(location));
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions());

        var result = await downloader.FetchAsync(new FetchRequest(site.Url("/moved.htm")), CancellationToken.None);

        Assert.Equal(FetchErrorKind.RedirectOutOfScope, result.Error);
        Assert.StartsWith("redirect to a non-http(s) URL: ", result.ErrorMessage);
    }

    [Fact]
    public async Task A_url_outside_the_scope_is_not_requested()
    {
        await using var site = await StartSiteAsync();
        using var source = new HttpPageSource();
        var downloader = new Downloader(source, FastOptions());

        var result = await downloader.FetchAsync(
            new FetchRequest(site.Url("/index.html")) { Scope = new HostScope("en.wuxi.gov.cn") }, CancellationToken.None);

        Assert.Equal(FetchErrorKind.OutOfScope, result.Error);
        Assert.Empty(site.Requests);
    }

    [Fact]
    public async Task Both_sites_are_served_by_host_name_and_a_cross_site_redirect_needs_both_in_scope()
    {
        await using var site = await LoopbackSite.StartAsync();
        site.AddFile("en.wuxi.gov.cn", "/2023-11/23/c_941797.htm", Page("Wuxi", "From the Wuxi portal."));
        site.AddFile("wnd.gov.cn", "/2019-06/04/c_1.htm", Page("WND", "From the district site."));
        site.On("en.wuxi.gov.cn", "/to-wnd.htm", LoopbackResponse.Redirect("http://wnd.gov.cn/2019-06/04/c_1.htm", 301));
        using var source = new HttpPageSource(new HttpPageSourceOptions
        {
            HostOverrides = new Dictionary<string, IPEndPoint> { ["en.wuxi.gov.cn"] = site.EndPoint, ["wnd.gov.cn"] = site.EndPoint },
        });
        var downloader = new Downloader(source, FastOptions());

        var wuxi = await downloader.FetchAsync(
            new FetchRequest(new Uri("http://en.wuxi.gov.cn/2023-11/23/c_941797.htm")), CancellationToken.None);
        var blocked = await downloader.FetchAsync(
            new FetchRequest(new Uri("http://en.wuxi.gov.cn/to-wnd.htm")) { Scope = new HostScope("en.wuxi.gov.cn") },
            CancellationToken.None);
        var followed = await downloader.FetchAsync(
            new FetchRequest(new Uri("http://en.wuxi.gov.cn/to-wnd.htm")) { Scope = new HostScope("en.wuxi.gov.cn", "wnd.gov.cn") },
            CancellationToken.None);

        Assert.Contains("From the Wuxi portal.", wuxi.DecodeText());
        Assert.Equal(FetchErrorKind.RedirectOutOfScope, blocked.Error);
        Assert.True(followed.IsSuccess, followed.ErrorMessage);
        Assert.Equal(new Uri("http://wnd.gov.cn/2019-06/04/c_1.htm"), followed.FinalUrl);
        Assert.Contains("From the district site.", followed.DecodeText());
        Assert.Equal(["en.wuxi.gov.cn", "wnd.gov.cn"], site.Requests.Select(r => r.Host).Distinct().Order());
    }
}
