using Scraper.Fetching;

namespace Scraper.Tests.Fetching;

public sealed class RobotsRulesTests
{
    private static bool Allowed(string robots, string path, string token = "scraper") =>
        RobotsRules.Parse(robots, token).Check(path).Allowed;

    [Theory]
    [InlineData("/news/a.htm", false)]
    [InlineData("/news/public/a.htm", true)]
    [InlineData("/newsletter", true)]
    [InlineData("/", true)]
    public void The_longest_matching_rule_wins(string path, bool allowed)
    {
        const string robots = "User-agent: *\nDisallow: /news/\nAllow: /news/public/\n";
        Assert.Equal(allowed, Allowed(robots, path));
    }

    [Fact]
    public void Allow_wins_a_tie_between_equally_long_rules()
    {
        const string robots = "User-agent: *\nDisallow: /page\nAllow: /page\n";
        Assert.True(Allowed(robots, "/page.htm"));
    }

    [Fact]
    public void A_longer_disallow_beats_a_shorter_allow_whatever_the_order()
    {
        const string robots = "User-agent: *\nAllow: /\nDisallow: /private\n";
        Assert.False(Allowed(robots, "/private/x"));
        Assert.True(Allowed(robots, "/public/x"));
    }

    [Theory]
    [InlineData("/a/b.php", false)]
    [InlineData("/a/b.php?x=1", false)]
    [InlineData("/a/b.php5", false)]
    [InlineData("/a/b.html", true)]
    public void Star_matches_any_run_of_characters(string path, bool allowed) =>
        Assert.Equal(allowed, Allowed("User-agent: *\nDisallow: /*.php\n", path));

    [Theory]
    [InlineData("/file.pdf", false)]
    [InlineData("/dir/file.pdf", false)]
    [InlineData("/file.pdf?download=1", true)]
    [InlineData("/file.pdfx", true)]
    public void Dollar_anchors_the_end(string path, bool allowed) =>
        Assert.Equal(allowed, Allowed("User-agent: *\nDisallow: /*.pdf$\n", path));

    [Fact]
    public void Allow_with_dollar_can_open_one_page_of_a_closed_folder()
    {
        const string robots = "User-agent: *\nDisallow: /news/\nAllow: /news/$\n";
        Assert.True(Allowed(robots, "/news/"));
        Assert.False(Allowed(robots, "/news/a.htm"));
    }

    [Fact]
    public void The_group_naming_our_product_token_replaces_the_star_group()
    {
        const string robots = """
            User-agent: *
            Disallow: /

            User-agent: Googlebot
            Disallow:

            User-agent: SCRAPER/2.0
            Disallow: /private/
            """;
        Assert.True(Allowed(robots, "/news/a.htm"));
        Assert.False(Allowed(robots, "/private/a.htm"));
        Assert.False(Allowed(robots, "/news/a.htm", token: "otherbot"));
        Assert.True(Allowed(robots, "/news/a.htm", token: "googlebot"));
    }

    [Fact]
    public void Consecutive_user_agent_lines_share_one_group_and_repeated_groups_merge()
    {
        const string robots = """
            User-agent: otherbot
            User-agent: scraper
            Disallow: /a/

            User-agent: somebot
            Disallow: /b/

            User-agent: scraper
            Disallow: /c/
            """;
        Assert.False(Allowed(robots, "/a/1"));
        Assert.True(Allowed(robots, "/b/1"));
        Assert.False(Allowed(robots, "/c/1"));
    }

    [Fact]
    public void Rules_before_any_user_agent_line_and_unknown_lines_are_ignored()
    {
        const string robots = "Disallow: /everything\nHost: example.com\nUser-agent: *\nClean-param: x\nDisallow: /x/\n";
        Assert.True(Allowed(robots, "/everything"));
        Assert.False(Allowed(robots, "/x/1"));
    }

    [Fact]
    public void An_empty_disallow_allows_everything()
    {
        Assert.True(Allowed("User-agent: *\nDisallow:\n", "/anything"));
    }

