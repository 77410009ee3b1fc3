using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Scraper.Archive;
using Scraper.Cli;
using Scraper.Export;
using Scraper.Extraction;
using Scraper.Tests.Support;
using static Scraper.Tests.Archive.ArchiveFixtures;
using static Scraper.Tests.Export.ExportFixtures;

namespace Scraper.Tests.Export;

/// <summary>
/// WARC export read back two ways: by the tests' own reader (gzip member by member, the WARC grammar) and by warcio,
/// an independent implementation (npm <c>warcio</c>, installed by .ci/run).
/// </summary>
public sealed class WarcExportTests : ExportTestFolder
{

    private async Task<(string Path, List<WarcTestRecord> Records)> ExportAsync(params string[] args)
    {
        var path = folder.File("export.warc.gz");
        var result = await CliRunner.RunAsync(["export", "--format", "warc", "--db", Db, "--out", path, .. args]);
        Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
        return (path, WarcTestReader.Read(await File.ReadAllBytesAsync(path)));
    }

    /// <summary>
    /// The sample pages by canonical URL: with <paramref name="listPages"/> false, only those that have an article or are
    /// part of one (a crawl reads the four list pages as lists; an import archives them as the generic extractor reads them).
    /// </summary>
    private static Dictionary<string, string> SamplePagesByUrl(bool listPages = false) =>
        Directory.EnumerateFiles(RepoPaths.Samples, "*.*htm*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".json", StringComparison.Ordinal) && (listPages || File.Exists(Path.ChangeExtension(f, ".verified.json")) && !IsStandingPage(f)))
            .ToDictionary(f => CanonicalUrl.Normalize(SamplePaths.UrlForFile(f)!), f => f);

    /// <summary>A standing page (Overview): kept as captures, but no article page, so not in an export of articles.</summary>
    private static bool IsStandingPage(string file) =>
        SamplePaths.UrlForFile(file) is { } url && Scraper.Sites.SiteCatalog.Default.Match(url)?.IsStandingPage(url) == true;

    private static void AssertWarcinfo(WarcTestRecord warcinfo)
    {
        Assert.Equal("WARC/1.1", warcinfo.Version);
        Assert.Equal("warcinfo", warcinfo.Type);
        Assert.Equal("application/warc-fields", warcinfo["Content-Type"]);
        var fields = Encoding.UTF8.GetString(warcinfo.Block);
        Assert.Matches(@"^software: scraper \d+\.\d+\.\d+\r\n", fields);
        Assert.Contains("format: WARC File Format 1.1\r\n", fields);
        Assert.Contains("not the original response headers", fields);
        Assert.Contains("resource records", fields);
        Assert.Equal("export.warc.gz", warcinfo["WARC-Filename"]);
        Assert.Equal(WarcTestReader.Sha1Base32(warcinfo.Block), warcinfo["WARC-Block-Digest"]);
    }

    [Fact]
    public void Digests_are_sha1_in_rfc4648_base32()
    {
        // Known values (the empty input; "hello world"), for the tests' encoder and the writer's alike.
        Assert.Equal("sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ", WarcTestReader.Sha1Base32([]));
        Assert.Equal("sha1:FKXGYNOJJ7H3IFO35FPUBC445EPOQRXN", WarcTestReader.Sha1Base32("hello world"u8));
        Assert.Equal("sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ", WarcWriter.Sha1Digest([]));
        Assert.Equal("sha1:FKXGYNOJJ7H3IFO35FPUBC445EPOQRXN", WarcWriter.Sha1Digest("hello world"u8));
        Assert.Equal("MZXW6YTBOI======", WarcWriter.Base32("foobar"u8)); // RFC 4648 section 10
    }

    [Fact]
    public async Task Crawled_pages_become_response_records_with_the_stored_http_facts()
    {
        await CrawlSamplesAsync(Db);
        var (_, records) = await ExportAsync();

        AssertWarcinfo(records[0]);
        var samples = SamplePagesByUrl();
        var captures = records.Skip(1).ToList();
        // One record per page (its newest capture), continuation pages included, each page once.
        Assert.Equal(samples.Keys.Order(), captures.Select(r => r["WARC-Target-URI"]!).Order());
        Assert.Contains(captures, r => r["WARC-Target-URI"]!.EndsWith("content_37452825_3.htm", StringComparison.Ordinal));

        await using var store = await OpenAsync(Db, ArchiveAccess.ReadOnly);
        var ids = new HashSet<string>();
        foreach (var record in captures)
        {
            var url = record["WARC-Target-URI"]!;
            Assert.Equal("WARC/1.1", record.Version);
            Assert.Equal("response", record.Type);
            Assert.Matches("^<urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}>$", record["WARC-Record-ID"]);
            Assert.True(ids.Add(record["WARC-Record-ID"]!), "record ids repeat");
            Assert.Equal(records[0]["WARC-Record-ID"], record["WARC-Warcinfo-ID"]);
            Assert.Equal("application/http;msgtype=response", record["Content-Type"]);

            var (head, payload) = record.SplitHttp();
            // The payload is the page exactly as the mirror served it.
            Assert.Equal(await File.ReadAllBytesAsync(samples[url]), payload);
            Assert.Equal(WarcTestReader.Sha1Base32(payload), record["WARC-Payload-Digest"]);
            Assert.Equal(WarcTestReader.Sha1Base32(record.Block), record["WARC-Block-Digest"]);

            // The header block holds what the archive stored, and nothing it did not.
            var validators = (await store.GetValidatorsAsync(new Uri(url)))!;
            var stored = await store.LoadLatestBodyAsync(new Uri(url));
            var lines = head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("HTTP/1.1 200 OK", lines[0]);
            Assert.Equal(
                [$"Content-Type: {stored!.Value.ContentType}", $"ETag: {validators.ETag}", $"Last-Modified: {validators.LastModified}", $"Content-Length: {payload.Length}"],
                lines[1..]);
            Assert.NotNull(validators.ETag);

            // WARC-Date is the capture's time, to the millisecond.
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", record["WARC-Date"]);
        }
    }

    [Fact]
    public async Task Imported_files_become_resource_records_of_their_bytes()
    {
        await ImportSamplesAsync(Db);
        var (_, records) = await ExportAsync();

        AssertWarcinfo(records[0]);
        // The section lists are stored too, but as pages without an article: the export selects article pages.
        var samples = SamplePagesByUrl();
        Assert.Equal(samples.Keys.Order(), records.Skip(1).Select(r => r["WARC-Target-URI"]!).Order());
        foreach (var record in records.Skip(1))
        {
            Assert.Equal("resource", record.Type);
            Assert.Equal("text/html", record["Content-Type"]);
            Assert.Equal(await File.ReadAllBytesAsync(samples[record["WARC-Target-URI"]!]), record.Block);
            Assert.Equal(WarcTestReader.Sha1Base32(record.Block), record["WARC-Block-Digest"]);
            Assert.Equal(record["WARC-Block-Digest"], record["WARC-Payload-Digest"]);
        }
    }

    [Fact]
    public async Task All_revisions_exports_every_capture_oldest_first()
    {
        var article = WuxiArticle();
        await using (var store = await OpenAsync(Db))
        {
            await store.StorePageAsync(Capture(article, T0), article);
            // A sidebar change: a new capture, no new revision; then a corrected article: a new revision.
            await store.StorePageAsync(Capture(article, T0.AddHours(1), boilerplate: "9.12K"), article);
            var corrected = article with { Title = "Corrected title" };
            await store.StorePageAsync(Capture(corrected, T0.AddHours(2)) with { HttpStatus = 404 }, corrected);
        }

        var (_, latest) = await ExportAsync();
        Assert.Single(latest.Skip(1));
        Assert.Equal("2024-03-15T11:00:00.000Z", latest[1]["WARC-Date"]);
        Assert.StartsWith("HTTP/1.1 404 Not Found\r\n", latest[1].SplitHttp().Head);

        var (_, all) = await ExportAsync("--all-revisions");
        Assert.Equal(["2024-03-15T09:00:00.000Z", "2024-03-15T10:00:00.000Z", "2024-03-15T11:00:00.000Z"], all.Skip(1).Select(r => r["WARC-Date"]));
        Assert.Contains("9.12K", Encoding.UTF8.GetString(all[2].SplitHttp().Payload));
        Assert.Equal(Html(article, "9.12K"), all[2].SplitHttp().Payload);
    }

    [Fact]
    public async Task The_standard_output_carries_the_same_binary_file()
    {
        await CrawlSamplesAsync(Db);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { CliRunner.CliDll, "export", "--format", "warc", "--db", Db, "--site", "wnd.gov.cn" })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        using var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        await copy;

        Assert.True(process.ExitCode == ExitCodes.Ok, await stderr);
        Assert.Equal("", await stderr);
        var records = WarcTestReader.Read(stdout.ToArray());
        Assert.Equal("warcinfo", records[0].Type);
        Assert.Null(records[0]["WARC-Filename"]);
        Assert.True(records.Count > 5);
        Assert.All(records.Skip(1), r => Assert.Contains(new Uri(r["WARC-Target-URI"]!).Host, new[] { "www.wndonline.cn", "bizwnd.gov.cn", "www.wnd.gov.cn" }));
    }

