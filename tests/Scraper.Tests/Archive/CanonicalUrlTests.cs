using Scraper.Archive;

namespace Scraper.Tests.Archive;

public class CanonicalUrlTests
{
    [Theory]
    [InlineData("HTTP://EN.Wuxi.GOV.cn/2023-11/23/c_941797.htm", "http://en.wuxi.gov.cn/2023-11/23/c_941797.htm")]
    [InlineData("http://en.wuxi.gov.cn:80/2023-11/23/c_941797.htm", "http://en.wuxi.gov.cn/2023-11/23/c_941797.htm")]
    [InlineData("https://en.wuxi.gov.cn:443/a.htm", "https://en.wuxi.gov.cn/a.htm")]
    [InlineData("https://en.wuxi.gov.cn:8443/a.htm", "https://en.wuxi.gov.cn:8443/a.htm")]
    [InlineData("http://en.wuxi.gov.cn/a.htm#top", "http://en.wuxi.gov.cn/a.htm")]
    [InlineData("http://en.wuxi.gov.cn", "http://en.wuxi.gov.cn/")]
    [InlineData("http://en.wuxi.gov.cn./a.htm", "http://en.wuxi.gov.cn/a.htm")]
    [InlineData("http://user:secret@en.wuxi.gov.cn/a.htm", "http://en.wuxi.gov.cn/a.htm")]
    [InlineData("http://en.wuxi.gov.cn/x/../2023-11/./23/c_1.htm", "http://en.wuxi.gov.cn/2023-11/23/c_1.htm")]
    public void Normalises_scheme_host_port_fragment_and_dot_segments(string input, string expected) =>
        Assert.Equal(expected, CanonicalUrl.Normalize(new Uri(input)));

    [Theory]
    [InlineData("http://en.wuxi.gov.cn/a.htm?utm_source=wechat&utm_medium=social", "http://en.wuxi.gov.cn/a.htm")]
    [InlineData("http://en.wuxi.gov.cn/a.htm?UTM_Campaign=x&id=3", "http://en.wuxi.gov.cn/a.htm?id=3")]
    [InlineData("http://en.wuxi.gov.cn/a.htm?fbclid=abc&gclid=def", "http://en.wuxi.gov.cn/a.htm")]
    [InlineData("http://en.wuxi.gov.cn/a.htm?from=singlemessage&isappinstalled=0", "http://en.wuxi.gov.cn/a.htm")]
    [InlineData("http://en.wuxi.gov.cn/list.htm?from=2020", "http://en.wuxi.gov.cn/list.htm?from=2020")]
    [InlineData("http://en.wuxi.gov.cn/sitePages/subPages/1234.html?sourceChannelId=7&did=42&utm_source=x",
        "http://en.wuxi.gov.cn/sitePages/subPages/1234.html?sourceChannelId=7&did=42")]
    [InlineData("http://en.wuxi.gov.cn/a.htm?b=2&a=1", "http://en.wuxi.gov.cn/a.htm?b=2&a=1")]
    [InlineData("http://en.wuxi.gov.cn/a.htm?", "http://en.wuxi.gov.cn/a.htm")]
    [InlineData("http://en.wuxi.gov.cn/a.htm?&&id=1&", "http://en.wuxi.gov.cn/a.htm?id=1")]
    public void Drops_tracking_parameters_and_keeps_the_rest_in_order(string input, string expected) =>
        Assert.Equal(expected, CanonicalUrl.Normalize(new Uri(input)));

    [Theory]
    // Escapes of unreserved characters are decoded, others upper-cased.
    [InlineData("http://en.wuxi.gov.cn/%7Euser/%61bc.htm", "http://en.wuxi.gov.cn/~user/abc.htm")]
    [InlineData("http://en.wuxi.gov.cn/a%2fb.htm", "http://en.wuxi.gov.cn/a%2Fb.htm")]
    // Spaces, brackets and CJK in image file names.
    [InlineData("http://en.wuxi.gov.cn/images/640 (3).jpg", "http://en.wuxi.gov.cn/images/640%20(3).jpg")]
    [InlineData("http://en.wuxi.gov.cn/images/640%20(3).jpg", "http://en.wuxi.gov.cn/images/640%20(3).jpg")]
    [InlineData("http://en.wuxi.gov.cn/images/微信图片_1.jpg", "http://en.wuxi.gov.cn/images/%E5%BE%AE%E4%BF%A1%E5%9B%BE%E7%89%87_1.jpg")]
    [InlineData("http://en.wuxi.gov.cn/images/%e5%be%ae%e4%bf%a1%e5%9b%be%e7%89%87_1.jpg", "http://en.wuxi.gov.cn/images/%E5%BE%AE%E4%BF%A1%E5%9B%BE%E7%89%87_1.jpg")]
    [InlineData("http://en.wuxi.gov.cn/s?q=a%26b&x=%7e", "http://en.wuxi.gov.cn/s?q=a%26b&x=~")]
    [InlineData("http://en.wuxi.gov.cn/s?q=无锡", "http://en.wuxi.gov.cn/s?q=%E6%97%A0%E9%94%A1")]
    public void Normalises_percent_encoding(string input, string expected) =>
        Assert.Equal(expected, CanonicalUrl.Normalize(new Uri(input)));

    [Fact]
    public void Internationalised_host_names_become_punycode() =>
        Assert.Equal("http://xn--rgvv56h.cn/a.htm", CanonicalUrl.Normalize(new Uri("http://无锡.cn/a.htm")));

    [Theory]
    [InlineData("HTTP://EN.WUXI.GOV.CN:80/images/640 (3).jpg?utm_source=x#f")]
    [InlineData("https://wnd.gov.cn/s?q=%e6%97%a0&from=timeline")]
    [InlineData("http://en.wuxi.gov.cn/%7E%2F%41")]
    public void Is_idempotent(string input)
    {
        var once = CanonicalUrl.Normalize(new Uri(input));
        Assert.Equal(once, CanonicalUrl.Normalize(new Uri(once)));
    }

    [Theory]
    [InlineData("ftp://en.wuxi.gov.cn/a.htm")]
    [InlineData("/2023-11/23/c_941797.htm")]
    [InlineData("not a url")]
    [InlineData("")]
    [InlineData(null)]
    public void Rejects_what_is_not_an_absolute_http_url(string? input)
    {
        Assert.False(CanonicalUrl.TryNormalize(input, out var canonical));
        Assert.Null(canonical);
    }

    [Fact]
    public void Normalize_throws_for_other_schemes() =>
        Assert.Throws<ArgumentException>(() => CanonicalUrl.Normalize(new Uri("mailto:someone@wuxi.gov.cn")));
}
