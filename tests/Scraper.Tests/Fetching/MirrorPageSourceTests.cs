using System.Text;
using Scraper.Fetching;
using static Scraper.Tests.Fetching.FetchTestKit;

namespace Scraper.Tests.Fetching;

/// <summary>The mirror source through the same downloader as a live crawl.</summary>
public sealed class MirrorPageSourceTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("mirror-");

    public void Dispose() => _root.Delete(recursive: true);

    private void Write(string relative, byte[] content)
    {
        var path = Path.Combine(_root.FullName, relative.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }

    private void Write(string relative, string content) => Write(relative, Encoding.UTF8.GetBytes(content));

    private Downloader NewDownloader(FetchOptions? options = null) =>
        new(new MirrorPageSource(_root.FullName), options ?? FastOptions());

    [Theory]
    [InlineData("https://en.wuxi.gov.cn/2023-11/23/c_941797.htm")]
    [InlineData("http://en.wuxi.gov.cn/2023-11/23/c_941797.htm")]
    [InlineData("https://EN.Wuxi.gov.cn/2023-11/23/c_941797.htm?from=list#top")]
    public async Task A_url_is_answered_from_the_host_folder(string url)
    {
        Write("en.wuxi.gov.cn/2023-11/23/c_941797.htm", Page("Expo", "The expo opened."));

        var result = await NewDownloader().FetchAsync(new FetchRequest(new Uri(url)), CancellationToken.None);

        Assert.True(result.IsSuccess, result.ErrorMessage);
        Assert.Equal("text/html", result.ContentType);
        Assert.True(result.IsHtml);
        Assert.Contains("The expo opened.", result.DecodeText());
    }

    [Fact]
    public async Task A_missing_file_is_a_404()
    {
        Write("en.wuxi.gov.cn/index.html", Page("Home", "Welcome."));

        var result = await NewDownloader().FetchAsync(
            new FetchRequest(new Uri("https://en.wuxi.gov.cn/2099-01/01/c_1.htm")), CancellationToken.None);

        Assert.Equal(FetchErrorKind.HttpStatus, result.Error);
        Assert.Equal(404, result.StatusCode);
        Assert.Equal(1, result.Attempts);
    }

    [Fact]
    public async Task A_trailing_slash_serves_index_html_and_a_folder_redirects_to_its_slash()
    {
        Write("wnd.gov.cn/index.html", Page("WND home", "Welcome to WND."));
        Write("wnd.gov.cn/news/index.html", Page("News", "Latest news."));
        var downloader = NewDownloader();

        var home = await downloader.FetchAsync(new FetchRequest(new Uri("https://wnd.gov.cn/")), CancellationToken.None);
        var news = await downloader.FetchAsync(new FetchRequest(new Uri("https://wnd.gov.cn/news")), CancellationToken.None);

        Assert.Contains("Welcome to WND.", home.DecodeText());
        Assert.True(news.IsSuccess, news.ErrorMessage);
        Assert.Equal(new Uri("https://wnd.gov.cn/news/"), news.FinalUrl);
        Assert.Contains("Latest news.", news.DecodeText());
    }

    [Fact]
    public async Task An_image_with_a_chinese_file_name_is_served_with_its_content_type()
    {
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F'];
        Write("en.wuxi.gov.cn/images/微信图片_20240315092407 (3).jpg", jpeg);
        var url = new Uri("https://en.wuxi.gov.cn/images/%E5%BE%AE%E4%BF%A1%E5%9B%BE%E7%89%87_20240315092407%20(3).jpg");

        var result = await NewDownloader().FetchAsync(new FetchRequest(url) { Kind = FetchContentKind.Image }, CancellationToken.None);

        Assert.True(result.IsSuccess, result.ErrorMessage);
        Assert.Equal("image/jpeg", result.ContentType);
        Assert.Equal(jpeg, result.Body);
        Assert.False(result.IsHtml);
    }

    [Fact]
    public async Task Escaped_dot_segments_cannot_leave_the_host_folder()
    {
        Write("secret.txt", "not to be served");
        Write("en.wuxi.gov.cn/index.html", Page("Home", "Welcome."));
        var source = new MirrorPageSource(_root.FullName);

        // Uri resolves "/%2e%2e/" itself, inside the host; an escaped slash only appears after unescaping.
        Assert.Equal(Path.Combine(_root.FullName, "en.wuxi.gov.cn", "secret.txt"),
            source.PathFor(new Uri("https://en.wuxi.gov.cn/%2e%2e/secret.txt")));
        Assert.Null(source.PathFor(new Uri("https://en.wuxi.gov.cn/%2e%2e%2fsecret.txt")));
        var result = await NewDownloader().FetchAsync(
            new FetchRequest(new Uri("https://en.wuxi.gov.cn/%2e%2e%2fsecret.txt")), CancellationToken.None);
        Assert.Equal(400, result.StatusCode);
        Assert.False(result.IsSuccess);
        Assert.DoesNotContain("not to be served", Encoding.UTF8.GetString(result.Body));
    }

    [Fact]
    public async Task A_conditional_get_against_the_mirror_gets_not_modified()
    {
        Write("en.wuxi.gov.cn/2023-11/23/c_941797.htm", Page("Expo", "The expo opened."));
        var downloader = NewDownloader();
        var url = new Uri("https://en.wuxi.gov.cn/2023-11/23/c_941797.htm");

        var first = await downloader.FetchAsync(new FetchRequest(url), CancellationToken.None);
        var byTag = await downloader.FetchAsync(new FetchRequest(url) { IfNoneMatch = first.ETag }, CancellationToken.None);
        var byDate = await downloader.FetchAsync(new FetchRequest(url) { IfModifiedSince = first.LastModified }, CancellationToken.None);
        Write("en.wuxi.gov.cn/2023-11/23/c_941797.htm", Page("Expo", "The expo opened, updated."));
        var changed = await downloader.FetchAsync(new FetchRequest(url) { IfNoneMatch = first.ETag }, CancellationToken.None);

        Assert.NotNull(first.ETag);
        Assert.True(byTag.NotModified);
        Assert.True(byDate.NotModified);
        Assert.True(changed.IsSuccess, changed.ErrorMessage);
        Assert.Contains("updated", changed.DecodeText());
    }

    [Fact]
    public async Task The_mirror_robots_txt_is_honoured()
    {
        Write("en.wuxi.gov.cn/robots.txt", "User-agent: *\nDisallow: /sitePages/\n");
        Write("en.wuxi.gov.cn/sitePages/subPages/1234.html", Page("Old", "Old CMS page."));

        var result = await NewDownloader().FetchAsync(
            new FetchRequest(new Uri("https://en.wuxi.gov.cn/sitePages/subPages/1234.html?did=5")), CancellationToken.None);

        Assert.Equal(FetchErrorKind.DisallowedByRobots, result.Error);
    }

    [Fact]
    public async Task A_mirror_file_over_the_limit_is_cut_and_recorded()
    {
        Write("en.wuxi.gov.cn/big.htm", new byte[5000]);

        var result = await NewDownloader(FastOptions() with { MaxBodyBytes = 1000 }).FetchAsync(
            new FetchRequest(new Uri("https://en.wuxi.gov.cn/big.htm")), CancellationToken.None);

        Assert.Equal(FetchErrorKind.TooLarge, result.Error);
        Assert.Equal(1000, result.Body.Length);
    }

    [Fact]
    public void A_missing_mirror_folder_is_refused_at_construction()
    {
        var missing = Path.Combine(_root.FullName, "nope");
        var error = Assert.Throws<DirectoryNotFoundException>(() => new MirrorPageSource(missing));
        Assert.Contains(missing, error.Message);
    }
}