    private const string Seed = "https://en.wuxi.gov.cn/2023-11/23/c_941797.htm";

    /// <summary>
    /// The samples crawled, then re-checked (the mirror answers every conditional GET with 304), and one page fetched
    /// again in full serving the body it served before; exported with every capture.
    /// </summary>
    private async Task<(string Path, List<WarcTestRecord> Records)> ExportRefetchesAsync()
    {
        await CrawlSamplesAsync(Db);
        var recheck = await CliRunner.RunAsync("crawl", "--mirror", RepoPaths.Samples, "--db", Db, "--quiet", "--revisit", "all");
        Assert.True(recheck.ExitCode == ExitCodes.Ok, recheck.Error);
        await using (var store = await OpenAsync(Db))
        {
            var stored = await store.LoadLatestBodyAsync(new Uri(Seed));
            var refetch = new PageCapture(new Uri(Seed), DateTimeOffset.UtcNow.AddMinutes(1), stored!.Value.Body, CaptureOrigin.Fetch)
            {
                HttpStatus = 200, ContentType = stored.Value.ContentType,
            };
            var archived = await new ArticleArchiver(store, new ArticleExtractor(Scraper.Sites.SiteCatalog.Default)).ArchiveAsync(refetch, null, CancellationToken.None);
            Assert.True(archived.Stored.CaptureAdded);
            Assert.False(archived.Stored.BodyAdded);
        }
        return await ExportAsync("--all-revisions");
    }

