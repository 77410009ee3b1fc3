using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Scraper.Sites;

namespace Scraper.Archive;

/// <summary>
/// Which URLs are one page of the archive. The sites answer every page on http and https, and some of their hosts serve
/// the same paths (the rules' <see cref="SiteRule.HostAliases"/>: en.wuxi.gov.cn and www.wuxinews.com.cn, China Daily's
/// mirrors of one home): a page is keyed by its <see cref="Key"/>, its URL without the scheme and with the host (and path
/// prefix) of its group's canonical host. The page's own URL (<see cref="Canonical(string)"/>) is that canonical spelling
/// with the scheme under which the page was first archived: an archive that started on http keeps its URLs, and a page
/// found on https later is the same page. A page's <c>&lt;link rel="canonical"&gt;</c> to an article URL of the same family
/// names the page it is (<see cref="AcceptCanonicalLink"/>). Every other spelling is an alias of the page.
/// Immutable and thread-safe.
/// </summary>
public sealed partial class PageIdentity
{
    /// <summary>Bumped when the way keys are made changes, so archives keyed the old way are keyed again on open.</summary>
    private const string Version = "identity 1";

    private readonly SiteCatalog? _sites;
    private readonly List<Member> _members = [];

    /// <summary>One host (and path prefix) of an alias group; <see cref="Canonical"/> is the group's canonical member.</summary>
    private sealed record Member(string Host, string Prefix, string Site, int Group)
    {
        public Member Canonical { get; set; } = null!;
    }

    /// <param name="sites">The rules whose host aliases make pages one; null for none (http and https of one host are still one page).</param>
    public PageIdentity(SiteCatalog? sites)
    {
        _sites = sites;
        var description = new StringBuilder(Version);
        var group = 0;
        foreach (var rule in sites?.Rules ?? [])
        {
            foreach (var aliases in rule.HostAliases ?? [])
            {
                var canonical = ParseMember(aliases.Canonical, rule.Site, group);
                canonical.Canonical = canonical;
                _members.Add(canonical);
                description.Append('\n').Append(rule.Site).Append(": ").Append(canonical.Host).Append(canonical.Prefix);
                foreach (var alias in aliases.Aliases ?? [])
                {
                    var member = ParseMember(alias, rule.Site, group);
                    member.Canonical = canonical;
                    _members.Add(member);
                    description.Append(" = ").Append(member.Host).Append(member.Prefix);
                }
                group++;
            }
        }
        // The longest prefix wins where a host has several (www.chinadaily.com.cn/m/jiangsu/wuxi and …/wuxinewdistrict).
        _members.Sort((a, b) => b.Prefix.Length.CompareTo(a.Prefix.Length));
        Description = description.ToString();
    }

    /// <summary>The identity the embedded rules make.</summary>
    public static PageIdentity Default { get; } = new(SiteCatalog.Default);

    /// <summary>The host groups as text, stored in the archive: an archive keyed under other groups is keyed again on open.</summary>
    public string Description { get; }

    /// <summary>The page's canonical spelling of a URL already in <see cref="CanonicalUrl"/> form: the group's canonical host, the given scheme.</summary>
    public string Canonical(string normalized)
    {
        var (scheme, authority, path) = Split(normalized);
        if (FindMember(authority, path) is not { } member || ReferenceEquals(member, member.Canonical))
            return normalized;
        return scheme + "://" + member.Canonical.Host + member.Canonical.Prefix + path[member.Prefix.Length..];
    }

    /// <summary>The canonical spelling of an absolute http(s) URL.</summary>
    public string Canonical(Uri url) => Canonical(CanonicalUrl.Normalize(url));

    /// <summary>What the archive keys a page by: its canonical spelling without the scheme.</summary>
    public string Key(string normalized)
    {
        var canonical = Canonical(normalized);
        return canonical[(canonical.IndexOf("://", StringComparison.Ordinal) + 3)..];
    }

    public string Key(Uri url) => Key(CanonicalUrl.Normalize(url));

    /// <summary>Every spelling of the page (<paramref name="normalized"/> first): each host of its group, over http and https.</summary>
    public IReadOnlyList<string> Spellings(string normalized)
    {
        var (_, authority, path) = Split(normalized);
        var spellings = new List<string> { normalized };
        void Add(string spelling)
        {
            if (!spellings.Contains(spelling, StringComparer.Ordinal)) spellings.Add(spelling);
        }
        if (FindMember(authority, path) is { } member)
        {
            var rest = path[member.Prefix.Length..];
            foreach (var other in _members.Where(m => m.Group == member.Group).OrderBy(m => ReferenceEquals(m, m.Canonical) ? 0 : 1))
                foreach (var scheme in Schemes)
                    Add(scheme + "://" + other.Host + other.Prefix + rest);
        }
        else
        {
            foreach (var scheme in Schemes)
                Add(scheme + "://" + authority + path);
        }
        return spellings;
    }

