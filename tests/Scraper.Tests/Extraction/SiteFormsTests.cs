using Scraper.Extraction;
using Scraper.Extraction.Anatomy;
using Scraper.Sites;

namespace Scraper.Tests.Extraction;

/// <summary>
/// Every date, source and byline line, breadcrumb and caption credit that <c>../shared/SITES.md</c> records, from its
/// examples, read by the rules' named forms (the embedded rules JSON) and the caption reader.
/// </summary>
public sealed class SiteFormsTests
{
    private static readonly SiteAnatomy Wuxi = SiteAnatomy.For(SiteCatalog.Default.Find("en.wuxi.gov.cn"));
    private static readonly SiteAnatomy Wnd = SiteAnatomy.For(SiteCatalog.Default.Find("wnd.gov.cn"));

    private static SiteAnatomy Family(string family) => family == "wuxi" ? Wuxi : Wnd;

    [Theory]
    // Family 1, China Daily's CMS
    [InlineData("wuxi", "Updated : 2023-11-23", "updated", "2023-11-23", null, null)]
    [InlineData("wuxi", "Updated: 2019-06-04", "updated", "2019-06-04", null, null)]
    [InlineData("wuxi", "(chinadaily.com.cn)", "source", null, "chinadaily.com.cn", null)]
    [InlineData("wuxi", "(Chinadaily.com.cn)", "source", null, "Chinadaily.com.cn", null)]
    [InlineData("wuxi", "(en.wuxi.gov.cn)", "source", null, "en.wuxi.gov.cn", null)]
    [InlineData("wuxi", "(gowuxi.com)", "source", null, "gowuxi.com", null)]
    [InlineData("wuxi", "(China Daily USA)", "source", null, "China Daily USA", null)]
    [InlineData("wuxi", "By Chen Liubing and Ma Zhiping in Boao, Hainan (chinadaily.com.cn)", "byline-source", null, "chinadaily.com.cn", "Chen Liubing and Ma Zhiping")]
    [InlineData("wuxi", "By Xie Min (chinadaily.com.cn)", "byline-source", null, "chinadaily.com.cn", "Xie Min")]
    [InlineData("wuxi", "By Zhou Huiying, Cang Wei (China Daily)", "byline-source", null, "China Daily", "Zhou Huiying, Cang Wei")]
    [InlineData("wuxi", "By Kaparova Aizat(en.wuxi.gov.cn)", "byline-source", null, "en.wuxi.gov.cn", "Kaparova Aizat")]
    [InlineData("wuxi", "By Achala Herath|", "byline", null, null, "Achala Herath")]
    [InlineData("wuxi", "By Wang Ying| chinadaily.com.cn| Updated: November 3, 2025", "byline-source-updated", "2025-11-03", "chinadaily.com.cn", "Wang Ying")]
    [InlineData("wuxi", "etaizhou.gov.cn| Updated: April 21, 2023", "source-updated", "2023-04-21", "etaizhou.gov.cn", null)]
    // Family 1, the government CMS and the legacy CMS: empty fields are null, never the next label
    [InlineData("wuxi", "Release time:2019-07-02 Browse:", "release-time", "2019-07-02", null, null)]
    [InlineData("wuxi", "Release time:2018-09-13 Browse:", "release-time", "2018-09-13", null, null)]
    [InlineData("wuxi", "Posted by: Release time: Browse:", "posted-by", null, null, null)]
    [InlineData("wuxi", "posted by:admin time: 2017-10-12", "wap-time", "2017-10-12", null, null)]
    // Family 2
    [InlineData("wnd", "(chinadaily.com.cn)Updated: 2019-06-04", "source-updated", "2019-06-04", "chinadaily.com.cn", null)]
    [InlineData("wnd", "(China Daily)Updated: 2022-03-10", "source-updated", "2022-03-10", "China Daily", null)]
    [InlineData("wnd", "(wndonline.cn)Updated: 2025-03-27", "source-updated", "2025-03-27", "wndonline.cn", null)]
    [InlineData("wnd", "(en.wuxi.gov.cn)Updated: 2022-10-18", "source-updated", "2022-10-18", "en.wuxi.gov.cn", null)]
    [InlineData("wnd", "By SHEN JIAYI (China Daily)Updated: 2023-06-15", "source-updated", "2023-06-15", "China Daily", "SHEN JIAYI")]
    [InlineData("wnd", "By (chinadaily.com.cn)Updated: 2017-01-26 08:19", "source-updated", "2017-01-26", "chinadaily.com.cn", null)]
    [InlineData("wnd", "(China Daily)", "source", null, "China Daily", null)]
    [InlineData("wnd", "Updated: 2018-06-05", "updated", "2018-06-05", null, null)]
    [InlineData("wnd", "发布时间:2023-05-22 10:15 来源:新吴区人民政府 选择阅读字号:[ ]", "published-zh", "2023-05-22", "新吴区人民政府", null)]
    [InlineData("wnd", "发布时间：2021-11-28 10:08 来源：新吴区人民政府 [ 大 中 小 ]", "published-zh", "2021-11-28", "新吴区人民政府", null)]
    [InlineData("wnd", "来源:新吴区人民政府", "source-zh", null, "新吴区人民政府", null)]
    public void Reads_every_header_line_form(string family, string line, string form, string? date, string? source, string? byline)
    {
        var reading = Family(family).ReadInfo(line);
        Assert.NotNull(reading);
        Assert.Equal(form, reading.Form);
        Assert.Equal(date, DateText.ToIso(reading.Published));
        Assert.Equal(source, reading.Source);
        Assert.Equal(byline, reading.Byline);
    }

