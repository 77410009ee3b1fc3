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

    /// <summary>The records that hold or stand for a capture (not the warcinfo, request and metadata records around them).</summary>
    private static List<WarcTestRecord> Captures(IEnumerable<WarcTestRecord> records) =>
        records.Where(r => r.Type is "response" or "revisit" or "resource").ToList();

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
        Directory.EnumerateFiles(RepoPaths.Samples, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f).Contains("htm", StringComparison.Ordinal) || f.EndsWith(".cmsAction", StringComparison.Ordinal))
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
        var samples = SamplePagesByUrl(listPages: true);
        var captures = Captures(records);
        // A mirror crawl sent no request; each capture is followed by its metadata record.
        Assert.DoesNotContain(records, r => r.Type == "request");
        Assert.Equal(captures.Count, records.Count(r => r.Type == "metadata"));
        // One record per page (its newest capture), continuation pages and section lists included, each page once; and each host's robots.txt
        // (the mirror has none: its 404 is what the crawl was told).
        var robots = captures.Where(r => r["WARC-Target-URI"]!.EndsWith("/robots.txt", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(robots);
        Assert.All(robots, r => Assert.StartsWith("HTTP/1.1 404 ", r.SplitHttp().Head));
        captures = captures.Except(robots).ToList();
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
            var validators = (await store.Reader.GetValidatorsAsync(new Uri(url)))!;
            var stored = await store.Reader.LoadLatestBodyAsync(new Uri(url));
            var lines = head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("HTTP/1.1 200 OK", lines[0]);
            Assert.Equal(
                [$"Content-Type: {stored!.Value.ContentType}", $"ETag: {validators.ETag}", $"Last-Modified: {validators.LastModified}", $"Content-Length: {payload.Length}"],
                lines[1..]);
            Assert.NotNull(validators.ETag);

            // WARC-Date is the capture's time, to the millisecond.
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", record["WARC-Date"]);

            // Its metadata record follows it: what the archive made of it, and its links.
            var metadata = records[records.IndexOf(record) + 1];
            Assert.Equal(("metadata", record["WARC-Record-ID"], url, record["WARC-Date"], "application/warc-fields"),
                (metadata.Type, metadata["WARC-Refers-To"], metadata["WARC-Target-URI"], metadata["WARC-Date"], metadata["Content-Type"]));
            Assert.Equal(WarcTestReader.Sha1Base32(metadata.Block), metadata["WARC-Block-Digest"]);
            var fields = Encoding.UTF8.GetString(metadata.Block).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(": ", 2)).ToList();
            string? Field(string name) => fields.FirstOrDefault(f => f[0] == name)?[1];
            Assert.Equal("1", Field("crawl-run"));
            var reference = (await store.Reader.FindPageAsync(url))!;
            if (reference.ContinuationOf is { } first)
            {
                // Fetched with its page 1, not queued by the crawl.
                Assert.Equal(first, Field("continuation-of"));
                Assert.Null(Field("revision"));
                Assert.Null(Field("crawled-as"));
            }
            else if (Count(Db, $"SELECT count(*) FROM pages WHERE url = '{url}' AND kind = 'list'") == 1)
            {
                // A section list: read for its links, no article of its own.
                Assert.Equal("list", Field("crawled-as"));
                Assert.Null(Field("revision"));
            }
            else if (Scraper.Sites.SiteCatalog.Default.Match(new Uri(url)) is { } rule && rule.IsStandingPage(new Uri(url)))
            {
                // A standing page (Overview): crawled as a page, kept as captures, no article.
                Assert.Equal("page", Field("crawled-as"));
                Assert.Null(Field("revision"));
            }
            else
            {
                Assert.Equal("page", Field("crawled-as"));
                var article = (await store.Reader.GetArticleAsync(reference.PageId))!;
                Assert.Equal((article.Revision.ToString(), article.Article.Extractor, article.ContentSha256),
                    (Field("revision"), Field("extractor"), Field("article-sha256")));
            }
            var outlinks = fields.Where(f => f[0] == "outlink").Select(f => f[1].Split(' ')).ToList();
            Assert.NotEmpty(outlinks);
            Assert.All(outlinks, o => Assert.Matches("^https?://", o[0]));
            Assert.All(outlinks, o => Assert.Equal(o[2].StartsWith("a/", StringComparison.Ordinal) || o[2].StartsWith("area/", StringComparison.Ordinal) ? "L" : "E", o[1]));
            Assert.Equal(outlinks.Count, outlinks.Select(o => o[0]).Distinct().Count());
        }
        var seed = Encoding.UTF8.GetString(records.Single(r => r.Type == "metadata" && r["WARC-Target-URI"] == "https://en.wuxi.gov.cn/2023-11/23/c_941797.htm").Block);
        Assert.Contains("outlink: https://en.wuxi.gov.cn/2023-11/23/1700730809095086766.png E img/@src\r\n", seed);
    }

    [Fact]
    public async Task Imported_files_become_resource_records_of_their_bytes()
    {
        await ImportSamplesAsync(Db);
        var (_, records) = await ExportAsync();

        AssertWarcinfo(records[0]);
        // Every imported file, the section lists (stored as pages without an article, or as the generic extractor reads them)
        // too. Import takes .htm, .html and .shtml files (not the WAP sample's newsDetail.cmsAction).
        var samples = SamplePagesByUrl(listPages: true).Where(p => !p.Value.EndsWith(".cmsAction", StringComparison.Ordinal)).ToDictionary();
        Assert.Equal(samples.Keys.Order(), Captures(records).Select(r => r["WARC-Target-URI"]!).Order());
        foreach (var record in Captures(records))
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
            await store.Captures.StorePageAsync(Capture(article, T0), article);
            // A sidebar change: a new capture, no new revision; then a corrected article: a new revision.
            await store.Captures.StorePageAsync(Capture(article, T0.AddHours(1), boilerplate: "9.12K"), article);
            var corrected = article with { Title = "Corrected title" };
            await store.Captures.StorePageAsync(Capture(corrected, T0.AddHours(2)) with { HttpStatus = 404 }, corrected);
        }

        var (_, latestRecords) = await ExportAsync();
        var latest = Captures(latestRecords);
        Assert.Single(latest);
        Assert.Equal("2024-03-15T11:00:00.000Z", latest[0]["WARC-Date"]);
        Assert.StartsWith("HTTP/1.1 404 Not Found\r\n", latest[0].SplitHttp().Head);

        var (_, allRecords) = await ExportAsync("--all-revisions");
        var all = Captures(allRecords);
        Assert.Equal(["2024-03-15T09:00:00.000Z", "2024-03-15T10:00:00.000Z", "2024-03-15T11:00:00.000Z"], all.Select(r => r["WARC-Date"]));
        Assert.Contains("9.12K", Encoding.UTF8.GetString(all[1].SplitHttp().Payload));
        Assert.Equal(Html(article, "9.12K"), all[1].SplitHttp().Payload);
        // Each capture's metadata says which revision it shows.
        var metadata = allRecords.Where(r => r.Type == "metadata").Select(r => Encoding.UTF8.GetString(r.Block)).ToList();
        Assert.Equal(["revision: 1", "revision: 1", "revision: 2"], metadata.Select(m => m.Split("\r\n").Single(l => l.StartsWith("revision: ", StringComparison.Ordinal))));
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
        // Only the site's pages: its articles, and the robots.txt of each of its hosts.
        var hosts = Scraper.Sites.SiteCatalog.Default.Find("wnd.gov.cn")!.Hosts.Select(h => h.Split('/')[0]).ToList();
        Assert.All(records.Skip(1).Where(r => r.Type != "metadata"), r => Assert.Contains(new Uri(r["WARC-Target-URI"]!).Host, hosts));
        Assert.Contains(records, r => r.Type == "response" && new Uri(r["WARC-Target-URI"]!).Host == "www.wndonline.cn" && r["WARC-Target-URI"]!.EndsWith(".htm", StringComparison.Ordinal));
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
            var stored = await store.Reader.LoadLatestBodyAsync(new Uri(Seed));
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
        var captures = Captures(records);
        Assert.Equal(Count(Db, "SELECT count(*) FROM captures"), captures.Count);
        foreach (var page in captures.GroupBy(r => r["WARC-Target-URI"]))
        {
            // Each page's body is written once, in its first record; every later capture of it is a revisit.
            Assert.Equal("response", page.First().Type);
            Assert.All(page.Skip(1), r => Assert.Equal("revisit", r.Type));
        }
        var revisits = captures.Where(r => r.Type == "revisit").ToList();
        // The 304s, the re-fetch above, and each host's robots.txt and the start lists fetched again in full by the second
        // crawl (no conditional GET for them), with the same answer.
        var otherRefetches = Count(Db, """
            SELECT count(*) - count(DISTINCT c.page_id) FROM captures c JOIN pages p ON p.id = c.page_id
            WHERE p.kind <> 'article' AND c.http_status <> 304
            """);
        Assert.True(otherRefetches > 0);
        Assert.Equal(Count(Db, "SELECT count(*) FROM captures WHERE http_status = 304") + 1 + otherRefetches, revisits.Count);
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
                // The same answer again: the seed fetched again in full above, or a robots.txt or list page that the second
                // crawl fetched without a conditional GET.
                Assert.Equal(original.SplitHttp().Head.Split("\r\n")[0], head.Split("\r\n")[0]);
                var target = revisit["WARC-Target-URI"]!;
                Assert.True(target == Seed || Count(Db, $"SELECT count(*) FROM pages WHERE url = '{target}' AND kind <> 'article'") == 1, target);
                Assert.Equal("http://netpreserve.org/warc/1.1/revisit/identical-payload-digest", revisit["WARC-Profile"]);
                Assert.Equal(original["WARC-Payload-Digest"], revisit["WARC-Payload-Digest"]);
            }
        }

        // Without --all-revisions: each page's newest capture that holds its body, in full.
        var (_, latestRecords) = await ExportAsync();
        var latest = Captures(latestRecords);
        Assert.All(latest, r => Assert.Equal("response", r.Type));
        Assert.Equal(latest.Count, latest.Select(r => r["WARC-Target-URI"]).Distinct().Count());
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
        Assert.Equal(Captures(records).Count, lines.Count);
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
        var victim = Captures(records)[1];
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