    [Fact]
    public async Task Re_fetches_and_304s_are_revisit_records_pointing_at_the_body_written_once()
    {
        var (_, records) = await ExportRefetchesAsync();
        var byId = records.Where(r => r["WARC-Record-ID"] is not null).ToDictionary(r => r["WARC-Record-ID"]!);
        var captures = records.Skip(1).ToList();
        // List pages and robots.txt are captures too (kind), which this export does not write.
        // Standing pages (Overview) are captures of no article page either.
        Assert.Equal(Count(Db, """
            SELECT count(*) FROM captures c JOIN pages p ON p.id = c.page_id
            WHERE p.kind = 'article' AND (p.latest_revision_id IS NOT NULL OR p.continuation_of IS NOT NULL)
            """), captures.Count);
        foreach (var page in captures.GroupBy(r => r["WARC-Target-URI"]))
        {
            // Each page's body is written once, in its first record; every later capture of it is a revisit.
            Assert.Equal("response", page.First().Type);
            Assert.All(page.Skip(1), r => Assert.Equal("revisit", r.Type));
        }
        var revisits = captures.Where(r => r.Type == "revisit").ToList();
        Assert.Equal(Count(Db, """
            SELECT count(*) FROM captures c JOIN pages p ON p.id = c.page_id
            WHERE c.http_status = 304 AND (p.latest_revision_id IS NOT NULL OR p.continuation_of IS NOT NULL)
            """) + 1, revisits.Count);
        foreach (var revisit in revisits)
        {
            var original = byId[revisit["WARC-Refers-To"]!];
            Assert.Equal("response", original.Type);
            Assert.Equal(original["WARC-Target-URI"], revisit["WARC-Refers-To-Target-URI"]);
            Assert.Equal(original["WARC-Date"], revisit["WARC-Refers-To-Date"]);
            var (head, payload) = revisit.SplitHttp();
            Assert.Empty(payload);
            Assert.Equal(WarcTestReader.Sha1Base32(revisit.Block), revisit["WARC-Block-Digest"]);
            if (head.StartsWith("HTTP/1.1 304 Not Modified\r\n", StringComparison.Ordinal))
            {
                Assert.Equal("http://netpreserve.org/warc/1.1/revisit/server-not-modified", revisit["WARC-Profile"]);
                Assert.Null(revisit["WARC-Payload-Digest"]);
                Assert.DoesNotContain("Content-Length", head);
            }
            else
            {
                Assert.StartsWith("HTTP/1.1 200 OK\r\n", head);
                Assert.Equal(Seed, revisit["WARC-Target-URI"]);
                Assert.Equal("http://netpreserve.org/warc/1.1/revisit/identical-payload-digest", revisit["WARC-Profile"]);
                Assert.Equal(original["WARC-Payload-Digest"], revisit["WARC-Payload-Digest"]);
            }
        }

        // Without --all-revisions: each page's newest capture that holds its body, in full.
        var (_, latest) = await ExportAsync();
        Assert.All(latest.Skip(1), r => Assert.Equal("response", r.Type));
        Assert.Equal(latest.Count - 1, latest.Skip(1).Select(r => r["WARC-Target-URI"]).Distinct().Count());
    }

