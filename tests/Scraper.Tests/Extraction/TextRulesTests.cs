using Scraper.Extraction;

namespace Scraper.Tests.Extraction;

public sealed class DateTextTests
{
    [Theory]
    [InlineData("Updated : 2023-11-23", "2023-11-23")]
    [InlineData("Updated: 2019-06-04", "2019-06-04")]
    [InlineData("(chinadaily.com.cn)Updated: 2019-06-04", "2019-06-04")]
    [InlineData("Posted by: admin Release time: 2018/05/03 Browse: 1234", "2018-05-03")]
    [InlineData("发布时间：2024年5月20日", "2024-05-20")]
    [InlineData("Published on Nov 21, 2023 at noon", "2023-11-21")]
    [InlineData("21 November 2023", "2023-11-21")]
    [InlineData("September 3rd, 2022", "2022-09-03")]
    [InlineData("2019.06.04", "2019-06-04")]
    public void Finds_the_date(string text, string expected) => Assert.Equal(expected, DateText.ToIso(DateText.Find(text)));

    [Theory]
    [InlineData("Updated : 2023-02-30")] // no such day
    [InlineData("Room 1203-4567")]
    [InlineData("8.03K")]
    [InlineData("")]
    public void Finds_no_date_where_there_is_none(string text) => Assert.Null(DateText.Find(text));

    [Fact]
    public void The_labelled_date_wins_over_other_dates_in_the_line() =>
        Assert.Equal("2023-11-23", DateText.ToIso(DateText.Find("Event of 2023-01-05 | Updated: 2023-11-23")));

    [Theory]
    [InlineData("2023-11-23T23:30:00-05:00", "2023-11-23")] // the date as written, not moved to UTC
    [InlineData("2023-11-23", "2023-11-23")]
    [InlineData("Thu, 23 Nov 2023 08:00:00 GMT", "2023-11-23")]
    public void Reads_machine_dates(string value, string expected) => Assert.Equal(expected, DateText.ToIso(DateText.ParseMachine(value)));
}

public sealed class InfoLineTests
{
    [Fact]
    public void Byline_without_by_and_place_and_the_source_in_parentheses()
    {
        var info = InfoLine.Parse("Updated : 2019-03-28 By Chen Liubing and Ma Zhiping in Boao, Hainan (chinadaily.com.cn)");
        Assert.Equal("Chen Liubing and Ma Zhiping", info.Byline);
        Assert.Equal("chinadaily.com.cn", info.Source);
        Assert.Equal(new DateOnly(2019, 3, 28), info.Published);
    }

    [Fact]
    public void Source_and_date_run_together()
    {
        var info = InfoLine.Parse("(chinadaily.com.cn)Updated: 2019-06-04");
        Assert.Null(info.Byline);
        Assert.Equal("chinadaily.com.cn", info.Source);
        Assert.Equal(new DateOnly(2019, 6, 4), info.Published);
    }

    [Theory]
    [InlineData("By Zhang Wei (China Daily)Updated: 2021-05-12", "Zhang Wei", "China Daily")]
    [InlineData("By Shen Jiayi in Wuxi (China Daily)", "Shen Jiayi", "China Daily")]
    [InlineData("(en.wuxi.gov.cn)", null, "en.wuxi.gov.cn")]
    [InlineData("Source: Xinhua | Updated: 2020-01-02", null, "Xinhua")]
    [InlineData("Posted by: Li Ming Release time: 2018-05-03 Browse: 12", "Li Ming", null)]
    public void Reads_bylines_and_sources(string text, string? byline, string? source)
    {
        var info = InfoLine.Parse(text);
        Assert.Equal(byline, info.Byline);
        Assert.Equal(source, info.Source);
    }

    [Theory]
    [InlineData("By Chen Liubing and Ma Zhiping in Boao, Hainan", "Chen Liubing and Ma Zhiping")]
    [InlineData("Zhou Huiying", "Zhou Huiying")]
    [InlineData("By ZHANG YU | China Daily", "ZHANG YU")]
    [InlineData("Written by: Maria Dong", "Maria Dong")]
    [InlineData("   ", null)]
    public void Cleans_bylines(string text, string? expected) => Assert.Equal(expected, BylineText.Clean(text));
}

