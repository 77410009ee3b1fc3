using System.CommandLine;
using System.Text.Json.Nodes;
using Scraper.Archive;
using Scraper.Extraction;

namespace Scraper.Cli.Commands;

/// <summary><c>scraper stats [--format text|json]</c>: what the archive holds.</summary>
public static class StatsCommand
{
    public static Command Create(CliContext context)
    {
        var format = new Option<string>("--format") { Description = "text or json (one JSON object)", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var db = ArchiveLocation.CreateOption();
        var command = new Command("stats", "Count what the archive holds: pages, captures, revisions, stored bytes, per site and extractor.\n" + ScraperCli.ExitCodeHelp)
        {
            format, db,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(context, parse.GetValue(format)!, parse.GetValue(db), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string format, string? dbOption, CancellationToken cancellationToken)
    {
        await using var store = await ArchiveLocation.OpenAsync(dbOption, ArchiveAccess.ReadOnly, cancellationToken);
        ArchiveStats stats;
        long unindexed;
        try
        {
            stats = await store.Reader.GetStatsAsync(cancellationToken);
            unindexed = await store.Search.CountUnindexedAsync(cancellationToken);
        }
        catch (ArchiveException e)
        {
            throw ArchiveLocation.ToCommandFailure(e);
        }

        if (format == "json")
        {
            var bySite = new JsonObject();
            foreach (var (site, count) in stats.PagesBySite) bySite[site] = count;
            var byExtractor = new JsonObject();
            foreach (var (extractor, count) in stats.LatestRevisionsByExtractor) byExtractor[extractor] = count;
            var json = new JsonObject
            {
                ["path"] = stats.Path,
                ["file_bytes"] = stats.FileBytes,
                ["schema_version"] = stats.SchemaVersion,
                ["pages"] = stats.Pages,
                ["article_pages"] = stats.ArticlePages,
                ["continuation_pages"] = stats.ContinuationPages,
                ["captures"] = stats.Captures,
                ["revisions"] = stats.Revisions,
                ["figures"] = stats.Figures,
                ["bodies"] = stats.Bodies,
                ["body_bytes"] = stats.BodyBytes,
                ["stored_body_bytes"] = stats.StoredBodyBytes,
                ["images"] = stats.Images,
                ["runs"] = stats.Runs,
                ["frontier_urls"] = stats.FrontierUrls,
                ["search_queue"] = unindexed,
                ["first_capture"] = ArchiveLocation.JsonTime(stats.FirstCapture),
                ["last_capture"] = ArchiveLocation.JsonTime(stats.LastCapture),
                ["article_pages_by_site"] = bySite,
                ["current_revisions_by_extractor"] = byExtractor,
            };
            context.Out.WriteLine(json.ToJsonString(ArticleFormatter.Json));
            return ExitCodes.Ok;
        }

        var o = context.Out;
        o.WriteLine($"Archive          {stats.Path} ({Bytes(stats.FileBytes)}, schema version {stats.SchemaVersion})");
        o.WriteLine($"Pages            {stats.Pages} ({stats.ArticlePages} with an article, {stats.ContinuationPages} continuation pages)");
        o.WriteLine($"Captures         {stats.Captures} ({ArchiveLocation.ShortTime(stats.FirstCapture)} to {ArchiveLocation.ShortTime(stats.LastCapture)} UTC)");
        o.WriteLine($"Revisions        {stats.Revisions} ({stats.Figures} figures)");
        o.WriteLine($"Bodies           {stats.Bodies} distinct, {Bytes(stats.BodyBytes)} raw, {Bytes(stats.StoredBodyBytes)} stored");
        o.WriteLine($"Images           {stats.Images}");
        o.WriteLine($"Crawl runs       {stats.Runs} ({stats.FrontierUrls} URLs in the frontier)");
        o.WriteLine(unindexed == 0
            ? "Search index     up to date"
            : $"Search index     {unindexed} page(s) queued, not searchable yet (a writer indexes them within seconds; after one that was killed, the next crawl, import or reextract)");
        foreach (var (site, count) in stats.PagesBySite)
            o.WriteLine($"Site             {site}: {count} articles");
        foreach (var (extractor, count) in stats.LatestRevisionsByExtractor)
            o.WriteLine($"Extractor        {extractor}: {count} current revisions");
        return ExitCodes.Ok;
    }

    private static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / 1048576.0:0.0} MiB",
        _ => $"{bytes / 1073741824.0:0.00} GiB",
    };
}