    [Theory]
    [InlineData("wuxi", "By 2030, the city is projected to have 1.6 million senior citizens, 35 percent of its population.")]
    [InlineData("wuxi", "(China Daily USA 04/01/2016 page12) and more")]
    [InlineData("wuxi", "Updated figures show the city grew 6 percent.")]
    [InlineData("wnd", "Q: How is the life science and technology industry of WND?")]
    [InlineData("wnd", "Key industries and representative companies:")]
    public void Body_lines_are_no_header_forms(string family, string line) => Assert.Null(Family(family).ReadInfo(line));

    [Theory]
    [InlineData("wuxi", "Home > News", "News")]
    [InlineData("wuxi", "Home > Latest", "Latest")]
    [InlineData("wuxi", "Home > Latest News", "Latest News")]
    [InlineData("wuxi", "Home > 2019", "2019")]
    [InlineData("wuxi", "Home > My Wuxi Stories", "My Wuxi Stories")]
    [InlineData("wuxi", "Home> Culture>Heritage", "Heritage")]
    [InlineData("wnd", "Home> News", "News")]
    [InlineData("wnd", "Home> Notable Achievements", "Notable Achievements")]
    [InlineData("wnd", "Home> 30 years on Xinwu blossoms", "30 years on Xinwu blossoms")]
    [InlineData("wnd", "Home> Q and A", "Q and A")]
    [InlineData("wnd", "Home> About WND> Overview", "Overview")]
    [InlineData("wnd", "Home> News Center> Latest News", "Latest News")]
    [InlineData("wnd", "Home > Industries>Micro﹣electronics", "Micro﹣electronics")]
    [InlineData("wnd", "Home\u00a0\u00a0>\u00a0\u00a0\u00a0Education", "Education")]
    [InlineData("wnd", "当前位置:网站首页 > 新闻中心 > 双语新闻 > 正文", "双语新闻")]
    [InlineData("wnd", "首页> 新闻", "新闻")]
    public void Reads_every_crumb_form(string family, string line, string section)
    {
        var anatomy = Family(family);
        var crumbs = anatomy.Crumbs(TextNormalizer.Collapse(line));
        Assert.NotNull(crumbs);
        Assert.Equal(section, anatomy.SectionOf(crumbs));
    }