    /// <summary>
    /// The canonical spelling of the page a <c>&lt;link rel="canonical"&gt;</c> names, when it is to be believed: an article
    /// URL (not a continuation page) of the same site family as the page, by the rules. Anything else (no rules for the
    /// host, a link to the home page or a list, as some templates put on every page) is ignored: it would merge pages
    /// that are not one.
    /// </summary>
    public string? AcceptCanonicalLink(Uri page, string? href)
    {
        if (_sites is null || string.IsNullOrWhiteSpace(href) || !Uri.TryCreate(page, href.Trim(), out var link) || !HostIsHttp(link))
            return null;
        var pageSite = SiteOf(page);
        if (pageSite is null || _sites.Match(link) is not { } rule || rule.Site != pageSite || SiteOf(link) != pageSite)
            return null;
        if (!rule.IsArticle(link) || rule.ContinuationPage(link) is not null)
            return null;
        return Canonical(link);
    }

    /// <summary>The site family of a URL: that of its alias group, else that of the rules matching its host.</summary>
    private string? SiteOf(Uri url)
    {
        var (_, authority, path) = Split(CanonicalUrl.Normalize(url));
        return FindMember(authority, path)?.Site ?? _sites?.Match(url)?.Site;
    }

    private Member? FindMember(string authority, string path)
    {
        foreach (var member in _members)
            if (string.Equals(member.Host, authority, StringComparison.Ordinal)
                && (member.Prefix.Length == 0 || path.StartsWith(member.Prefix, StringComparison.OrdinalIgnoreCase)
                    && (path.Length == member.Prefix.Length || path[member.Prefix.Length] is '/' or '?')))
                return member;
        return null;
    }

    private static readonly string[] Schemes = ["https", "http"];

    private static bool HostIsHttp(Uri url) => url.Scheme is "http" or "https";

    private static Member ParseMember(string entry, string site, int group)
    {
        var text = entry.Trim().TrimEnd('/').ToLowerInvariant();
        var slash = text.IndexOf('/');
        return slash < 0 ? new Member(text, "", site, group) : new Member(text[..slash], text[slash..], site, group);
    }

    /// <summary>A <see cref="CanonicalUrl"/> string as scheme, authority (host and any port) and the rest (path and query).</summary>
    private static (string Scheme, string Authority, string Path) Split(string normalized)
    {
        var schemeEnd = normalized.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0) throw new ArgumentException($"not an absolute URL: {normalized}", nameof(normalized));
        var authorityStart = schemeEnd + 3;
        var pathStart = normalized.IndexOf('/', authorityStart);
        if (pathStart < 0) pathStart = normalized.Length;
        var path = pathStart < normalized.Length ? normalized[pathStart..] : "/";
        return (normalized[..schemeEnd], normalized[authorityStart..pathStart], path);
    }

    /// <summary>
    /// The href of the first <c>&lt;link rel="canonical"&gt;</c> in a page's head, or null. A scan of the raw bytes (the
    /// head's first 256 KB, as Latin-1, where an ASCII URL reads as itself) rather than a parse: it runs for every stored page.
    /// </summary>
    public static string? FindCanonicalLink(ReadOnlySpan<byte> body)
    {
        var head = body[..Math.Min(body.Length, 256 * 1024)];
        var text = Encoding.Latin1.GetString(head);
        var bodyStart = BodyTag().Match(text);
        var end = bodyStart.Success ? bodyStart.Index : text.Length;
        foreach (Match tag in LinkTag().Matches(text[..end]))
        {
            var rel = Attribute(tag.Value, "rel");
            if (rel is null || !rel.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("canonical", StringComparer.OrdinalIgnoreCase))
                continue;
            var href = Attribute(tag.Value, "href");
            // A non-ASCII href cannot be read right from bytes of unknown charset: better none than a wrong one.
            return href is null || href.Any(c => c > 0x7e) ? null : WebUtility.HtmlDecode(href).Trim();
        }
        return null;
    }

    private static string? Attribute(string tag, string name)
    {
        foreach (Match attribute in AttributePattern().Matches(tag))
            if (string.Equals(attribute.Groups["name"].Value, name, StringComparison.OrdinalIgnoreCase))
                return attribute.Groups["dq"].Success ? attribute.Groups["dq"].Value
                    : attribute.Groups["sq"].Success ? attribute.Groups["sq"].Value
                    : attribute.Groups["bare"].Value;
        return null;
    }

    [GeneratedRegex(@"<link\b[^>]*>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex LinkTag();

    [GeneratedRegex(@"<body\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex BodyTag();

    [GeneratedRegex("""\s(?<name>[a-zA-Z-]+)\s*=\s*(?:"(?<dq>[^"]*)"|'(?<sq>[^']*)'|(?<bare>[^\s>]+))""", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex AttributePattern();
}
