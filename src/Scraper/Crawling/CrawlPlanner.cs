using System.Globalization;
using Scraper.Archive;
using Scraper.Sites;

namespace Scraper.Crawling;

/// <summary><c>scraper crawl</c>'s options as the user wrote them, before they are checked.</summary>
public sealed record CrawlRequest
{
    /// <summary><c>en.wuxi.gov.cn</c>, <c>wnd.gov.cn</c> or <c>all</c>.</summary>
    public string Site { get; init; } = "all";
    /// <summary>Comma-separated section names (<c>bizupdates,news</c>): their <c>/&lt;name&gt;.html</c> lists.</summary>
    public string? Sections { get; init; }
    /// <summary>A day, <c>YYYY-MM-DD</c>.</summary>
    public string? Since { get; init; }
    public int? MaxPages { get; init; }
    /// <summary><c>due</c>, <c>all</c> or <c>none</c>.</summary>
    public string Revisit { get; init; } = "due";
    public int Concurrency { get; init; } = 4;
    public IReadOnlyList<string> Start { get; init; } = [];
    public bool Images { get; init; }
}

/// <summary>A crawl request that cannot be carried out as written; the message is one line for the user.</summary>
public sealed class CrawlPlanException(string message) : Exception(message);

/// <summary>
/// Turns what the user asked for into a <see cref="CrawlOptions"/>: which sites and their rules, which start URLs
/// (the rules' section lists, <c>--sections</c>' lists, or <c>--start</c> URLs, whose hosts then become the crawl's
/// hosts with the chosen site's rules: how the tests crawl a server on 127.0.0.1).
/// </summary>
public static class CrawlPlanner
{
    /// <exception cref="CrawlPlanException">An unknown site, a bad date or URL, a count out of range.</exception>
    public static CrawlOptions Plan(CrawlRequest request, SiteCatalog? catalog = null)
    {
        catalog ??= SiteCatalog.Default;
        IReadOnlyList<SiteRule> sites = request.Site switch
        {
            "all" => catalog.Rules,
            _ => [catalog.Find(request.Site) ?? throw new CrawlPlanException($"--site '{request.Site}' is not a known site ({string.Join(", ", catalog.Rules.Select(r => r.Site))} or all)")],
        };
        if (request.Concurrency < 1) throw new CrawlPlanException("--concurrency must be at least 1");
        if (request.MaxPages is < 1) throw new CrawlPlanException("--max-pages must be at least 1");
        DateOnly? since = null;
        if (request.Since is not null)
        {
            if (!DateOnly.TryParseExact(request.Since, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                throw new CrawlPlanException($"--since '{request.Since}' is not a date (YYYY-MM-DD)");
            since = day;
        }
        var sectionNames = request.Sections?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        if (sectionNames.Any(s => !s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            throw new CrawlPlanException("--sections takes names like bizupdates,news");

        List<Uri> startUrls;
        if (request.Start.Count > 0)
        {
            startUrls = [];
            foreach (var text in request.Start)
            {
                if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                    throw new CrawlPlanException($"--start '{text}' is not an http(s) URL");
                startUrls.Add(url);
            }
            // The crawl's hosts become the start URLs' hosts, with the chosen site's rules (how tests crawl a loopback server).
            var foreign = startUrls.Where(u => catalog.Match(u) is null).Select(u => u.Host.ToLowerInvariant()).Distinct().ToList();
            if (foreign.Count > 0)
            {
                if (sites.Count != 1) throw new CrawlPlanException("--start with hosts of no known site needs --site en.wuxi.gov.cn or --site wnd.gov.cn");
                sites = [sites[0] with { Hosts = foreign }];
            }
            else
            {
                sites = sites.Where(s => startUrls.Any(u => catalog.Match(u)?.Site == s.Site)).ToList();
            }
        }
        else
        {
            startUrls = sites.SelectMany(s => s.StartUrls.Select(u => new Uri(u))).ToList();
        }
        if (sectionNames.Length > 0)
        {
            var wanted = sectionNames.Select(n => "/" + n.ToLowerInvariant()).ToHashSet();
            var kept = startUrls.Where(u => wanted.Contains(ListPageReader.SectionStem(u).ToLowerInvariant())).ToList();
            // Sections the rules do not start from are the site's /<name>.html lists on its first host.
            foreach (var name in wanted.Where(w => !kept.Any(u => ListPageReader.SectionStem(u).Equals(w, StringComparison.OrdinalIgnoreCase))))
                foreach (var rule in sites)
                {
                    var origin = startUrls.FirstOrDefault(u => catalog.Match(u)?.Site == rule.Site || rule.Hosts.Contains(u.Host))
                                 ?? new Uri("https://" + rule.Hosts[0].Split('/')[0] + "/");
                    kept.Add(new Uri(origin, name + ".html"));
                }
            startUrls = kept;
        }
        return new CrawlOptions
        {
            Sites = sites,
            StartUrls = startUrls,
            Since = since,
            MaxPages = request.MaxPages,
            Revisit = request.Revisit switch { "all" => RevisitMode.All, "none" => RevisitMode.None, _ => RevisitMode.Due },
            Concurrency = request.Concurrency,
            Images = request.Images,
            // --sections narrows the crawl to those sections: no other section the pages link to, and no sitemaps (which
            // list every section's articles).
            SectionNames = sectionNames.Length > 0 ? sectionNames.Select(n => n.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal) : null,
            Sitemaps = sectionNames.Length == 0,
        };
    }
}
