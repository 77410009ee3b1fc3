using Scraper.Extraction;
using Scraper.Sites;

namespace Scraper.Archive;

/// <summary>What <see cref="RulesCheck"/> found: per site, how its selectors and fields fared on the recent pages.</summary>
public sealed record RulesCheckReport(DateTimeOffset Since, IReadOnlyList<SiteRulesCheck> Sites);

/// <param name="Pages">Article pages checked (the newest capture of each).</param>
public sealed record SiteRulesCheck(string Site, int Pages, IReadOnlyList<SelectorUse> Selectors, IReadOnlyList<FieldSources> Fields);

/// <summary>One selector of the rules, in their order, and on how many pages it matched something.</summary>
/// <param name="Field">Its group in the rules: title, subtitle, breadcrumb, info or body.</param>
public sealed record SelectorUse(string Field, string Selector, int Matched);

/// <summary>Where one field came from, page by page.</summary>
/// <param name="From">Pages per source: <c>selector</c>, <c>anatomy</c>, <c>generic</c>, <c>meta</c>, <c>url</c>, or <c>none</c> (absent).</param>
/// <param name="Missed">Pages that show the field but whose selectors missed it (the anatomy or the generic extractor found it).</param>
/// <param name="Examples">A few of those pages' URLs.</param>
public sealed record FieldSources(string Field, IReadOnlyDictionary<string, int> From, int Missed, IReadOnlyList<string> Examples);

/// <summary>
/// Re-reads the archive's recent captures with today's rules and tells, per site and per selector, how many pages each
/// selector matched, and which fields now come from a fallback (the text anatomy, the generic extractor): so an operator
/// knows which selector to fix the day a template changes. Reads the archive, never writes it.
/// </summary>
public sealed class RulesCheck(ArchiveStore store, ArticleExtractor extractor)
{
    public const string None = "none";
    private const int ExamplesPerField = 3;
    private static readonly string[] Sources = [FieldProvenance.Selector, FieldProvenance.Anatomy, FieldProvenance.Generic, FieldProvenance.Meta, FieldProvenance.Url, None];

    private readonly HtmlDocumentLoader _loader = new();
    private readonly SiteRuleExtractor _selectors = new(new BodyReader());
    private readonly ArticleArchiver _archiver = new(store, extractor);

    /// <param name="site">One site, or null for all.</param>
    public async Task<RulesCheckReport> RunAsync(DateTimeOffset since, string? site, CancellationToken cancellationToken = default)
    {
        var tallies = new SortedDictionary<string, Tally>(StringComparer.Ordinal);
        foreach (var capture in await store.Reader.ListRecentCapturesAsync(since, site, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rule = _archiver.RuleOf(capture);
            if (rule is null || (site is not null && rule.Site != site)) continue;
            var url = new Uri(capture.Url);
            AngleSharp.Dom.IDocument document;
            try { document = _loader.Load(await store.Reader.LoadBodyAsync(capture.CaptureId, cancellationToken), capture.ContentType); }
            catch (UnreadablePageException) { continue; }
            // Asked first: the generic extractor, should it run, cuts the article out of the document.
            var selectors = _selectors.MatchSelectors(document, rule);
            var page = extractor.Extract(url, document, rule);
            if (page.IsSectionList || page.Article.IsEmpty) continue;
            if (!tallies.TryGetValue(rule.Site, out var tally)) tallies[rule.Site] = tally = new Tally(selectors);
            tally.Add(selectors, page.Article);
        }
        return new RulesCheckReport(since, tallies.Select(t => t.Value.Report(t.Key)).ToList());
    }

    private sealed class Tally(IReadOnlyList<SelectorMatch> selectors)
    {
        private readonly int[] _matched = new int[selectors.Count];
        private readonly Dictionary<string, Dictionary<string, int>> _from = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _missed = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<string>> _examples = new(StringComparer.Ordinal);
        private int _pages;

        public void Add(IReadOnlyList<SelectorMatch> matches, Article article)
        {
            _pages++;
            for (var i = 0; i < matches.Count && i < _matched.Length; i++)
                if (matches[i].Matched) _matched[i]++;
            foreach (var (field, from) in article.Provenance.Fields())
            {
                var counts = _from.TryGetValue(field, out var c) ? c : _from[field] = Sources.ToDictionary(s => s, _ => 0, StringComparer.Ordinal);
                counts[from ?? None]++;
            }
            foreach (var field in article.SelectorMisses)
            {
                _missed[field] = _missed.GetValueOrDefault(field) + 1;
                var examples = _examples.TryGetValue(field, out var e) ? e : _examples[field] = [];
                if (examples.Count < ExamplesPerField) examples.Add(article.Url ?? "");
            }
        }

        public SiteRulesCheck Report(string site) => new(
            site, _pages,
            selectors.Select((s, i) => new SelectorUse(s.Field, s.Selector, _matched[i])).ToList(),
            FieldProvenance.None.Fields().Select(f => new FieldSources(f.Field, _from.GetValueOrDefault(f.Field) ?? Sources.ToDictionary(s => s, _ => 0),
                _missed.GetValueOrDefault(f.Field), _examples.GetValueOrDefault(f.Field) ?? [])).ToList());
    }
}