    [Theory]
    [InlineData("Home")]
    [InlineData("News")]
    [InlineData("Homes for the elderly > everything else")]
    public void A_menu_item_is_no_crumb(string line) => Assert.Null(Wuxi.Crumbs(line));

    [Theory]
    [InlineData("Li Xiaomin delivers a speech. [Photo provided to chinadaily.com.cn]", "Li Xiaomin delivers a speech.", "Photo provided to chinadaily.com.cn")]
    [InlineData("Kaparova Aizat poses for a photo. [Photo provided to wuxi.gov.cn]", "Kaparova Aizat poses for a photo.", "Photo provided to wuxi.gov.cn")]
    [InlineData("The opening. [Photo provided to wndonline.cn]", "The opening.", "Photo provided to wndonline.cn")]
    [InlineData("Delegates discuss the report. [Photo/Wuxi Daily]", "Delegates discuss the report.", "Wuxi Daily")]
    [InlineData("A conference. [Photo/WeChat account: xinwu_wx]", "A conference.", "WeChat account: xinwu_wx")]
    [InlineData("The temple fair. [Photo/WeChat account: meicunrizhi]", "The temple fair.", "WeChat account: meicunrizhi")]
    [InlineData("Li Xiaomin delivers a speech at the talkfest held on May 21. [Photo by Lu Yi/wxrb.com]", "Li Xiaomin delivers a speech at the talkfest held on May 21.", "Photo by Lu Yi/wxrb.com")]
    [InlineData("Taibo Temple in Meicun town.[Photo by Cui Shouwei/wuxinews.com.cn]", "Taibo Temple in Meicun town.", "Photo by Cui Shouwei/wuxinews.com.cn")]
    [InlineData("The memorial gateway. [Photo by Cui Shouwei/provided to wuxinews.com.cn]", "The memorial gateway.", "Photo by Cui Shouwei/provided to wuxinews.com.cn")]
    [InlineData("The author poses for a selfie. [Photo provided by Achala Herath to wuxi.gov.cn]", "The author poses for a selfie.", "Photo provided by Achala Herath to wuxi.gov.cn")]
    [InlineData("Hanscom Smith (left) and Wang Quan have a meeting. [Photo provided by Hu Xin of wuxinews.com.cn] ", "Hanscom Smith (left) and Wang Quan have a meeting.", "Photo provided by Hu Xin of wuxinews.com.cn")]
    [InlineData("Visitors stroll under cherry trees. [Photo from wuxinews.com.cn]", "Visitors stroll under cherry trees.", "Photo from wuxinews.com.cn")]
    [InlineData("The marathon starts. [Photo/Owen Fishwick]", "The marathon starts.", "Owen Fishwick")]
    [InlineData("The old town at night. [Photo/wxrb.com] |", "The old town at night.", "wxrb.com")]
    [InlineData("Smart devices are used in Wuxi's elder-care centers. [Photo provided to chinadaily.com.cn] |", "Smart devices are used in Wuxi's elder-care centers.", "Photo provided to chinadaily.com.cn")]
    [InlineData("Leaders visit. [Photo/wnd.gov.cn]", "Leaders visit.", "wnd.gov.cn")]
    [InlineData("The campus. [Photo/China Daily]", "The campus.", "China Daily")]
    [InlineData("Lanterns on the canal. [Photo/wifiwuxi.com]", "Lanterns on the canal.", "wifiwuxi.com")]
    [InlineData("An aerial view of the district. [Photo by Li Min/China Daily]", "An aerial view of the district.", "Photo by Li Min/China Daily")]
    [InlineData("계약식 현장. [Photo/ We Chat ACCOUNT] |", "계약식 현장.", "We Chat ACCOUNT")]
    [InlineData("A night view of the district. CHINA DAILY", "A night view of the district.", "CHINA DAILY")]
    [InlineData("[Photo provided to wuxi.gov.cn]", null, "Photo provided to wuxi.gov.cn")]
    [InlineData("[Photo by Li Min/China Daily]", null, "Photo by Li Min/China Daily")]
    [InlineData("CHINA DAILY", null, "CHINA DAILY")]
    [InlineData("Wuxi Deputy Mayor Wang Jinjian (R4) visits South Korean enterprises.", "Wuxi Deputy Mayor Wang Jinjian (R4) visits South Korean enterprises.", null)]
    public void Splits_every_credit_form(string text, string? caption, string? credit)
    {
        Assert.Equal((caption, credit), CaptionText.Split(text));
        if (caption is null || credit is null) return;
        // Any of them under an image marks the text as the image's caption.
        Assert.True(CaptionText.HasBracketedCredit(text) || text.EndsWith("CHINA DAILY", StringComparison.Ordinal));
    }

