using System.CommandLine;
using System.Globalization;
using Scraper.Sites;
using Scraper.Watching;

namespace Scraper.Cli.Commands;

/// <summary>
/// <c>scraper report [--since DATE|DURATION] [--site SITE] --out FILE</c>: the archive at a glance, as one self-contained
/// HTML page with charts (articles per month, revisions, most revised articles, sources and sections, crawl runs).
/// </summary>
public static class ReportCommand
{
    public const string ExitCodeHelp =
        "Exit codes: 0 ok, 2 usage (bad option; an --out that cannot be written), 3 archive locked, 4 failed (no archive, or it could not be read).";

    public static Command Create(CliContext context)
    {
        var since = new Option<string?>("--since")
        {
            Description = "Only what falls in this window: articles published, revisions first seen and runs started since a date / ISO 8601 time (UTC) or a duration back from now (90d); default all time",
            HelpName = "DATE|DURATION",
        };
        var site = new Option<string?>("--site") { Description = "Only this site family (en.wuxi.gov.cn or wnd.gov.cn); crawl runs are shown whole" };
        var output = new Option<string>("--out") { Description = "The HTML file to write (replaced only once complete), or - for the standard output", HelpName = "FILE|-", Required = true };
        var db = ArchiveLocation.CreateOption();
        var command = new Command("report",
            "Write a dashboard of the archive as one self-contained HTML page (inline SVG charts, no script, light and dark): "
            + "articles published per month per site, revisions per month, the most revised articles with their changes, "
            + "sources and sections, and the crawl runs with their errors and generic fallbacks.\n" + ExitCodeHelp)
        {
            since, site, output, db,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var from = ArchiveLocation.ParseSince(parse.GetValue(since), "--since");
            var family = parse.GetValue(site);
            if (family is not null && SiteCatalog.Default.Find(family) is null)
                throw new UsageException($"--site '{family}' is not a known site (en.wuxi.gov.cn or wnd.gov.cn)");
            await using var file = OutputFile.Open(parse.GetValue(output));
            var report = await ArchiveLocation.ReadAsync(parse.GetValue(db),
                store => ArchiveReport.ReadAsync(store, new ReportOptions(from, family), DateTimeOffset.UtcNow, cancellationToken), cancellationToken);
            var html = ArchiveReportRenderer.Render(report);
            await file.WriteAsync(context, html, cancellationToken);
            if (file.Path is not null)
            {
                var t = report.Totals;
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Wrote {file.Path}: {t.Articles:N0} article(s), {t.Revisions:N0} revision(s), {report.Runs.Count:N0} run(s) ({System.Text.Encoding.UTF8.GetByteCount(html) / 1024.0:0.#} KB)."));
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
