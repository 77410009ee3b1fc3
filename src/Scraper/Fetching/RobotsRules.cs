using System.Text;

namespace Scraper.Fetching;

/// <summary>The verdict for one URL, with the rule that decided it (null when no rule matched).</summary>
public readonly record struct RobotsVerdict(bool Allowed, string? Rule);

/// <summary>
/// The rules of one robots.txt that apply to one crawler, per RFC 9309 (Google's reading): the groups naming
/// the crawler's product token are merged and used, else the <c>*</c> groups; among the Allow and Disallow
/// rules that match a path, the longest pattern wins and Allow wins a tie; <c>*</c> matches any run of
/// characters and a final <c>$</c> anchors the end. Crawl-delay (not in the RFC) is read from the chosen groups;
/// Sitemap lines from anywhere.
/// </summary>
public sealed class RobotsRules
{
    private readonly List<Rule> _rules;

    private RobotsRules(List<Rule> rules, TimeSpan? crawlDelay, IReadOnlyList<string> sitemaps, string description, bool unreachable = false)
    {
        _rules = rules;
        CrawlDelay = crawlDelay;
        Sitemaps = sitemaps;
        Description = description;
        Unreachable = unreachable;
    }

    /// <summary>No robots.txt (4xx): everything may be fetched.</summary>
    public static RobotsRules AllowAll(string why = "no robots.txt") => new([], null, [], why);

    /// <summary>robots.txt unreachable (5xx, network failure): nothing on the host may be fetched this run.</summary>
    public static RobotsRules DisallowAll(string why) => new([new Rule("/", Allow: false)], null, [], why, unreachable: true);

    /// <summary>robots.txt could not be had (5xx, 429, no answer): the host is closed for the run, and that is a failure
    /// to report, not the site's wish (RFC 9309 §2.3.1.4).</summary>
    public bool Unreachable { get; }

    public TimeSpan? CrawlDelay { get; }

    public IReadOnlyList<string> Sitemaps { get; }

    /// <summary>Where these rules came from, for messages: <c>robots.txt</c>, <c>no robots.txt (HTTP 404)</c>…</summary>
    public string Description { get; }

    public static RobotsRules Parse(string text, string productToken)
    {
        var token = productToken.Trim().ToLowerInvariant();
        var specific = new List<Rule>();
        var general = new List<Rule>();
        TimeSpan? specificDelay = null, generalDelay = null;
        bool foundSpecific = false, foundGeneral = false;
        var sitemaps = new List<string>();

        // The user-agent lines of the group being read; a rule line closes the run of user-agent lines.
        bool groupIsSpecific = false, groupIsGeneral = false, readingAgents = false;

        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine;
            var hash = line.IndexOf('#');
            if (hash >= 0) line = line[..hash];
            line = line.Trim().TrimStart('\uFEFF');
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var key = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();

            switch (key)
            {
                case "user-agent" or "useragent" or "user agent":
                    if (!readingAgents)
                    {
                        groupIsSpecific = groupIsGeneral = false;
                        readingAgents = true;
                    }
                    var agent = ProductTokenOf(value).ToLowerInvariant();
                    if (agent == "*") { groupIsGeneral = true; foundGeneral = true; }
                    else if (agent.Length > 0 && agent == token) { groupIsSpecific = true; foundSpecific = true; }
                    break;
                case "allow" or "disallow" or "dissallow" or "disalow":
                    readingAgents = false;
                    // An empty Disallow allows everything, which is what having no rule means.
                    if (value.Length == 0) break;
                    var rule = new Rule(NormalisePattern(value), Allow: key == "allow");
                    if (groupIsSpecific) specific.Add(rule);
                    if (groupIsGeneral) general.Add(rule);
                    break;
                case "crawl-delay":
                    readingAgents = false;
                    if (double.TryParse(value, System.Globalization.NumberStyles.Float,
                            System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                        && seconds >= 0 && seconds < TimeSpan.MaxValue.TotalSeconds)
                    {
                        var delay = TimeSpan.FromSeconds(seconds);
                        if (groupIsSpecific) specificDelay ??= delay;
                        if (groupIsGeneral) generalDelay ??= delay;
                    }
                    break;
                case "sitemap" or "site-map":
                    // Sitemap lines belong to no group, so they do not close a run of user-agent lines.
                    if (value.Length > 0) sitemaps.Add(value);
                    break;
                default:
                    // Unknown lines (Host:, Clean-param:, typos) neither open nor close a group.
                    break;
            }
        }

        return foundSpecific
            ? new RobotsRules(specific, specificDelay, sitemaps, "robots.txt")
            : new RobotsRules(foundGeneral ? general : [], generalDelay, sitemaps, "robots.txt");
    }