    [Fact]
    public void A_photo_credit_in_round_brackets_closes_a_paragraph_of_text()
    {
        const string text = "However, tourists still visited Meili Ancient Town for different cultural and tourist events as shown in the picture taken on the evening of February 19. (Photo/Wuxi Daily)";
        Assert.Equal(("However, tourists still visited Meili Ancient Town for different cultural and tourist events as shown in the picture taken on the evening of February 19.", "Wuxi Daily"),
            CaptionText.SplitTrailingPhotoCredit(text));
        Assert.Null(CaptionText.SplitTrailingPhotoCredit("The city (Wuxi) grew."));
    }

    [Theory]
    [InlineData("wuxi", "WND to strengthen business collaboration with Japanese enterprises - Wuxi", "WND to strengthen business collaboration with Japanese enterprises")]
    [InlineData("wuxi", "Turtle Head Isle - Attractions - Wuxi", "Turtle Head Isle")]
    [InlineData("wuxi", "Huishan clay figurines: Three Treasures of Wuxi | Heritage | en.wuxi.gov.cn", "Huishan clay figurines: Three Treasures of Wuxi")]
    [InlineData("wuxi", "4th Session of the 16th Wuxi Municipal People's Congress opens_Wuxi News_Wuxi", "4th Session of the 16th Wuxi Municipal People's Congress opens")]
    [InlineData("wuxi", "Jiangyin - a county-level city thrives - News - Wuxi", "Jiangyin - a county-level city thrives")]
    [InlineData("wuxi", "Overview - Wuxi", "Overview")]
    [InlineData("wuxi", "Wuxi", "Wuxi")]
    [InlineData("wnd", "Wuxi to deepen cooperation with Japan and South Korea - Wuxi National Hi-tech District", "Wuxi to deepen cooperation with Japan and South Korea")]
    [InlineData("wnd", "新吴区举行2024年重大项目集中签约活动_无锡市新吴区人民政府", "新吴区举行2024年重大项目集中签约活动")]
    [InlineData("wnd", "Q&A on investment in Wuxi Life Science and Technology Park - Q and A - Wuxi National Hi-tech District", "Q&A on investment in Wuxi Life Science and Technology Park")]
    public void The_title_loses_what_the_templates_append(string family, string documentTitle, string headline) =>
        Assert.Equal(headline, Family(family).HeadlineOfTitle(documentTitle));

    [Fact]
    public void The_pages_own_crumbs_are_cut_from_its_title_too() =>
        Assert.Equal("Hongshan Site", Wnd.HeadlineOfTitle("Hongshan Site | Attractions | Culture & Tourism | Xinwu", ["Culture & Tourism", "Attractions"]));

    [Theory]
    [InlineData("https://en.wuxi.gov.cn/2023-11/23/c_941797.htm", "2023-11-23")]
    [InlineData("http://www.wuxinews.com.cn/2019-03/28/content_37452825_3.htm", "2019-03-28")]
    [InlineData("https://global.chinadaily.com.cn/m/jiangsu/wuxi/2015-03/11/content_19781642.htm", "2015-03-11")]
    [InlineData("http://jiangsu.chinadaily.com.cn/wuxi/2025-09/03/c_1121900.htm", "2025-09-03")]
    [InlineData("http://en.wuxi.gov.cn/a/20160914/390577.shtml", "2016-09-14")]
    [InlineData("http://en.wuxi.gov.cn/a/201809/1rxx6tu75u8ml.shtml", null)]
    [InlineData("http://en.wuxi.gov.cn/sitePages/subPages/1300350001397605.html", null)]
    [InlineData("https://en.wuxi.gov.cn/2023-02/30/c_1.htm", null)]
    public void Dates_in_the_portals_urls(string url, string? date) => Assert.Equal(date, DateText.ToIso(Wuxi.UrlDate(new Uri(url))));

