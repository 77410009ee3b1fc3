using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Scraper.Sites;

/// <summary>The site rules in force: the embedded ones, plus any added or overridden with <c>--rules FILE</c>.</summary>
public sealed class SiteCatalog
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        TypeInfoResolver = ScraperJsonContext.Default,
    };

    private static readonly JsonTypeInfo<SiteRule> RuleInfo = (JsonTypeInfo<SiteRule>)JsonOptions.GetTypeInfo(typeof(SiteRule));

    /// <summary>
    /// Every field of a rule with its default value. Source-generated JSON builds a record in one object initializer and
    /// so gives every init-only property a document leaves out null rather than the record's own default (<c>[]</c>):
    /// a rule is read with the fields it leaves out taken from here.
    /// </summary>
    private static readonly JsonObject RuleDefaults =
        JsonSerializer.SerializeToNode(new SiteRule { Site = "", Hosts = [] }, RuleInfo)!.AsObject();

    public IReadOnlyList<SiteRule> Rules { get; }

    public SiteCatalog(IEnumerable<SiteRule> rules) => Rules = rules.ToList();

    /// <summary>The rules embedded in the binary (Sites/Rules/*.json).</summary>
    public static SiteCatalog Default { get; } = new(LoadEmbedded());

    public SiteRule? Find(string site) =>
        Rules.FirstOrDefault(r => string.Equals(r.Site, site, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The rule whose hosts serve <paramref name="url"/>, or null for any other site. An entry may carry a path
    /// (<c>www.chinadaily.com.cn/m/jiangsu/wuxi</c>: one site among many on that host); it covers that path and what
    /// lies below it, and the longest entry that covers the URL wins (<c>…/m/jiangsu/wuxinewdistrict</c> is another site).
    /// </summary>
    public SiteRule? Match(Uri url)
    {
        var host = url.Host;
        var path = url.AbsolutePath;
        SiteRule? best = null;
        var bestLength = -1;
        foreach (var rule in Rules)
        {
            foreach (var entry in rule.Hosts)
            {
                var slash = entry.IndexOf('/');
                var entryHost = slash < 0 ? entry : entry[..slash];
                if (!string.Equals(entryHost, host, StringComparison.OrdinalIgnoreCase)) continue;
                var prefix = slash < 0 ? "" : entry[slash..].TrimEnd('/');
                var covers = prefix.Length == 0 || (path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                                                    && (path.Length == prefix.Length || path[prefix.Length] == '/'));
                if (covers && prefix.Length > bestLength) (best, bestLength) = (rule, prefix.Length);
            }
        }
        return best;
    }

    /// <summary>This catalog with the rules of <paramref name="path"/> added, replacing rules of the same site.</summary>
    /// <exception cref="InvalidDataException">The file is not a rule or a list of rules.</exception>
    public SiteCatalog WithRulesFile(string path)
    {
        string json;
        try { json = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"cannot read rules file {path}: {e.Message}");
        }
        var added = Parse(json, path);
        var replaced = added.Select(r => r.Site).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new SiteCatalog(Rules.Where(r => !replaced.Contains(r.Site)).Concat(added));
    }

    public static IReadOnlyList<SiteRule> Parse(string json, string origin)
    {
        try
        {
            var document = JsonNode.Parse(json, new JsonNodeOptions { PropertyNameCaseInsensitive = true },
                new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var rules = new List<SiteRule>();
            foreach (var item in document is JsonArray array ? [.. array] : new[] { document })
            {
                if (item is not JsonObject rule)
                    throw new InvalidDataException($"{origin}: every rule needs a site and at least one host");
                rules.Add(JsonSerializer.Deserialize(WithDefaults(rule, RuleDefaults), RuleInfo)!);
            }
            foreach (var rule in rules)
            {
                if (string.IsNullOrWhiteSpace(rule.Site) || rule.Hosts is null || rule.Hosts.Count == 0)
                    throw new InvalidDataException($"{origin}: every rule needs a site and at least one host");
                ValidateSelectors(rule, origin);
                ValidateHostAliases(rule, origin);
            }
            return rules;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{origin} is not valid site rules JSON: {e.Message}");
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{origin} has an invalid URL pattern: {e.Message}");
        }
    }

    /// <summary><paramref name="rule"/> with each field it lacks (at any depth) copied from <paramref name="defaults"/>.</summary>
    private static JsonObject WithDefaults(JsonObject rule, JsonObject defaults)
    {
        foreach (var (name, value) in defaults)
        {
            if (!rule.TryGetPropertyValue(name, out var given))
                rule[name] = value?.DeepClone();
            else if (given is JsonObject givenObject && value is JsonObject defaultObject)
                WithDefaults(givenObject, defaultObject);
        }
        return rule;
    }

    /// <summary>Bad selectors are found when the rules load, not on the first page that uses them.</summary>
    private static void ValidateSelectors(SiteRule rule, string origin)
    {
        try
        {
            _ = new Extraction.CompiledRule(rule.Article);
            Extraction.Anatomy.SiteAnatomy.Validate(rule);
            var parser = new AngleSharp.Css.Parser.CssSelectorParser();
            foreach (var selector in rule.List.Links.Concat(rule.List.Pagination))
                if (parser.ParseSelector(selector) is null) throw new InvalidDataException($"invalid CSS selector '{selector}'");
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{origin}: site {rule.Site} has an {e.Message}");
        }
    }

    /// <summary>Each host (with its path prefix) is in one alias group at most, written as a host, not a URL.</summary>
    private static void ValidateHostAliases(SiteRule rule, string origin)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in rule.HostAliases ?? [])
            foreach (var entry in (group.Aliases ?? []).Prepend(group.Canonical))
            {
                var host = entry?.Trim().TrimEnd('/') ?? "";
                if (host.Length == 0 || host.Contains("://", StringComparison.Ordinal) || host.StartsWith('/') || host.Contains(' '))
                    throw new InvalidDataException($"{origin}: site {rule.Site} has a host alias '{entry}' that is not a host (optionally with a path prefix)");
                if (!seen.Add(host))
                    throw new InvalidDataException($"{origin}: site {rule.Site} names host {host} in more than one place of its host aliases");
            }
    }

    private static IEnumerable<SiteRule> LoadEmbedded()
    {
        var assembly = typeof(SiteCatalog).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Scraper.Sites.Rules.", StringComparison.Ordinal)).Order())
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            foreach (var rule in Parse(reader.ReadToEnd(), name))
                yield return rule;
        }
    }
}