    public bool IsAllowed(Uri url) => Check(url).Allowed;

    public RobotsVerdict Check(Uri url)
    {
        // RFC 9309: /robots.txt itself is always allowed.
        if (url.AbsolutePath == "/robots.txt") return new(true, null);
        return Check(url.PathAndQuery);
    }

    /// <param name="pathAndQuery">The path and query as sent on the wire (percent-encoded).</param>
    public RobotsVerdict Check(string pathAndQuery)
    {
        var path = NormalisePath(pathAndQuery);
        Rule? best = null;
        foreach (var rule in _rules)
        {
            if (!Matches(rule.Pattern, path)) continue;
            if (best is null || rule.Pattern.Length > best.Pattern.Length
                || rule.Pattern.Length == best.Pattern.Length && rule.Allow && !best.Allow)
                best = rule;
        }
        return best is null ? new(true, null) : new(best.Allow, (best.Allow ? "Allow: " : "Disallow: ") + best.Pattern);
    }

    /// <summary>Characters allowed in a product token (RFC 9309: a-z, A-Z, _ and -).</summary>
    internal static bool IsProductTokenChar(char c) => char.IsAsciiLetter(c) || c is '_' or '-';

    private static string ProductTokenOf(string value)
    {
        if (value.StartsWith('*')) return "*";
        var end = 0;
        while (end < value.Length && IsProductTokenChar(value[end])) end++;
        return value[..end];
    }

    // Iterative wildcard matching with backtracking to the last '*': linear for the patterns robots files use,
    // and never exponential (a hostile "*a*a*a*a*" cannot stall the crawl).
    private static bool Matches(string pattern, string path)
    {
        var anchored = pattern.EndsWith('$');
        if (anchored) pattern = pattern[..^1];
        int p = 0, s = 0, starP = -1, starS = 0;
        while (true)
        {
            if (p == pattern.Length)
            {
                if (!anchored || s == path.Length) return true;
            }
            else if (pattern[p] == '*')
            {
                starP = ++p;
                starS = s;
                continue;
            }
            else if (s < path.Length && pattern[p] == path[s])
            {
                p++;
                s++;
                continue;
            }
            if (starP < 0 || starS >= path.Length) return false;
            p = starP;
            s = ++starS;
        }
    }

    // Patterns and paths are compared in one form: non-ASCII as UTF-8 percent escapes, escapes in upper case,
    // escaped unreserved characters decoded (so /%7Euser and /~user are the same path).
    private static string NormalisePattern(string pattern)
    {
        var sb = new StringBuilder(pattern.Length);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in pattern.EnumerateRunes())
        {
            if (rune.Value < 0x80 && rune.Value > 0x20) sb.Append((char)rune.Value);
            else
            {
                var n = rune.EncodeToUtf8(utf8);
                foreach (var b in utf8[..n]) sb.Append('%').Append(b.ToString("X2"));
            }
        }
        var normalised = NormaliseEscapes(sb.ToString());
        return normalised.StartsWith('/') || normalised.StartsWith('*') ? normalised : "/" + normalised;
    }

    private static string NormalisePath(string pathAndQuery) =>
        NormaliseEscapes(pathAndQuery.Length == 0 ? "/" : pathAndQuery);

    private static string NormaliseEscapes(string text)
    {
        if (!text.Contains('%')) return text;
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length && Uri.IsHexDigit(text[i + 1]) && Uri.IsHexDigit(text[i + 2]))
            {
                var value = Convert.ToByte(text.Substring(i + 1, 2), 16);
                var c = (char)value;
                if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~') sb.Append(c);
                else sb.Append('%').Append(value.ToString("X2"));
                i += 2;
            }
            else sb.Append(text[i]);
        }
        return sb.ToString();
    }

    private sealed record Rule(string Pattern, bool Allow);
}