    [Theory]
    [InlineData("http://subsites.chinadaily.com.cn/bizwnden/2020-11/06/c_567903_3.htm", "2020-11-06")]
    [InlineData("http://www.chinadaily.com.cn/m/jiangsu/wuxinewdistrict/2018-06/05/content_18707796.htm", "2018-06-05")]
    [InlineData("https://www.wnd.gov.cn/doc/2021/11/28/3516537.shtml", "2021-11-28")]
    [InlineData("http://bizwnd.gov.cn/overview.html", null)]
    public void Dates_in_the_districts_urls(string url, string? date) => Assert.Equal(date, DateText.ToIso(Wnd.UrlDate(new Uri(url))));
}

/// <summary>Every host and URL form of SITES.md belongs to its family, as the right kind of page.</summary>
public sealed class SiteUrlFormsTests
{
    public enum Kind { Article, Continuation, List, Other }

    [Theory]
    [InlineData("http://en.wuxi.gov.cn/2023-11/23/c_941797.htm", Kind.Article)]
    [InlineData("https://en.wuxi.gov.cn/2023-01/20/content_853980.htm", Kind.Article)]
    [InlineData("https://en.wuxi.gov.cn/2019-02/14/c_984552_4.htm", Kind.Continuation)]
    [InlineData("http://www.wuxinews.com.cn/2019-03/28/content_37452825_3.htm", Kind.Continuation)]
    [InlineData("http://wuxinews.com.cn/40years.html", Kind.List)]
    [InlineData("http://www.chinadaily.com.cn/m/jiangsu/wuxi/2015-01/22/content_23809679.htm", Kind.Article)]
    [InlineData("https://global.chinadaily.com.cn/m/jiangsu/wuxi/2015-03/11/content_19781642.htm", Kind.Article)]
    [InlineData("http://global.chinadaily.com.cn/m/jiangsu/wuxi/2015-01/22/content_23809679_2.htm", Kind.Continuation)]
    [InlineData("http://covid-19.chinadaily.com.cn/m/jiangsu/wuxi/2016-04/01/content_24290278.htm", Kind.Article)]
    [InlineData("http://www.chinadaily.com.cn/m/jiangsu/wuxi/2019wuximarathon.html", Kind.List)]
    [InlineData("http://jiangsu.chinadaily.com.cn/wuxi/2025-09/03/c_1121900.htm", Kind.Article)]
    [InlineData("http://jiangsu.chinadaily.com.cn/wuxi/latest_151.html", Kind.List)]
    [InlineData("http://en.wuxi.gov.cn/a/201809/1rxx6tu75u8ml.shtml", Kind.Article)]
    [InlineData("http://en.wuxi.gov.cn/a/20160914/390577.shtml", Kind.Article)]
    [InlineData("http://en.wuxi.gov.cn/c/AboutWuxi/Culture/WuCulturePark.shtml", Kind.Article)]
    [InlineData("http://en.wuxi.gov.cn/sitePages/subPages/1300350001397605.html?sourceChannelId=23296&did=337370", Kind.Article)]
    [InlineData("http://en.wuxi.gov.cn/sitePages/subPages/1300350001396085.html", Kind.Article)]
    [InlineData("http://wap.en.wuxi.gov.cn/wrap/wx/pages/subPages/newsDetail.cmsAction?pageId=397607", Kind.Article)]
    [InlineData("http://en.wuxi.gov.cn/bizupdates_18.html", Kind.List)]
    [InlineData("http://en.wuxi.gov.cn/latest_153.html", Kind.List)]
    [InlineData("https://en.wuxi.gov.cn/wuxiexpatswuxiinsights_4.html", Kind.List)]
    [InlineData("http://en.wuxi.gov.cn/videos.html", Kind.List)]
    public void The_portals_hosts_and_url_forms(string url, Kind kind) => AssertForm(url, "en.wuxi.gov.cn", kind, "en");

