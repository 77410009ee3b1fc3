using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Scraper.Archive;
using Scraper.Extraction;

namespace Scraper.Cli.Commands;

/// <summary><c>scraper errors [--run N] [--format table|json]</c>: what a crawl could not fetch or read.</summary>
public static class ErrorsCommand
{
    public static Command Create(CliContext context)
    {
        var run = new Option<long?>("--run") { Description = "The run (see scraper runs); default: the latest", HelpName = "N" };
        var format = new Option<string>("--format") { Description = "table or json (one JSON object: {run, errors})", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var db = ArchiveLocation.CreateOption();
        var command = new Command("errors",
            "List the errors a crawl run recorded (URL, kind, HTTP status, message), in the order they happened.\n"
            + "Exit codes: 0 ok, 1 no such run, 2 usage, 4 failed.")
        {
            run, format, db,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var runId = parse.GetValue(run);
            var (record, errors) = await ArchiveLocation.ReadAsync(parse.GetValue(db), async store =>
            {
                var found = await store.Runs.GetRunAsync(runId, cancellationToken);
                return (found, found is null ? [] : await store.Runs.ListErrorsAsync(found.Id, cancellationToken));
            }, cancellationToken);
            if (record is null)
            {
                if (runId is null)
                {
                    context.Out.WriteLine(parse.GetValue(format) == "json" ? "null" : "No crawl runs yet.");
                    return ExitCodes.Ok;
                }
                throw new CommandFailedException($"no run {runId} in the archive (see scraper runs)", ExitCodes.NotFound);
            }
            context.Out.Write(parse.GetValue(format) == "json" ? Json(record, errors) : Text(record, errors));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Json(RunRecord run, IReadOnlyList<ErrorRecord> errors)
    {
        var array = new JsonArray();
        foreach (var e in errors)
            array.Add((JsonNode)new JsonObject
            {
                ["url"] = e.Url,
                ["occurred_at"] = ArchiveLocation.JsonTime(e.OccurredAt),
                ["kind"] = e.Kind,
                ["http_status"] = e.HttpStatus,
                ["message"] = e.Message,
            });
        var json = new JsonObject { ["run"] = RunsCommand.ToJson(run), ["errors"] = array };
        return json.ToJsonString(ArticleFormatter.Json) + "\n";
    }

    private static string Text(RunRecord run, IReadOnlyList<ErrorRecord> errors)
    {
        var header = $"run {run.Id} ({run.Status}, started {ArchiveLocation.ShortTime(run.StartedAt)} UTC): "
                     + (errors.Count == 0 ? "no errors" : errors.Count == 1 ? "1 error" : $"{errors.Count} errors");
        if (errors.Count == 0) return header + "\n";
        var table = new TextTable("TIME", "KIND", "STATUS", "MESSAGE", "URL");
        foreach (var e in errors)
            table.Add(ArchiveLocation.ShortTime(e.OccurredAt), e.Kind, e.HttpStatus?.ToString(CultureInfo.InvariantCulture),
                TextTable.Truncate(e.Message, 70), e.Url);
        return header + "\n" + table.Render();
    }
}
