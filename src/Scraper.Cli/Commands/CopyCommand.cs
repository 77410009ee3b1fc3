using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Scraper.Archive;
using Scraper.Archive.Copy;
using Scraper.Archive.Postgres;
using Scraper.Extraction;

namespace Scraper.Cli.Commands;

/// <summary><c>scraper copy --from SRC --to DST [--append]</c>: a whole archive into another, between SQLite and PostgreSQL, verified.</summary>
public static class CopyCommand
{
    public static Command Create(CliContext context)
    {
        var from = new Option<string>("--from")
        {
            Description = "The archive to copy: an SQLite file, or postgresql://user@host[:port]/dbname", Required = true, HelpName = "PATH|URL",
        };
        var to = new Option<string>("--to")
        {
            Description = "Where to copy it: a new or empty SQLite file, or an empty PostgreSQL database (createdb first)", Required = true,
            HelpName = "PATH|URL",
        };
        var append = new Option<bool>("--append")
        {
            Description = "Copy into a destination that already holds a copy of the same archive (an interrupted copy, or an older one): "
                + "the rows it lacks are added; a row it holds otherwise stops the copy",
        };
        var verify = new Option<bool>("--verify")
        {
            Description = "Copy nothing: compare the destination with the source (rows and sha256 per table, every body hashed again)",
        };
        var quiet = new Option<bool>("--quiet") { Description = "No progress on stderr; only the summary" };
        var format = new Option<string>("--format") { Description = "text or json (one JSON object)", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("copy",
            "Copy a whole archive, every id kept, between SQLite and PostgreSQL (either way, or between two of one kind); the search index "
            + "is rebuilt by the destination. Then verify it: per table the rows and a sha256 of them on both sides, every body hashed again. "
            + "A copy killed half way is finished by running it again with --append.")
        {
            from, to, append, verify, quiet, format,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(context, parse.GetValue(from)!, parse.GetValue(to)!, parse.GetValue(append),
            parse.GetValue(verify), parse.GetValue(quiet), parse.GetValue(format)!, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string from, string to, bool append, bool verifyOnly, bool quiet, string format,
        CancellationToken cancellationToken)
    {
        if (SameArchive(from, to))
            throw new UsageException($"--from and --to name the same archive ({ArchiveLocation.Display(from)})");
        if (verifyOnly && append)
            throw new UsageException("--verify copies nothing: it takes no --append");
        await using var source = await ArchiveLocation.OpenAsync(from, ArchiveAccess.ReadOnly, cancellationToken);
        // Verifying reads the destination too; a copy creates it (a new SQLite file, or the schema in an empty database).
        await using var destination = await ArchiveLocation.OpenAsync(to, verifyOnly ? ArchiveAccess.ReadOnly : ArchiveAccess.ReadWrite, cancellationToken);
        var copier = new ArchiveCopier(source, destination, new CopyOptions(Append: append));
        var error = context.Error;
        if (!quiet)
        {
            // Each line as it happens (the writer may be buffered off a terminal): what a copy killed half way had done.
            void Progress(string line)
            {
                error.WriteLine(line);
                error.Flush();
            }
            copier.TableCopied += t => Progress(
                $"copy: {t.Table}: {t.Inserted} row(s) written, {t.Present} already there"
                + (t.ResumedAfter is null ? "" : $" (the destination held keys up to {t.ResumedAfter})")
                + $" in {Seconds(t.Elapsed)} s");
            copier.TableLinked += (table, rows) => Progress($"copy: {table}: references to later rows set in {rows} row(s)");
            copier.TableChecked += c => Progress($"verify: {c.Table}: {(c.Matches ? "same" : "DIFFERS")}");
        }
        CopyReport report;
        try
        {
            report = verifyOnly ? await copier.VerifyAsync(cancellationToken) : await copier.CopyAsync(cancellationToken);
        }
        catch (ArchiveException e)
        {
            throw ArchiveLocation.ToCommandFailure(e);
        }

        if (format == "json")
        {
            var tables = new JsonArray();
            foreach (var check in report.Checks)
            {
                var copy = report.Tables.FirstOrDefault(t => t.Table == check.Table);
                tables.Add((JsonNode)new JsonObject
                {
                    ["table"] = check.Table,
                    ["written"] = copy?.Inserted ?? 0,
                    ["already_there"] = copy?.Present ?? 0,
                    ["linked"] = copy?.Linked ?? 0,
                    ["resumed_after"] = copy?.ResumedAfter,
                    ["source_rows"] = check.SourceRows,
                    ["destination_rows"] = check.DestinationRows,
                    ["source_sha256"] = check.SourceDigest,
                    ["destination_sha256"] = check.DestinationDigest,
                    ["same"] = check.Matches,
                });
            }
            context.Out.WriteLine(new JsonObject
            {
                ["source"] = report.Source,
                ["destination"] = report.Destination,
                ["seconds"] = Math.Round(report.Elapsed.TotalSeconds, 3),
                ["verified"] = report.Verified,
                ["difference"] = report.Difference,
                ["bodies_rehashed"] = report.BodiesRehashed,
                ["pages_indexed"] = report.PagesIndexed,
                ["tables"] = tables,
            }.ToJsonString(ArticleFormatter.Json));
        }
        else
        {
            var o = context.Out;
            o.WriteLine($"{(verifyOnly ? "Compared" : "Copied")} {report.Source} {(verifyOnly ? "with" : "to")} {report.Destination} in {Seconds(report.Elapsed)} s"
                + (report.Verified ? ", verified." : ": VERIFICATION FAILED."));
            o.WriteLine($"{"table",-17} {"source",9} {"destination",12}  sha256 of the rows in key order");
            foreach (var check in report.Checks)
                o.WriteLine(check.Matches
                    ? $"{check.Table,-17} {check.SourceRows,9} {check.DestinationRows,12}  {check.SourceDigest} same"
                    : $"{check.Table,-17} {check.SourceRows,9} {check.DestinationRows,12}  {check.SourceDigest} (source) {check.DestinationDigest} (destination) DIFFER");
            o.WriteLine(report.BadBody is null
                ? $"Bodies            {report.BodiesRehashed} decompressed and hashed again on the destination: each is its sha256"
                : $"Bodies            {report.BadBody}");
            if (!verifyOnly)
                o.WriteLine($"Search index      {report.PagesIndexed} article page(s) indexed by the destination");
        }
        if (report.Difference is { } difference)
        {
            error.WriteLine($"scraper: {difference}");
            return ExitCodes.Failed;
        }
        return ExitCodes.Ok;
    }

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>The same file (however spelled), or the same database of the same server.</summary>
    private static bool SameArchive(string from, string to)
    {
        if (PostgresAddress.IsPostgres(from) != PostgresAddress.IsPostgres(to))
            return false;
        if (!PostgresAddress.IsPostgres(from))
            return Path.GetFullPath(from) == Path.GetFullPath(to);
        try
        {
            var (a, b) = (PostgresAddress.Parse(from), PostgresAddress.Parse(to));
            return string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port && a.Database == b.Database;
        }
        catch (ArchiveException)
        {
            // The open says what is wrong with the address.
            return false;
        }
    }
}
