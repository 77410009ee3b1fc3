using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Scraper.Archive;
using Scraper.Extraction;

namespace Scraper.Cli.Commands;

/// <summary><c>scraper runs [--last N] [--format table|json]</c>: the crawl history, newest first.</summary>
public static class RunsCommand
{
    public static Command Create(CliContext context)
    {
        var last = new Option<int>("--last") { Description = "How many runs to show, newest first (default 20)", DefaultValueFactory = _ => 20, HelpName = "N" };
        var format = new Option<string>("--format") { Description = "table or json (one JSON array)", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var db = ArchiveLocation.CreateOption();
        var command = new Command("runs",
            "List the crawl runs: start, end, status (ok, partial, failed, interrupted; running while a crawl is in progress, "
            + "or until the next crawl finds it was killed) and counts.\n" + ScraperCli.ExitCodeHelp)
        {
            last, format, db,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var count = parse.GetValue(last);
            if (count < 1) throw new UsageException("--last must be at least 1");
            var runs = await ArchiveLocation.ReadAsync(parse.GetValue(db), store => store.Runs.ListRunsAsync(count, cancellationToken), cancellationToken);
            context.Out.Write(parse.GetValue(format) == "json" ? Json(runs) : Table(runs));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Json(IReadOnlyList<RunRecord> runs)
    {
        var array = new JsonArray();
        foreach (var run in runs)
            array.Add((JsonNode)ToJson(run));
        return array.ToJsonString(ArticleFormatter.Json) + "\n";
    }

    /// <summary>A run as JSON (also the header of <c>scraper errors --format json</c>).</summary>
    public static JsonObject ToJson(RunRecord run) => new()
    {
        ["run"] = run.Id,
        ["started_at"] = ArchiveLocation.JsonTime(run.StartedAt),
        ["ended_at"] = ArchiveLocation.JsonTime(run.EndedAt),
        ["seconds"] = run.EndedAt is { } ended ? Math.Round((ended - run.StartedAt).TotalSeconds, 3) : null,
        ["status"] = run.Status,
        ["discovered"] = run.Counts.Discovered,
        ["fetched"] = run.Counts.Fetched,
        ["unchanged"] = run.Counts.Unchanged,
        ["new_pages"] = run.Counts.NewPages,
        ["new_revisions"] = run.Counts.NewRevisions,
        ["errors"] = run.Counts.Errors,
        ["generic_fallbacks"] = run.Counts.GenericFallbacks,
        ["selector_misses"] = run.Counts.SelectorMisses,
    };

    private static string Table(IReadOnlyList<RunRecord> runs)
    {
        if (runs.Count == 0) return "No crawl runs yet.\n";
        var table = new TextTable("RUN", "STARTED", "TOOK", "STATUS", "DISCOVERED", "FETCHED", "UNCHANGED", "NEW", "REVISIONS", "ERRORS", "GENERIC", "MISSES");
        foreach (var run in runs)
        {
            var c = run.Counts;
            table.Add(N(run.Id), ArchiveLocation.ShortTime(run.StartedAt), run.EndedAt is { } ended ? Took(ended - run.StartedAt) : "-", run.Status,
                N(c.Discovered), N(c.Fetched), N(c.Unchanged), N(c.NewPages), N(c.NewRevisions), N(c.Errors), N(c.GenericFallbacks), N(c.SelectorMisses));
        }
        return table.Render();
    }

    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>A run's length: <c>12.3s</c>, <c>4m05s</c>, <c>2h03m</c>.</summary>
    public static string Took(TimeSpan span) => span.TotalSeconds switch
    {
        < 60 => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, span.TotalSeconds):0.0}s"),
        < 3600 => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes}m{span.Seconds:00}s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h{span.Minutes:00}m"),
    };
}
