using System.Globalization;

namespace Scraper.Archive;

/// <summary>The SQL the readers share for a <see cref="PageFilter"/>.</summary>
internal static class PageFilterSql
{
    /// <summary>
    /// The SQL condition on the article page <c>p</c> that <paramref name="filter"/> selects, and its parameters.
    /// Only the conditions that apply are written, so SQLite plans each query for what it really asks.
    /// </summary>
    public static (string Sql, (string Name, object? Value)[] Parameters) SelectedPages(PageFilter filter)
    {
        var conditions = new List<string> { "p.latest_revision_id IS NOT NULL" };
        var parameters = new List<(string, object?)>();
        if (filter.Site is not null)
        {
            conditions.Add("p.site = $site");
            parameters.Add(("$site", filter.Site));
        }
        if (filter.ChangedSince is { } changedSince)
        {
            conditions.Add("p.last_changed_at >= $changedSince");
            parameters.Add(("$changedSince", ArchiveTime.Format(changedSince)));
        }
        // Published dates are ISO dates ('2023-11-23'), so they compare as text; a missing date compares as NULL: left out.
        const string published = "(SELECT substr(published, 1, 10) FROM revisions WHERE id = p.latest_revision_id)";
        if (filter.PublishedSince is { } since)
        {
            conditions.Add($"{published} >= $publishedSince");
            parameters.Add(("$publishedSince", since.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }
        if (filter.PublishedUntil is { } until)
        {
            conditions.Add($"{published} <= $publishedUntil");
            parameters.Add(("$publishedUntil", until.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }
        return (string.Join(" AND ", conditions), parameters.ToArray());
    }

    /// <summary>The join condition of revisions <c>r</c> to page <c>p</c>: the current revision, or all of them.</summary>
    public static string SelectedRevisions(PageFilter filter) =>
        filter.AllRevisions ? "r.page_id = p.id" : "r.id = p.latest_revision_id";
}