    [Fact]
    public void No_group_for_us_and_no_star_group_allows_everything()
    {
        Assert.True(Allowed("User-agent: otherbot\nDisallow: /\n", "/anything"));
    }

    [Fact]
    public void Comments_case_bom_and_crlf_are_tolerated()
    {
        const string robots = "\uFEFFUSER-AGENT: * # everyone\r\nDISALLOW: /Private/ # case of the path matters\r\n";
        Assert.False(Allowed(robots, "/Private/a"));
        Assert.True(Allowed(robots, "/private/a"));
    }

    [Fact]
    public void Percent_encoding_and_non_ascii_paths_compare_equal()
    {
        const string robots = "User-agent: *\nDisallow: /新闻/\nDisallow: /%7Euser/\n";
        Assert.False(Allowed(robots, "/%E6%96%B0%E9%97%BB/a.htm"));
        Assert.False(Allowed(robots, "/%e6%96%b0%e9%97%bb/a.htm"));
        Assert.False(Allowed(robots, "/~user/page"));
    }

    [Fact]
    public void Robots_txt_itself_is_always_allowed()
    {
        var rules = RobotsRules.Parse("User-agent: *\nDisallow: /\n", "scraper");
        Assert.True(rules.IsAllowed(new Uri("https://en.wuxi.gov.cn/robots.txt")));
        Assert.False(rules.IsAllowed(new Uri("https://en.wuxi.gov.cn/index.html")));
    }

    [Fact]
    public void Crawl_delay_comes_from_the_chosen_group_and_sitemaps_from_anywhere()
    {
        const string robots = """
            Sitemap: https://en.wuxi.gov.cn/sitemap.xml
            User-agent: *
            Crawl-delay: 10

            User-agent: scraper
            Sitemap: https://en.wuxi.gov.cn/news-sitemap.xml
            Crawl-delay: 2.5
            Disallow: /tmp/
            """;
        var rules = RobotsRules.Parse(robots, "scraper");
        Assert.Equal(TimeSpan.FromSeconds(2.5), rules.CrawlDelay);
        Assert.Equal(["https://en.wuxi.gov.cn/sitemap.xml", "https://en.wuxi.gov.cn/news-sitemap.xml"], rules.Sitemaps);
        Assert.False(rules.IsAllowed(new Uri("https://en.wuxi.gov.cn/tmp/x")));
        Assert.Equal(TimeSpan.FromSeconds(10), RobotsRules.Parse(robots, "otherbot").CrawlDelay);
    }

    [Fact]
    public void An_unreadable_crawl_delay_is_ignored()
    {
        Assert.Null(RobotsRules.Parse("User-agent: *\nCrawl-delay: soon\n", "scraper").CrawlDelay);
    }

    [Fact]
    public void The_verdict_names_the_deciding_rule()
    {
        var rules = RobotsRules.Parse("User-agent: *\nDisallow: /news/\nAllow: /news/public/\n", "scraper");
        Assert.Equal(new RobotsVerdict(false, "Disallow: /news/"), rules.Check("/news/x"));
        Assert.Equal(new RobotsVerdict(true, "Allow: /news/public/"), rules.Check("/news/public/x"));
        Assert.Equal(new RobotsVerdict(true, null), rules.Check("/other"));
    }

    [Fact]
    public void A_hostile_pattern_does_not_stall_matching()
    {
        var rules = RobotsRules.Parse("User-agent: *\nDisallow: /*a*a*a*a*a*a*a*a*a*a*a*a*b\n", "scraper");
        var path = "/" + new string('a', 5000);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(rules.Check(path).Allowed);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }

    [Fact]
    public void The_product_token_is_the_user_agent_up_to_the_slash()
    {
        Assert.Equal("scraper", new FetchOptions().RobotsProductToken);
        Assert.Equal("my-bot", (new FetchOptions() with { UserAgent = "my-bot/1.0 (+https://example.org)" }).RobotsProductToken);
    }
}