    [Theory]
    [InlineData("http://www.wndonline.cn/2019-06/04/c_346512.htm", Kind.Article, "en")]
    [InlineData("http://www.wndonline.cn/2023-06/15/c_905318_3.htm", Kind.Continuation, "en")]
    [InlineData("http://www.wndonline.cn/wndnews_18.html", Kind.List, "en")]
    [InlineData("http://www.wndonline.cn/wndtransportation_2.html", Kind.List, "en")]
    [InlineData("http://subsites.chinadaily.com.cn/bizwnden/2022-10/18/c_822968.htm", Kind.Article, "en")]
    [InlineData("http://subsites.chinadaily.com.cn/bizwnden/2020-11/06/c_567903_3.htm", Kind.Continuation, "en")]
    [InlineData("http://www.bizwnd.com/2017-01/26/c_50157.htm", Kind.Article, "en")]
    [InlineData("http://bizwnd.gov.cn/overview.html", Kind.List, "en")]
    [InlineData("http://www.chinadaily.com.cn/m/jiangsu/wuxinewdistrict/2018-06/05/content_18707796.htm", Kind.Article, "en")]
    [InlineData("http://global.chinadaily.com.cn/m/jiangsu/wuxinewdistrict/2018-06/05/content_18707796_2.htm", Kind.Continuation, "en")]
    [InlineData("http://covid-19.chinadaily.com.cn/m/jiangsu/wuxinewdistrict/2018-06/05/content_18707796.htm", Kind.Article, "en")]
    [InlineData("http://kr.wndonline.cn/2024-05/20/c_1020345.htm", Kind.Article, "ko")]
    [InlineData("http://jp.wndonline.cn/2024-05/21/c_1020411.htm", Kind.Article, "ja")]
    [InlineData("http://www.wnd.gov.cn/doc/2023/05/22/3963395.shtml", Kind.Article, "en")]
    [InlineData("https://www.wnd.gov.cn/doc/2021/11/28/3516537.shtml", Kind.Article, "en")]
    public void The_districts_hosts_and_url_forms(string url, Kind kind, string language) => AssertForm(url, "wnd.gov.cn", kind, language);

    [Theory]
    [InlineData("http://www.chinadaily.com.cn/a/202301/01/WS63b0c0a5a31057c47eba7a21.html")]
    [InlineData("http://www.chinadaily.com.cn/m/jiangsu/wuxinew/2018-06/05/content_1.htm")]
    [InlineData("http://subsites.chinadaily.com.cn/otherzone/2022-10/18/c_822968.htm")]
    [InlineData("http://en.wuxi.gov.cn.example.com/2023-11/23/c_941797.htm")]
    [InlineData("http://jiangsu.chinadaily.com.cn/nanjing/2025-09/03/c_1121900.htm")]
    public void Mirrors_and_neighbours_on_other_paths_are_not_the_sites(string url) => Assert.Null(SiteCatalog.Default.Match(new Uri(url)));

    private static void AssertForm(string url, string site, Kind kind, string language)
    {
        var uri = new Uri(url);
        var rule = SiteCatalog.Default.Match(uri);
        Assert.NotNull(rule);
        Assert.Equal(site, rule.Site);
        var actual = rule.ContinuationPage(uri) is not null ? Kind.Continuation
            : rule.IsArticle(uri) ? Kind.Article
            : rule.ListUrlRegex?.IsMatch(uri.AbsolutePath) == true ? Kind.List
            : Kind.Other;
        Assert.Equal(kind, actual);
        Assert.Equal(language, rule.HostLanguages.GetValueOrDefault(uri.Host, rule.Language!));
    }
}