public sealed class CaptionTextTests
{
    [Theory]
    [InlineData("A presentation is given. [Photo/WeChat account: xinwu_wx]", "A presentation is given.", "WeChat account: xinwu_wx")]
    [InlineData("Leaders visit. [Photo/wnd.gov.cn]", "Leaders visit.", "wnd.gov.cn")]
    [InlineData("An innovation park. [Photo provided to chinadaily.com.cn]", "An innovation park.", "Photo provided to chinadaily.com.cn")]
    [InlineData("Night view [Photo/wxrb.com] ", "Night view", "wxrb.com")]
    [InlineData("A night view of the district. CHINA DAILY", "A night view of the district.", "CHINA DAILY")]
    [InlineData("Workers on the line. Photo by Zhang Wei", "Workers on the line.", "Photo by Zhang Wei")]
    [InlineData("Wuxi Deputy Mayor Wang Jinjian (R4) visits South Korean enterprises.", "Wuxi Deputy Mayor Wang Jinjian (R4) visits South Korean enterprises.", null)]
    [InlineData("签约仪式现场。", "签约仪式现场。", null)]
    [InlineData("The bridge at dawn. Credit: Jane Roe/Reuters", "The bridge at dawn.", "Jane Roe/Reuters")]
    [InlineData("The bridge at dawn. Credit Jane Roe for The New York Times", "The bridge at dawn.", "Jane Roe for The New York Times")]
    [InlineData("Photo Credit Kevin Frayer/Getty Images", null, "Kevin Frayer/Getty Images")]
    [InlineData("The toll booth, seen from the river. Photo: AP.", "The toll booth, seen from the river.", "AP")]
    [InlineData("Credit card debt soared in the district last year.", "Credit card debt soared in the district last year.", null)]
    [InlineData("Photo: the bridge at dawn", "Photo: the bridge at dawn", null)]
    public void Splits_credits(string text, string? caption, string? credit)
    {
        var (c, r) = CaptionText.Split(text);
        Assert.Equal(caption, c);
        Assert.Equal(credit, r);
    }

    [Fact]
    public void A_short_all_caps_tail_is_not_a_credit() => Assert.Null(CaptionText.Split("Made in the USA. OK").Credit);
}

public sealed class ImageUrlTests
{
    private static readonly Uri Page = new("https://en.wuxi.gov.cn/2023-11/23/c_941797.htm");

    [Theory]
    [InlineData("1700730809095086766.png", "https://en.wuxi.gov.cn/2023-11/23/1700730809095086766.png")]
    [InlineData("640 (3).jpg", "https://en.wuxi.gov.cn/2023-11/23/640%20(3).jpg")]
    [InlineData("640%20(5).jpg", "https://en.wuxi.gov.cn/2023-11/23/640%20(5).jpg")]
    [InlineData("../../images/微信图片_20240315092407.jpg", "https://en.wuxi.gov.cn/images/%E5%BE%AE%E4%BF%A1%E5%9B%BE%E7%89%87_20240315092407.jpg")]
    [InlineData("//img.chinadaily.com.cn/a b.jpg", "https://img.chinadaily.com.cn/a%20b.jpg")]
    [InlineData("http://www.wuxinews.com.cn/x.jpg", "http://www.wuxinews.com.cn/x.jpg")]
    [InlineData(" \\images\\a.jpg ", "https://en.wuxi.gov.cn/images/a.jpg")]
    [InlineData("100%.jpg", "https://en.wuxi.gov.cn/2023-11/23/100%25.jpg")]
    public void Resolves_and_encodes(string src, string expected) => Assert.Equal(expected, ImageUrl.Resolve(Page, src));

    [Theory]
    [InlineData("data:image/png;base64,AAAA")]
    [InlineData("javascript:void(0)")]
    [InlineData("")]
    [InlineData(null)]
    public void Refuses_what_is_not_an_image_address(string? src) => Assert.Null(ImageUrl.Resolve(Page, src));
}

public sealed class SamplePathsTests
{
    [Fact]
    public void A_samples_path_gives_the_url()
    {
        var path = Path.Combine("samples", "en.wuxi.gov.cn", "2023-11", "23", "c_941797.htm");
        Assert.Equal("https://en.wuxi.gov.cn/2023-11/23/c_941797.htm", SamplePaths.UrlForFile(path)!.AbsoluteUri);
    }

    [Fact]
    public void A_file_outside_a_host_folder_has_no_url() => Assert.Null(SamplePaths.UrlForFile(Path.Combine(Path.GetTempPath(), "x", "page.html")));

    [Fact]
    public void A_url_gives_the_mirror_file()
    {
        var file = SamplePaths.FileForUrl("/m", new Uri("https://EN.wuxi.gov.cn/2023-11/23/c_941797.htm"));
        Assert.Equal(Path.Combine("/m", "en.wuxi.gov.cn", "2023-11", "23", "c_941797.htm"), file);
    }
}
