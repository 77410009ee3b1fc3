using System.Globalization;
using System.Net;
using System.Text;
using Scraper.Archive;

namespace Scraper.Watching;

/// <summary>
/// The archive report as one self-contained HTML page: inline CSS (light and dark, following the reader's system),
/// inline SVG charts, no script, and a Content-Security-Policy that forbids loading anything, so the file can be
/// mailed, archived or opened offline as it is.
/// </summary>
public static class ArchiveReportRenderer
{
    /// <summary>Monthly charts spanning more months than this count by year instead, so the bars stay readable.</summary>
    internal const int MaxMonths = 240;

    private const string Style = """
        :root { color-scheme: light dark; --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --panel: #f6f8fa; --line: #d1d9e0;
                --grid: #e4e9ee; --s0: #0969da; --s1: #d4a72c; --s2: #1a7f37; --s3: #cf222e; --s4: #8250df; --s5: #57606a; }
        @media (prefers-color-scheme: dark) {
          :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --panel: #151b23; --line: #3d444d;
                  --grid: #262c36; --s0: #4493f8; --s1: #e3b341; --s2: #3fb950; --s3: #f85149; --s4: #ab7df8; --s5: #9198a1; }
        }
        * { box-sizing: border-box; }
        body { margin: 0; padding: 24px clamp(12px, 4vw, 40px) 48px; background: var(--bg); color: var(--fg);
               font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; }
        h1 { font-size: 24px; margin: 0 0 4px; }
        h2 { font-size: 18px; margin: 0 0 4px; }
        p.lead, .muted { color: var(--muted); }
        p.lead { margin: 0 0 20px; }
        a { color: var(--s0); }
        section { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; margin: 16px 0; }
        section > p { margin: 0 0 8px; color: var(--muted); font-size: 13px; }
        .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin: 0; padding: 0; }
        .tiles div { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
        .tiles dt { color: var(--muted); font-size: 13px; }
        .tiles dd { margin: 0; font-size: 22px; font-weight: 600; }
        .pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; }
        .pair section { margin: 0; }
        svg.chart { width: 100%; height: auto; display: block; }
        svg .grid { stroke: var(--grid); stroke-width: 1; }
        svg .baseline { stroke: var(--muted); stroke-width: 1; }
        svg .axis, svg .empty { fill: var(--muted); font-size: 12px; }
        .s0 { fill: var(--s0); background: var(--s0); } .s1 { fill: var(--s1); background: var(--s1); } .s2 { fill: var(--s2); background: var(--s2); }
        .s3 { fill: var(--s3); background: var(--s3); } .s4 { fill: var(--s4); background: var(--s4); } .s5 { fill: var(--s5); background: var(--s5); }
        ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 6px 0 0; padding: 0; font-size: 13px; }
        .swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
        table { width: 100%; border-collapse: collapse; }
        th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
        thead th { font-size: 13px; color: var(--muted); font-weight: 600; }
        td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
        table.ranking th { font-weight: normal; width: 45%; }
        table.ranking td.bar { width: 40%; }
        table.ranking td.bar svg { width: 100%; height: 12px; display: block; }
        ol.steps { margin: 0; padding-left: 18px; font-size: 13px; }
        .status-ok { color: var(--s2); } .status-partial { color: var(--s1); } .status-failed, .status-interrupted { color: var(--s3); }
        footer { color: var(--muted); font-size: 12px; margin-top: 24px; }
        """;

    public static string Render(ArchiveReport report)
    {
        var html = new StringBuilder(64 * 1024);
        var scope = (report.Options.Site ?? "en.wuxi.gov.cn and wnd.gov.cn")
                    + (report.Options.Since is { } since ? $", since {Day(since)}" : ", all time");
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"color-scheme\" content=\"light dark\">\n")
            .Append("<title>Archive report: ").Append(E(report.ArchiveName)).Append("</title>\n")
            .Append("<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n")
            .Append("<header>\n<h1>Archive report</h1>\n<p class=\"lead\">").Append(E(report.ArchiveName)).Append(" · ").Append(E(scope))
            .Append(" · generated ").Append(E(Minute(report.GeneratedAt))).Append(" UTC</p>\n</header>\n");

