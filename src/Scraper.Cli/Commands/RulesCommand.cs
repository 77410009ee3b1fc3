using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Scraper.Archive;
using Scraper.Extraction;

namespace Scraper.Cli.Commands;

/// <summary>
/// <c>scraper rules check [--site S] [--since DATE] [--format text|json]</c>: today's site rules against the archive's
/// recent captures: per selector, how many pages it matched; per field, where it came from and how often a selector
/// missed it, so an operator knows which selector to fix.
/// </summary>
public static class RulesCommand
{
    public static Command Create(CliContext context)
    {
        var site = new Option<string?>("--site") { Description = "Only this site (en.wuxi.gov.cn or wnd.gov.cn)" };
        var since = new Option<string>("--since")
        {
            Description = "Check the newest capture of each page captured since: a duration back from now (7d, 24h) or a date / ISO 8601 time (UTC); default 30d",
            DefaultValueFactory = _ => "30d",
            HelpName = "30d|DATE",
        };
        var format = new Option<string>("--format", "-f") { Description = "text or json", DefaultValueFactory = _ => "text", HelpName = "FORMAT" };
        format.AcceptOnlyFromAmong("text", "json");
        var db = ArchiveLocation.CreateOption();
        var rules = SiteRulesOption.Create();
        var check = new Command("check",
            "Re-read the archive's recent captures with the site rules in force and print, per site and per selector, how many pages it "
            + "matched, and which fields now come from a fallback (text anatomy, generic extractor). The archive is not changed.")
        {
            site, since, format, db, rules,
        };
        check.SetAction(async (parse, cancellationToken) =>
        {
            var sites = SiteRulesOption.Load(parse.GetValue(rules));
            var family = parse.GetValue(site);
            if (family is not null && sites.Find(family) is null)
                throw new UsageException($"--site '{family}' is not a known site ({string.Join(", ", sites.Rules.Select(r => r.Site))})");
            var from = ArchiveLocation.ParseSince(parse.GetValue(since), "--since")!.Value;
            var report = await ArchiveLocation.ReadAsync(parse.GetValue(db),
                store => new RulesCheck(store, new ArticleExtractor(sites)).RunAsync(from, family, cancellationToken), cancellationToken);
            if (report.Sites.Count == 0)
                throw new CommandFailedException($"nothing to check: no page{(family is null ? "" : " of " + family)} was captured since {ArchiveLocation.ShortTime(from)} UTC");
            context.Out.Write(parse.GetValue(format) == "json" ? Json(report) : Text(report));
            return ExitCodes.Ok;
        });
        return new Command("rules", "Site rules: check them against what the sites serve lately.") { check };
    }

    private static string Json(RulesCheckReport report)
    {
        var sites = new JsonArray();
        foreach (var site in report.Sites)
        {
            var selectors = new JsonArray();
            foreach (var s in site.Selectors)
                selectors.Add((JsonNode)new JsonObject { ["field"] = s.Field, ["selector"] = s.Selector, ["matched"] = s.Matched });
            var fields = new JsonArray();
            foreach (var f in site.Fields)
            {
                var field = new JsonObject { ["field"] = f.Field };
                foreach (var (from, pages) in f.From) field[from] = pages;
                field["missed"] = f.Missed;
                field["examples"] = new JsonArray(f.Examples.Select(e => (JsonNode?)JsonValue.Create(e)).ToArray());
                fields.Add((JsonNode)field);
            }
            sites.Add((JsonNode)new JsonObject { ["site"] = site.Site, ["pages"] = site.Pages, ["selectors"] = selectors, ["fields"] = fields });
        }
        return new JsonObject { ["since"] = ArchiveLocation.JsonTime(report.Since), ["sites"] = sites }.ToJsonString(ArticleFormatter.Json) + "\n";
    }

    private static string Text(RulesCheckReport report)
    {
        var text = new StringBuilder();
        text.Append($"The newest capture of each page captured since {ArchiveLocation.ShortTime(report.Since)} UTC, read with the rules in force.\n");
        foreach (var site in report.Sites)
        {
            text.Append($"\n{site.Site}: {N(site.Pages)} page(s)\n\n");
            var selectors = new TextTable("PART", "SELECTOR", "MATCHED");
            foreach (var s in site.Selectors) selectors.Add(s.Field, s.Selector, $"{N(s.Matched)} of {N(site.Pages)}");
            text.Append(selectors.Render()).Append('\n');
            var fields = new TextTable("FIELD", "SELECTOR", "ANATOMY", "GENERIC", "META", "URL", "NONE", "MISSED");
            foreach (var f in site.Fields)
                fields.Add(f.Field, N(f.From[FieldProvenance.Selector]), N(f.From[FieldProvenance.Anatomy]), N(f.From[FieldProvenance.Generic]),
                    N(f.From[FieldProvenance.Meta]), N(f.From[FieldProvenance.Url]), N(f.From[RulesCheck.None]), N(f.Missed));
            text.Append(fields.Render());
            // What to fix: each field the selectors missed on pages that show it, with the selectors that should find it.
            foreach (var f in site.Fields.Where(f => f.Missed > 0))
            {
                var part = f.Field switch { "section" => "breadcrumb", "published" or "source" or "byline" => "info", var other => other };
                var tried = string.Join(", ", site.Selectors.Where(s => s.Field == part).Select(s => s.Selector));
                text.Append($"  {f.Field}: the selectors ({tried}) missed it on {N(f.Missed)} of {N(site.Pages)} page(s) that show it, e.g. {f.Examples[0]}\n");
            }
        }
        return text.ToString();
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
}
