namespace Scraper.Crawling;

/// <summary>
/// When an archived article is due to be checked again. Revisions can only be seen if pages are fetched again,
/// but most old articles never change: recent ones (published in the last 30 days) are checked at every crawl,
/// older ones on a back-off that doubles after each unchanged check, from one day up to 30 days; a change
/// resets the back-off.
/// </summary>
public static class RevisitSchedule
{
    public static readonly TimeSpan RecentWindow = TimeSpan.FromDays(30);
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromDays(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromDays(30);

    /// <param name="published">The article's date; unknown dates (standing pages) are treated as old.</param>
    /// <param name="unchangedChecks">Checks in a row that found the article unchanged, this one included.</param>
    public static DateTimeOffset NextCheck(DateTimeOffset now, DateOnly? published, int unchangedChecks)
    {
        if (published is { } date && now - new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) <= RecentWindow)
            return now; // due again at the next crawl
        var doublings = Math.Clamp(unchangedChecks, 0, 10);
        var backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, FirstBackoff.Ticks << doublings));
        return now + backoff;
    }
}