    // ---- warcio: an independent reader ----

    [RequiresFileFact(Warcio, failInCi: true, install: WarcioInstall)]
    public async Task Warcio_reads_the_revisit_records_and_the_check_follows_their_references()
    {
        var warcio = MachineFiles.Require(Warcio);
        var (path, records) = await ExportRefetchesAsync();
        var check = await CheckAsync(warcio, path);
        Assert.True(check.ExitCode == 0, check.Out + check.Error);
        Assert.Equal(records.Select(r => $"ok {r.Type} {r["WARC-Target-URI"] ?? "-"}"), check.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(records.Count(r => r.Type == "revisit"), check.Out.Split('\n').Count(l => l.StartsWith("ok revisit ", StringComparison.Ordinal)));
    }

    [RequiresFileFact(Warcio, failInCi: true, install: WarcioInstall)]
    public async Task Warcio_indexes_and_checks_the_exported_file()
    {
        var warcio = MachineFiles.Require(Warcio);
        // The samples as imports (resource records) beside hand-built fetched pages (response records).
        await ImportSamplesAsync(Db);
        await StoreAsync(Db, AwkwardArticles());
        var (path, records) = await ExportAsync();
        Assert.Contains(records, r => r.Type == "response");
        Assert.Contains(records, r => r.Type == "resource");

        // warcio index: every record, at the offset and length of its own gzip member, with its type and URI.
        var index = await RunToolAsync(warcio, "index", path, "-f", "offset,length,warc-type,warc-target-uri,warc-record-id,warc-payload-digest,http:status,http:content-type");
        Assert.True(index.ExitCode == 0, index.Error);
        var entries = index.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(records.Count, entries.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var (record, entry) = (records[i], entries[i]);
            Assert.Equal(record.Offset, (long)entry["offset"]!);
            Assert.Equal(record.Length, (long)entry["length"]!);
            Assert.Equal(record.Type, (string?)entry["warc-type"]);
            Assert.Equal(record["WARC-Target-URI"], (string?)entry["warc-target-uri"]);
            Assert.Equal(record["WARC-Record-ID"], (string?)entry["warc-record-id"]);
            Assert.Equal(record["WARC-Payload-Digest"], (string?)entry["warc-payload-digest"]);
            if (record.Type == "response")
            {
                Assert.Equal(200, (int)entry["http:status"]!);
                Assert.StartsWith("text/html", (string?)entry["http:content-type"]);
            }
        }

        // warcio cdx-index: the replay index parses the HTTP headers of every capture (status, mime, digest).
        var cdx = await RunToolAsync(warcio, "cdx-index", path, "--format", "json");
        Assert.True(cdx.ExitCode == 0, cdx.Error);
        var lines = cdx.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(records.Count - 1, lines.Count);
        Assert.All(lines, l => Assert.Equal("text/html", (string?)l["mime"]));
        Assert.Equal(records.Count(r => r.Type == "response"), lines.Count(l => l["status"]?.ToString() == "200"));

        // The check: warcio reads every record; each block and payload digest and length is recomputed from what it read.
        var check = await CheckAsync(warcio, path);
        Assert.True(check.ExitCode == 0, check.Out + check.Error);
        Assert.Equal(records.Select(r => $"ok {r.Type} {r["WARC-Target-URI"] ?? "-"}"), check.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [RequiresFileFact(Warcio, failInCi: true, install: WarcioInstall)]
    public async Task The_warcio_check_catches_a_changed_byte()
    {
        var warcio = MachineFiles.Require(Warcio);
        await CrawlSamplesAsync(Db);
        var (path, records) = await ExportAsync("--site", "wnd.gov.cn");

        // Rewrite the second capture's member with one byte of its body changed (lengths and digests as they were).
        var file = await File.ReadAllBytesAsync(path);
        var victim = records[2];
        using var member = new MemoryStream();
        await using (var gzip = new GZipStream(member, CompressionLevel.Fastest, leaveOpen: true))
        {
            var original = new MemoryStream();
            await using (var inflate = new GZipStream(new MemoryStream(file, (int)victim.Offset, (int)victim.Length), CompressionMode.Decompress))
                await inflate.CopyToAsync(original);
            var bytes = original.ToArray();
            var at = bytes.Length - 100;
            bytes[at] = (byte)(bytes[at] == (byte)'x' ? 'y' : 'x');
            await gzip.WriteAsync(bytes);
        }
        var tampered = folder.File("tampered.warc.gz");
        await File.WriteAllBytesAsync(tampered,
            [.. file[..(int)victim.Offset], .. member.ToArray(), .. file[(int)(victim.Offset + victim.Length)..]]);

        var check = await CheckAsync(warcio, tampered);
        Assert.Equal(1, check.ExitCode);
        Assert.Contains($"FAIL response {victim["WARC-Target-URI"]}: block digest", check.Out);
        Assert.Contains($"FAIL response {victim["WARC-Target-URI"]}: payload digest", check.Out);
        Assert.Equal(2, check.Out.Split('\n').Count(l => l.StartsWith("FAIL", StringComparison.Ordinal)));
    }

    /// <summary>warcio (npm), from .ci/node_modules where .ci/run installs it, or PATH.</summary>
    private const string Warcio = "warcio";
    private const string WarcioInstall = "run .ci/run, or (cd .ci && npm install warcio@2)";

    /// <summary>tests/…/Export/warc-check.mjs run by node with the warcio module beside the found executable.</summary>
    private static Task<CliResult> CheckAsync(string warcio, string path)
    {
        var cli = new FileInfo(warcio).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? warcio;
        var module = Path.Combine(Path.GetDirectoryName(cli)!, "index.js");
        var script = Path.Combine(RepoPaths.Root, "tests", "Scraper.Tests", "Export", "warc-check.mjs");
        return RunToolAsync("node", script, module, path);
    }

    private static Task<CliResult> RunToolAsync(string tool, params string[] args) =>
        CliRunner.RunProgramAsync(tool, args, TimeSpan.FromSeconds(120));
}
