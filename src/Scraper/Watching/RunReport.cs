using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scraper.Archive;
using Scraper.Diffing;

namespace Scraper.Watching;

/// <summary>What a crawl run found: the run's record and each article change its captures showed.</summary>
/// <param name="Changes">Oldest first; possibly more than <see cref="RunNotifier"/> sends (see <see cref="NotifyOptions.MaxArticles"/>).</param>
public sealed record RunReport(string Archive, RunRecord Run, IReadOnlyList<DescribedChange> Changes)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    /// <summary>The run's record and its changes, or null when the run found no new or changed article (or does not exist).</summary>
    public static async Task<RunReport?> ReadAsync(ArchiveStore store, long runId, CancellationToken cancellationToken = default)
    {
        var run = await store.Runs.GetRunAsync(runId, cancellationToken);
        if (run is null) return null;
        var changes = new List<ArticleChange>();
        await foreach (var change in store.Changes.ReadRunArticleChangesAsync(runId, cancellationToken))
            changes.Add(change);
        if (changes.Count == 0) return null;
        var describer = new ArticleChangeDescriber(store);
        var described = new List<DescribedChange>(changes.Count);
        foreach (var change in changes)
            described.Add(await describer.DescribeAsync(change, cancellationToken));
        return new RunReport(store.Path, run, described);
    }

    public int NewArticles => Changes.Count(c => c.IsNew);

    public int ChangedArticles => Changes.Count(c => !c.IsNew);

    /// <summary>"run 12 (ok) found 3 new articles and 1 changed article".</summary>
    public string Headline()
    {
        var parts = new List<string>();
        if (NewArticles > 0) parts.Add(Count(NewArticles, "new article"));
        if (ChangedArticles > 0) parts.Add(Count(ChangedArticles, "changed article"));
        return $"run {Run.Id} ({Run.Status}) found {string.Join(" and ", parts)}";
    }

    /// <summary>
    /// The JSON document a webhook receives: the run's summary (the fields of <c>scraper runs --format json</c>) and, per
    /// change, the article's URL, title, site, kind (<c>new</c> or <c>changed</c>), revision and change summary; at most
    /// <paramref name="maxArticles"/> of them, the rest counted.
    /// </summary>
    public string ToJson(int maxArticles)
    {
        var articles = new JsonArray();
        foreach (var change in Changes.Take(maxArticles))
        {
            var article = change.Article.Article;
            articles.Add((JsonNode)new JsonObject
            {
                ["url"] = change.Change.Url,
                ["title"] = article.Title,
                ["site"] = change.Change.Site,
                ["kind"] = change.IsNew ? "new" : "changed",
                ["revision"] = change.Change.Revision,
                ["previous_revision"] = change.Change.PreviousRevision,
                ["summary"] = change.Summary,
                ["published"] = article.Published,
                ["seen_at"] = ArchiveTime.Format(change.Change.SeenAt),
            });
        }
        var c = Run.Counts;
        var document = new JsonObject
        {
            ["event"] = "scraper.run.changes",
            ["summary"] = Headline(),
            ["archive"] = Archive,
            ["run"] = new JsonObject
            {
                ["run"] = Run.Id,
                ["started_at"] = ArchiveTime.Format(Run.StartedAt),
                ["ended_at"] = Run.EndedAt is { } ended ? ArchiveTime.Format(ended) : null,
                ["status"] = Run.Status,
                ["discovered"] = c.Discovered,
                ["fetched"] = c.Fetched,
                ["unchanged"] = c.Unchanged,
                ["new_pages"] = c.NewPages,
                ["new_revisions"] = c.NewRevisions,
                ["errors"] = c.Errors,
                ["generic_fallbacks"] = c.GenericFallbacks,
            },
            ["new_articles"] = NewArticles,
            ["changed_articles"] = ChangedArticles,
            ["articles"] = articles,
            ["articles_left_out"] = Math.Max(0, Changes.Count - maxArticles),
        };
        return document.ToJsonString(JsonOptions);
    }

    /// <summary>
    /// Slack's incoming-webhook payload, <c>{"text": …}</c>: the headline, then a line per change with the article as a
    /// link (Slack's <c>&lt;url|title&gt;</c>, with <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> escaped as Slack asks).
    /// </summary>
    public string ToSlack(int maxArticles)
    {
        var text = new StringBuilder("scraper: ").Append(Escape(Headline()));
        foreach (var change in Changes.Take(maxArticles))
        {
            var article = change.Article.Article;
            var title = Escape((article.Title ?? change.Change.Url).Replace('|', '¦'));
            text.Append("\n• <").Append(Escape(change.Change.Url)).Append('|').Append(title).Append(">: ").Append(Escape(change.Summary));
            if (!change.IsNew) text.Append(" (revision ").Append(change.Change.Revision).Append(')');
            if (change.Change.Site is { } site) text.Append(" · ").Append(Escape(site));
        }
        if (Changes.Count > maxArticles)
            text.Append("\n… and ").Append(Changes.Count - maxArticles).Append(" more (scraper changes lists them all)");
        return new JsonObject { ["text"] = text.ToString() }.ToJsonString(JsonOptions);
    }

    private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