        Tiles(html, report);
        Published(html, report);
        Revisions(html, report);
        MostRevised(html, report);
        Labels(html, report);
        Runs(html, report);
        html.Append("<footer>Made by scraper report. Counts are of the archive: articles by their current revision, ")
            .Append("revisions by when they were first captured, runs by when they started.</footer>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Tiles(StringBuilder html, ArchiveReport report)
    {
        var t = report.Totals;
        var errors = report.Runs.Sum(r => (long)r.Counts.Errors);
        html.Append("<dl class=\"tiles\" id=\"totals\">\n");
        Tile(html, "articles", "Articles", t.Articles);
        Tile(html, "revisions", "Revisions", t.Revisions);
        Tile(html, "captures", "Captures", t.Captures);
        Tile(html, "runs", "Crawl runs", report.Runs.Count);
        Tile(html, "errors", "Run errors", errors);
        html.Append("<div><dt>Captured</dt><dd style=\"font-size:15px\">")
            .Append(t.FirstCapture is { } first ? E(Day(first)) + " – " + E(Day(t.LastCapture!.Value)) : "nothing yet")
            .Append("</dd></div>\n</dl>\n");
    }

    private static void Tile(StringBuilder html, string id, string name, long value) =>
        html.Append(Inv($"<div data-total=\"{id}\" data-value=\"{value}\"><dt>{name}</dt><dd>{N(value)}</dd></div>\n"));

    private static void Published(StringBuilder html, ArchiveReport report)
    {
        var (categories, series) = Monthly(report.Published, preferredOrder: ["en.wuxi.gov.cn", "wnd.gov.cn"]);
        html.Append("<section id=\"published\">\n<h2>Articles published per month</h2>\n<p>By the date each article gives, per site family");
        if (report.Totals.Undated > 0)
            html.Append(Inv($"; {N(report.Totals.Undated)} article(s) without a readable date are not shown"));
        html.Append(".</p>\n")
            .Append(SvgBarChart.Render("published", categories, series, "Articles published per month, per site family", stacked: true, MonthLabel))
            .Append(SvgBarChart.Legend(series)).Append("\n</section>\n");
    }

    private static void Revisions(StringBuilder html, ArchiveReport report)
    {
        var (categories, series) = Monthly(report.Revisions, preferredOrder: ["new", "changed"]);
        series = series.Select(s => s with { Name = s.Name == "new" ? "first revision (new article)" : "later revision (changed)" }).ToList();
        html.Append("<section id=\"revisions\">\n<h2>Revisions per month</h2>\n")
            .Append("<p>When each revision was first captured: an article's first, and every change after it.</p>\n")
            .Append(SvgBarChart.Render("revisions", categories, series, "Revisions per month, new and changed", stacked: true, MonthLabel))
            .Append(SvgBarChart.Legend(series)).Append("\n</section>\n");
    }

    private static void MostRevised(StringBuilder html, ArchiveReport report)
    {
        html.Append("<section id=\"most-revised\">\n<h2>Most revised articles</h2>\n");
        if (report.MostRevised.Count == 0)
        {
            html.Append("<p>No article changed after it was first captured in this window.</p>\n</section>\n");
            return;
        }
        html.Append("<p>The articles changed most often after publication, with what each of their latest revisions changed.</p>\n")
            .Append("<table>\n<thead><tr><th>Article</th><th class=\"num\">Revisions</th><th>Latest changes</th></tr></thead>\n<tbody>\n");
        foreach (var article in report.MostRevised)
        {
            var page = article.Page;
            html.Append(Inv($"<tr data-page=\"{page.PageId}\" data-revisions=\"{page.Revisions}\" data-changes=\"{page.Changes}\"><td><a href=\"{E(page.Url)}\">"))
                .Append(E(page.Title ?? page.Url)).Append("</a><br><span class=\"muted\">").Append(E(page.Site ?? new Uri(page.Url).Host)).Append("</span></td>")
                .Append(Inv($"<td class=\"num\">{page.Revisions}</td><td><ol class=\"steps\">"));
            foreach (var step in article.Steps)
                html.Append(Inv($"<li value=\"{step.Revision}\">")).Append(E(Day(step.FirstSeen))).Append(": ").Append(E(step.Summary)).Append("</li>");
            html.Append("</ol></td></tr>\n");
        }
        html.Append("</tbody>\n</table>\n</section>\n");
    }

    private static void Labels(StringBuilder html, ArchiveReport report)
    {
        html.Append("<div class=\"pair\">\n");
        Ranking(html, "sources", "Sources", "the source line of each article", report.Sources, report.SourceCount);
        Ranking(html, "sections", "Sections", "the section each article was filed under", report.Sections, report.SectionCount);
        html.Append("</div>\n");
    }

    private static void Ranking(StringBuilder html, string id, string title, string what, IReadOnlyList<LabelCount> counts, long distinct)
    {
        html.Append(Inv($"<section id=\"{id}\">\n<h2>{title}</h2>\n<p>Articles by {what}"))
            .Append(distinct > counts.Count ? Inv($"; the {counts.Count} largest of {N(distinct)}") : "")
            .Append(".</p>\n")
            .Append(SvgBarChart.Ranking(id, counts.Select(c => (c.Label ?? "(none)", c.Count)).ToList()))
            .Append("\n</section>\n");
    }

    private static void Runs(StringBuilder html, ArchiveReport report)
    {
        html.Append("<section id=\"runs\">\n<h2>Crawl runs</h2>\n");
        if (report.Runs.Count == 0)
        {
            html.Append("<p>No crawl ran in this window (an archive made by import has none).</p>\n</section>\n");
            return;
        }
        var (categories, unit) = RunBuckets(report.Runs);
        var bucketOf = categories.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
        var statuses = new[] { "ok", "partial", "failed", "interrupted", "running" };
        var byStatus = statuses.Select(s => new long[categories.Count]).ToArray();
        var errors = new long[categories.Count];
        var generic = new long[categories.Count];
        foreach (var run in report.Runs)
        {
            var i = bucketOf[Bucket(run.StartedAt, unit)];
            byStatus[Math.Max(0, Array.IndexOf(statuses, run.Status))][i]++;
            errors[i] += run.Counts.Errors;
            generic[i] += run.Counts.GenericFallbacks;
        }
        // Colours by meaning: ok green, partial amber, failed and interrupted red, running grey.
        var colours = new[] { 2, 1, 3, 3, 5 };
        var statusSeries = statuses.Select((s, i) => new ChartSeries(s, byStatus[i], colours[i])).Where(s => s.Values.Sum() > 0).ToList();
        var problems = new List<ChartSeries> { new("errors", errors, 3), new("generic fallbacks", generic, 4) };
        var per = unit switch { "day" => "per day", "week" => "per week (from Monday)", _ => "per month" };
        html.Append(Inv($"<p>{report.Runs.Count} run(s), counted {per}. Errors are URLs that failed; generic fallbacks are pages where the site rules found no article and the generic extractor took over, the sign that a site changed its templates.</p>\n"))
            .Append("<h3 style=\"font-size:15px;margin:12px 0 0\">Runs by outcome</h3>\n")
            .Append(SvgBarChart.Render("runs", categories, statusSeries, $"Crawl runs {per} by outcome", stacked: true))
            .Append(SvgBarChart.Legend(statusSeries))
            .Append("<h3 style=\"font-size:15px;margin:12px 0 0\">Errors and generic fallbacks</h3>\n")
            .Append(SvgBarChart.Render("run-problems", categories, problems, $"Errors and generic fallbacks {per}", stacked: false))
            .Append(SvgBarChart.Legend(problems));

        html.Append("<table id=\"recent-runs\">\n<thead><tr><th>Run</th><th>Started (UTC)</th><th>Status</th><th class=\"num\">Fetched</th>")
            .Append("<th class=\"num\">New</th><th class=\"num\">Revisions</th><th class=\"num\">Errors</th><th class=\"num\">Generic</th></tr></thead>\n<tbody>\n");
        foreach (var run in report.Runs.Reverse().Take(report.Options.RecentRuns))
        {
            var c = run.Counts;
            html.Append(Inv($"<tr data-run=\"{run.Id}\"><td>{run.Id}</td><td>{E(Minute(run.StartedAt))}</td><td class=\"status-{E(run.Status)}\">{E(run.Status)}</td>"))
                .Append(Inv($"<td class=\"num\">{N(c.Fetched)}</td><td class=\"num\">{N(c.NewPages)}</td><td class=\"num\">{N(c.NewRevisions)}</td>"))
                .Append(Inv($"<td class=\"num\">{N(c.Errors)}</td><td class=\"num\">{N(c.GenericFallbacks)}</td></tr>\n"));
        }
        html.Append("</tbody>\n</table>\n</section>\n");
    }

    /// <summary>
    /// Monthly counts as a chart's categories (every month from the first to the last, empty ones included, or every
    /// year when that is more than <see cref="MaxMonths"/> months) and one series per name.
    /// </summary>
    internal static (IReadOnlyList<string> Categories, IReadOnlyList<ChartSeries> Series) Monthly(IReadOnlyList<MonthlyCount> counts,
        IReadOnlyList<string> preferredOrder)
    {
        var months = counts.Select(c => ParseMonth(c.Month)).OfType<DateOnly>().ToList();
        if (months.Count == 0) return ([], []);
        var (first, last) = (months.Min(), months.Max());
        var span = (last.Year - first.Year) * 12 + last.Month - first.Month + 1;
        var byYear = span > MaxMonths;
        var categories = new List<string>();
        if (byYear)
            for (var year = first.Year; year <= last.Year; year++) categories.Add(year.ToString(CultureInfo.InvariantCulture));
        else
            for (var month = first; month <= last; month = month.AddMonths(1)) categories.Add(month.ToString("yyyy-MM", CultureInfo.InvariantCulture));
        var index = categories.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
        var names = counts.Select(c => c.Series).Distinct()
            .OrderBy(n => preferredOrder.Contains(n) ? preferredOrder.ToList().IndexOf(n) : int.MaxValue).ThenBy(n => n, StringComparer.Ordinal).ToList();
        var series = names.Select(n => (Name: n, Values: new long[categories.Count])).ToList();
        foreach (var count in counts)
        {
            if (ParseMonth(count.Month) is not { } month) continue;
            var key = byYear ? month.Year.ToString(CultureInfo.InvariantCulture) : month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
            series[names.IndexOf(count.Series)].Values[index[key]] += count.Count;
        }
        return (categories, series.Select(s => new ChartSeries(s.Name, s.Values)).ToList());
    }

    private static DateOnly? ParseMonth(string month) =>
        DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    /// <summary>"2024-03" under the axis reads "Mar 2024"; a year stays a year.</summary>
    private static string MonthLabel(string category) =>
        ParseMonth(category) is { } month ? month.ToString("MMM yyyy", CultureInfo.InvariantCulture) : category;

    /// <summary>The runs' time axis: every day of their span, or every week (from Monday) beyond three months, or every month beyond three years.</summary>
    internal static (IReadOnlyList<string> Categories, string Unit) RunBuckets(IReadOnlyList<RunRecord> runs)
    {
        var first = runs.Min(r => r.StartedAt).UtcDateTime.Date;
        var last = runs.Max(r => r.StartedAt).UtcDateTime.Date;
        var unit = (last - first).TotalDays switch { <= 92 => "day", <= 3 * 366 => "week", _ => "month" };
        var categories = new List<string>();
        for (var day = Start(first, unit); day <= last; day = unit == "day" ? day.AddDays(1) : unit == "week" ? day.AddDays(7) : day.AddMonths(1))
            categories.Add(Label(day, unit));
        return (categories, unit);
    }

    private static string Bucket(DateTimeOffset time, string unit) => Label(Start(time.UtcDateTime.Date, unit), unit);

    private static DateTime Start(DateTime day, string unit) => unit switch
    {
        "week" => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
        "month" => new DateTime(day.Year, day.Month, 1, 0, 0, 0, DateTimeKind.Utc),
        _ => day,
    };

    private static string Label(DateTime day, string unit) =>
        day.ToString(unit == "month" ? "yyyy-MM" : "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Day(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Minute(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string N(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
