using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Scraper.Archive;

namespace Scraper.Export;

/// <summary>What the <c>warcinfo</c> record says about the file.</summary>
/// <param name="Software">The program that wrote it, e.g. <c>scraper 0.1.0</c>.</param>
/// <param name="Filename">The WARC file's name, when it is written to a file.</param>
/// <param name="Date">When the export ran (the warcinfo record's WARC-Date).</param>
public sealed record WarcFileInfo(string Software, string? Filename, DateTimeOffset Date);

/// <summary>What goes into a WARC file: captures (article pages first, then the others), then images.</summary>
public sealed record WarcContent(IAsyncEnumerable<ArchivedCapture> Captures)
{
    public IAsyncEnumerable<ArchivedImage>? Images { get; init; }
}

/// <summary>How many captures and images a WARC file holds, and how many records in all.</summary>
public sealed record WarcSummary(long Captures, long Images, long Records);

/// <summary>
/// Raw captures as a WARC/1.1 file (ISO 28500:2017): a <c>warcinfo</c> record, then per capture its record, the
/// <c>request</c> the fetch sent and a <c>metadata</c> record, then the images; each record gzipped as its own member
/// (the <c>.warc.gz</c> convention, so tools can seek to any record by its offset). A replay tool finds every page,
/// list page, robots.txt and image the archive fetched, with the request that fetched it.
/// </summary>
/// <remarks>
/// The archive keeps a capture's status, Content-Type, ETag, Last-Modified and body, not the response's full header
/// block. A fetched capture becomes a <c>response</c> record whose HTTP header block is rebuilt from those facts
/// (status line with its standard reason phrase, the stored headers, Content-Length of the body as stored) and claims
/// no Content-Encoding or Transfer-Encoding: the body is stored decoded. An imported file had no HTTP response at all,
/// so it becomes a <c>resource</c> record of the page's URL whose block is the file's bytes. The warcinfo record says
/// both. Digests are SHA-1 in base32 (<c>sha1:…</c>), the convention web-archive tools index and deduplicate by.
/// <para>
/// The archive records every fetch, and most re-fetches find what was there before. A page's body already written
/// in full earlier in the file is not written again: a re-fetch that served the same body becomes a <c>revisit</c>
/// record (profile identical-payload-digest) and a 304 Not Modified a <c>revisit</c> record (profile
/// server-not-modified), each with the HTTP header block only and pointing at the record that holds the body
/// (WARC-Refers-To, WARC-Refers-To-Target-URI, WARC-Refers-To-Date), as WARC/1.1 section 6.7 defines them.
/// </para>
/// <para>
/// The request a fetch sent is kept in the archive as sent (schema version 4): it becomes a <c>request</c> record
/// (WARC-Concurrent-To the capture's record). Every capture has a <c>metadata</c> record (application/warc-fields,
/// WARC-Refers-To the capture's record): what the crawl fetched it as, the article revision it shows and the
/// extractor that read it, and its links (<c>outlink: URL L a/@href</c>, as Heritrix writes them).
/// </para>
/// </remarks>
public static class WarcWriter
{
    public const string Description =
        "Raw captures exported from a scraper archive: article pages, their continuation pages, section lists, robots.txt, "
        + "sitemaps and images. The archive keeps each capture's HTTP status, Content-Type, ETag, "
        + "Last-Modified and body, not the original response headers: the HTTP header block of each response record is "
        + "reconstructed from those (status line, the stored headers, Content-Length of the body as stored, no "
        + "Content-Encoding since the body is stored decoded). The request records are the requests as the crawler sent "
        + "them (kept since archive schema version 4; a mirror crawl sent none). Pages imported from saved files had no HTTP "
        + "response: they are resource records of the page's URL, dated when they were imported; so are images stored before "
        + "schema version 4, dated when a revision showing them was first captured. A re-fetch that served a body "
        + "already written for the page, and a 304 Not Modified, are revisit records pointing at the record that holds it. "
        + "Each capture's metadata record gives the article revision it shows, the extractor, and its outlinks.";

    private const string IdenticalPayloadProfile = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest";
    private const string NotModifiedProfile = "http://netpreserve.org/warc/1.1/revisit/server-not-modified";

    /// <summary>A record that holds a body in full, for the revisit records (and their metadata) that point at it.</summary>
    private sealed record WrittenBody(string RecordId, DateTimeOffset Date, string PayloadDigest, IReadOnlyList<Outlink> Outlinks);

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private static readonly byte[] RecordEnd = "\r\n\r\n"u8.ToArray();

    /// <summary>Writes the warcinfo record and the captures' records; returns the number of captures written.</summary>
    /// <remarks>Nothing is written when there are no captures.</remarks>
    public static async Task<long> WriteAsync(IAsyncEnumerable<ArchivedCapture> captures, Stream output, WarcFileInfo info,
        CancellationToken cancellationToken = default) =>
        (await WriteAsync(new WarcContent(captures), output, info, null, cancellationToken)).Captures;

    /// <summary>
    /// Writes the warcinfo record, every capture's records and every image's; with <paramref name="index"/>, adds each
    /// capture and image record to it. Nothing is written when there is nothing to export.
    /// </summary>
    public static async Task<WarcSummary> WriteAsync(WarcContent content, Stream output, WarcFileInfo info, CdxjIndex? index,
        CancellationToken cancellationToken = default)
    {
        var file = new RecordStream(output);
        string? warcinfoId = null;
        long captures = 0, images = 0;
        // The bodies written in full for the current page: captures come page by page, so memory stays flat.
        var written = new Dictionary<string, WrittenBody>(StringComparer.Ordinal);
        string? page = null;
        await foreach (var capture in content.Captures.WithCancellation(cancellationToken))
        {
            warcinfoId ??= await WriteWarcinfoAsync(file, info, cancellationToken);
            if (capture.Url != page) { written.Clear(); page = capture.Url; }
            // A 304 is always a revisit; when the file lacks the body it confirmed, the record says only what the server said.
            WrittenBody? body;
            string recordId;
            if (capture.HttpStatus is { } status && (status == 304 || written.ContainsKey(capture.BodySha256)))
            {
                body = written.GetValueOrDefault(capture.BodySha256);
                recordId = await WriteRevisitAsync(file, capture.Url, capture.CapturedAt, status, HttpResponseHead(status, capture.ContentType,
                    capture.ETag, capture.LastModified, status == 304 ? null : capture.BodySize), body, warcinfoId, index, cancellationToken);
            }
            else
            {
                body = await WriteCaptureAsync(file, capture, warcinfoId, index, cancellationToken);
                written[capture.BodySha256] = body;
                recordId = body.RecordId;
            }
            if (capture.RequestHead is { } request && capture.HttpStatus is not null)
                await WriteRequestAsync(file, capture.Url, capture.CapturedAt, request, recordId, warcinfoId, cancellationToken);
            await WriteMetadataAsync(file, capture, recordId, body?.Outlinks, warcinfoId, cancellationToken);
            captures++;
        }

        // Images after the pages, each address once; bytes already written under another address are a revisit of them.
        var imageBodies = new Dictionary<string, WrittenBody>(StringComparer.Ordinal);
        if (content.Images is not null)
        {
            await foreach (var image in content.Images.WithCancellation(cancellationToken))
            {
                warcinfoId ??= await WriteWarcinfoAsync(file, info, cancellationToken);
                string recordId;
                if (image.HttpStatus is { } status && imageBodies.TryGetValue(image.Sha256, out var original))
                {
                    recordId = await WriteRevisitAsync(file, TargetUri(image.Url), image.Date, status,
                        HttpResponseHead(status, image.ContentType, null, null, image.Size), original, warcinfoId, index, cancellationToken);
                }
                else
                {
                    var body = await WriteImageAsync(file, image, warcinfoId, index, cancellationToken);
                    imageBodies.TryAdd(image.Sha256, body);
                    recordId = body.RecordId;
                }
                if (image.RequestHead is { } request && image.HttpStatus is not null)
                    await WriteRequestAsync(file, TargetUri(image.Url), image.Date, request, recordId, warcinfoId, cancellationToken);
                images++;
            }
        }
        await output.FlushAsync(cancellationToken);
        return new WarcSummary(captures, images, file.Records);
    }

    private static async Task<string> WriteWarcinfoAsync(RecordStream file, WarcFileInfo info, CancellationToken cancellationToken)
    {
        var recordId = NewRecordId();
        var fields = new StringBuilder()
            .Append("software: ").Append(OneLine(info.Software)).Append("\r\n")
            .Append("format: WARC File Format 1.1\r\n")
            .Append("conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n")
            .Append("description: ").Append(Description).Append("\r\n");
        var header = new List<(string, string)>
        {
            ("WARC-Type", "warcinfo"),
            ("WARC-Record-ID", recordId),
            ("WARC-Date", FormatDate(info.Date)),
        };
        if (info.Filename is not null)
            header.Add(("WARC-Filename", OneLine(info.Filename)));
        header.Add(("Content-Type", "application/warc-fields"));
        await file.WriteRecordAsync(header, Utf8.GetBytes(fields.ToString()), [], cancellationToken);
        return recordId;
    }

    private static async Task<WrittenBody> WriteCaptureAsync(RecordStream file, ArchivedCapture capture, string warcinfoId, CdxjIndex? index,
        CancellationToken cancellationToken)
    {
        var header = new List<(string, string)>();
        byte[] httpHead;
        if (capture.HttpStatus is { } status)
        {
            httpHead = HttpResponseHead(status, capture.ContentType, capture.ETag, capture.LastModified, capture.BodySize);
            header.Add(("WARC-Type", "response"));
        }
        else
        {
            httpHead = [];
            header.Add(("WARC-Type", "resource"));
        }
        var recordId = NewRecordId();
        var body = await capture.LoadBodyAsync(cancellationToken);
        // The payload is the body; a resource record's block is its payload.
        var payloadDigest = Sha1Digest(body);
        var contentType = capture.HttpStatus is null
            ? OneLine(capture.ContentType ?? (capture.Origin == CaptureOrigin.Import ? "text/html" : "application/octet-stream"))
            : "application/http;msgtype=response";
        header.Add(("WARC-Record-ID", recordId));
        header.Add(("WARC-Date", FormatDate(capture.CapturedAt)));
        header.Add(("WARC-Target-URI", capture.Url));
        header.Add(("WARC-Warcinfo-ID", warcinfoId));
        header.Add(("WARC-Payload-Digest", payloadDigest));
        header.Add(("Content-Type", contentType));
        var (offset, length) = await file.WriteRecordAsync(header, httpHead, body, cancellationToken);
        index?.Add(capture.Url, capture.CapturedAt, capture.HttpStatus is null ? contentType : MediaType(capture.ContentType), capture.HttpStatus,
            payloadDigest, offset, length);
        return new WrittenBody(recordId, capture.CapturedAt, payloadDigest, OutlinkReader.Read(body, capture.ContentType, new Uri(capture.Url)));
    }

    /// <summary>
    /// An image: a <c>response</c> record rebuilt from the fetch's status and Content-Type, or, for an image whose fetch
    /// the archive did not record (stored before schema version 4), a <c>resource</c> record of its bytes.
    /// </summary>
    private static async Task<WrittenBody> WriteImageAsync(RecordStream file, ArchivedImage image, string warcinfoId, CdxjIndex? index,
        CancellationToken cancellationToken)
    {
        var recordId = NewRecordId();
        var body = await image.LoadBodyAsync(cancellationToken);
        var payloadDigest = Sha1Digest(body);
        var httpHead = image.HttpStatus is { } status ? HttpResponseHead(status, image.ContentType, null, null, body.Length) : [];
        var contentType = image.HttpStatus is null ? OneLine(image.ContentType ?? "application/octet-stream") : "application/http;msgtype=response";
        var header = new List<(string, string)>
        {
            ("WARC-Type", image.HttpStatus is null ? "resource" : "response"),
            ("WARC-Record-ID", recordId),
            ("WARC-Date", FormatDate(image.Date)),
            ("WARC-Target-URI", TargetUri(image.Url)),
            ("WARC-Warcinfo-ID", warcinfoId),
            ("WARC-Payload-Digest", payloadDigest),
            ("Content-Type", contentType),
        };
        var (offset, length) = await file.WriteRecordAsync(header, httpHead, body, cancellationToken);
        index?.Add(TargetUri(image.Url), image.Date, image.HttpStatus is null ? contentType : MediaType(image.ContentType), image.HttpStatus, payloadDigest, offset, length);
        return new WrittenBody(recordId, image.Date, payloadDigest, []);
    }

    /// <summary>
    /// A re-fetch of a body already in the file (or a 304 Not Modified): a <c>revisit</c> record whose block is the HTTP
    /// header block alone, pointing at the record that holds the body when the file has it (a 200 revisit always has
    /// it: <see cref="WriteAsync(WarcContent, Stream, WarcFileInfo, CdxjIndex?, CancellationToken)"/> writes one only for a body already written).
    /// </summary>
    private static async Task<string> WriteRevisitAsync(RecordStream file, string url, DateTimeOffset date, int status, byte[] httpHead,
        WrittenBody? original, string warcinfoId, CdxjIndex? index, CancellationToken cancellationToken)
    {
        var recordId = NewRecordId();
        var header = new List<(string, string)>
        {
            ("WARC-Type", "revisit"),
            ("WARC-Record-ID", recordId),
            ("WARC-Date", FormatDate(date)),
            ("WARC-Target-URI", url),
            ("WARC-Warcinfo-ID", warcinfoId),
            ("WARC-Profile", status == 304 ? NotModifiedProfile : IdenticalPayloadProfile),
        };
        if (original is not null)
        {
            header.Add(("WARC-Refers-To", original.RecordId));
            header.Add(("WARC-Refers-To-Target-URI", url));
            header.Add(("WARC-Refers-To-Date", FormatDate(original.Date)));
        }
        // The identical-payload profile requires the digest of the payload left out; a 304 had no payload of its own.
        var payloadDigest = status != 304 ? original?.PayloadDigest : null;
        if (payloadDigest is not null)
            header.Add(("WARC-Payload-Digest", payloadDigest));
        header.Add(("Content-Type", "application/http;msgtype=response"));
        // A 304 carries no body, so no Content-Length; a revisit of a 200 keeps the headers the response had.
        var (offset, length) = await file.WriteRecordAsync(header, httpHead, [], cancellationToken);
        index?.Add(url, date, "warc/revisit", status, payloadDigest, offset, length);
        return recordId;
    }

    /// <summary>
    /// The request a fetch sent, as sent. Its target is the capture's URL, or, when the request went elsewhere (the last
    /// hop of a redirect the crawl followed within the site), the URL it was sent to.
    /// </summary>
    private static Task WriteRequestAsync(RecordStream file, string url, DateTimeOffset date, string request, string concurrentTo, string warcinfoId,
        CancellationToken cancellationToken)
    {
        var header = new List<(string, string)>
        {
            ("WARC-Type", "request"),
            ("WARC-Record-ID", NewRecordId()),
            ("WARC-Date", FormatDate(date)),
            ("WARC-Target-URI", RequestTarget(url, request)),
            ("WARC-Warcinfo-ID", warcinfoId),
            ("WARC-Concurrent-To", concurrentTo),
            ("Content-Type", "application/http;msgtype=request"),
        };
        return file.WriteRecordAsync(header, Utf8.GetBytes(request), [], cancellationToken);
    }

    /// <summary>What the archive knows of a capture beyond its bytes, as WARC fields (a <c>metadata</c> record about it).</summary>
    private static Task WriteMetadataAsync(RecordStream file, ArchivedCapture capture, string refersTo, IReadOnlyList<Outlink>? outlinks,
        string warcinfoId, CancellationToken cancellationToken)
    {
        var fields = new StringBuilder();
        void Field(string name, object? value)
        {
            if (value is not null) fields.Append(name).Append(": ").Append(OneLine(Convert.ToString(value, CultureInfo.InvariantCulture)!)).Append("\r\n");
        }
        Field("crawled-as", capture.CrawledAs);
        Field("continuation-of", capture.ContinuationOf);
        Field("crawl-run", capture.RunId);
        Field("extractor", capture.Extractor);
        Field("revision", capture.Revision);
        Field("article-sha256", capture.ContentSha256);
        Field("body-sha256", capture.BodySha256);
        foreach (var link in outlinks ?? [])
            fields.Append("outlink: ").Append(link.Url).Append(' ').Append(link.Hop).Append(' ').Append(link.Context).Append("\r\n");
        var header = new List<(string, string)>
        {
            ("WARC-Type", "metadata"),
            ("WARC-Record-ID", NewRecordId()),
            ("WARC-Date", FormatDate(capture.CapturedAt)),
            ("WARC-Target-URI", capture.Url),
            ("WARC-Warcinfo-ID", warcinfoId),
            ("WARC-Refers-To", refersTo),
            ("Content-Type", "application/warc-fields"),
        };
        return file.WriteRecordAsync(header, Utf8.GetBytes(fields.ToString()), [], cancellationToken);
    }

    /// <summary>
    /// A URL as a WARC-Target-URI must be, a URI (RFC 3986) in ASCII: a figure's address may be stored as the page wrote
    /// it, with spaces or CJK characters, which become percent-escapes of their UTF-8 bytes.
    /// </summary>
    internal static string TargetUri(string url) =>
        url.All(c => c > ' ' && c < 0x7F) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) ? url : uri.AbsoluteUri;

    /// <summary>The URL a stored request went to: the capture's own unless its request line and Host header say otherwise.</summary>
    internal static string RequestTarget(string url, string request)
    {
        var lineEnd = request.IndexOf("\r\n", StringComparison.Ordinal);
        var parts = (lineEnd < 0 ? request : request[..lineEnd]).Split(' ');
        var hostLine = request.Split("\r\n").FirstOrDefault(l => l.StartsWith("Host:", StringComparison.OrdinalIgnoreCase));
        if (parts.Length < 2 || hostLine is null || !Uri.TryCreate(url, UriKind.Absolute, out var target))
            return url;
        var sent = $"{target.Scheme}://{hostLine[5..].Trim()}{parts[1]}";
        return Uri.TryCreate(sent, UriKind.Absolute, out var sentUrl) && CanonicalUrl.Normalize(sentUrl) != CanonicalUrl.Normalize(target) ? sent : url;
    }

    /// <summary>The HTTP/1.1 status line and headers rebuilt from what the archive stored; see the class remarks.</summary>
    private static byte[] HttpResponseHead(int status, string? contentType, string? etag, string? lastModified, long? bodyLength)
    {
        string reason;
        using (var response = new HttpResponseMessage((HttpStatusCode)status))
            reason = response.ReasonPhrase ?? "";
        var head = new StringBuilder("HTTP/1.1 ").Append(status.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(reason).Append("\r\n");
        if (contentType is not null && status != 304) head.Append("Content-Type: ").Append(OneLine(contentType)).Append("\r\n");
        if (etag is not null) head.Append("ETag: ").Append(OneLine(etag)).Append("\r\n");
        if (lastModified is not null) head.Append("Last-Modified: ").Append(OneLine(lastModified)).Append("\r\n");
        if (bodyLength is { } length) head.Append("Content-Length: ").Append(length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        head.Append("\r\n");
        return Utf8.GetBytes(head.ToString());
    }

    /// <summary>A Content-Type's media type as an index lists it: <c>text/html; charset=utf-8</c> is <c>text/html</c>.</summary>
    private static string? MediaType(string? contentType) =>
        contentType is null ? null : OneLine(contentType).Split(';', 2)[0].Trim() is { Length: > 0 } type ? type : null;

    private static string NewRecordId() => "<urn:uuid:" + Guid.NewGuid().ToString("D") + ">";

    /// <summary>WARC/1.1 dates: UTC, to the millisecond the archive keeps.</summary>
    internal static string FormatDate(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    internal static string Sha1Digest(ReadOnlySpan<byte> data) => "sha1:" + Base32(SHA1.HashData(data));

    /// <summary>RFC 4648 base32 (A–Z, 2–7), padded; a SHA-1 digest is 32 characters with no padding.</summary>
    internal static string Base32(ReadOnlySpan<byte> data)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var text = new StringBuilder((data.Length + 4) / 5 * 8);
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = ((buffer << 8) | b) & 0xFFFF; // never more than 12 bits are pending
            bits += 8;
            while (bits >= 5)
            {
                text.Append(alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0)
            text.Append(alphabet[(buffer << (5 - bits)) & 31]);
        while (text.Length % 8 != 0)
            text.Append('=');
        return text.ToString();
    }

    /// <summary>A header value on one line: stored values come from HTTP headers, but a line break must never split a record.</summary>
    private static string OneLine(string value)
    {
        if (!value.Any(char.IsControl)) return value;
        return string.Concat(value.Select(c => char.IsControl(c) ? ' ' : c));
    }

    /// <summary>The output, record by record: each record one gzip member, its offset and length counted for the index.</summary>
    private sealed class RecordStream(Stream output)
    {
        private long _position;

        public long Records { get; private set; }

        /// <summary>One record as its own gzip member: header, the block (<paramref name="blockHead"/> then <paramref name="blockRest"/>), CRLF CRLF.</summary>
        /// <returns>Where the member starts in the file and how long it is.</returns>
        public async Task<(long Offset, long Length)> WriteRecordAsync(List<(string Name, string Value)> fields, byte[] blockHead, byte[] blockRest,
            CancellationToken cancellationToken)
        {
            using var blockHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
            blockHash.AppendData(blockHead);
            blockHash.AppendData(blockRest);
            var header = new StringBuilder("WARC/1.1\r\n");
            foreach (var (name, value) in fields)
                header.Append(name).Append(": ").Append(value).Append("\r\n");
            header.Append("WARC-Block-Digest: sha1:").Append(Base32(blockHash.GetHashAndReset())).Append("\r\n");
            header.Append("Content-Length: ").Append((blockHead.Length + blockRest.Length).ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n");

            var headerBytes = Utf8.GetBytes(header.ToString());
            var size = headerBytes.Length + blockHead.Length + blockRest.Length + RecordEnd.Length;
            // Each member is made in memory first: its length is the index's, and the output needs no position.
            using var member = new MemoryStream(size <= StoredMemberLimit ? size + 32 : blockRest.Length / 3 + 1024);
            if (size <= StoredMemberLimit)
            {
                WriteStoredMember(member, [headerBytes, blockHead, blockRest, RecordEnd], size);
            }
            else
            {
                await using var gzip = new GZipStream(member, CompressionLevel.Optimal, leaveOpen: true);
                await gzip.WriteAsync(headerBytes, cancellationToken);
                await gzip.WriteAsync(blockHead, cancellationToken);
                await gzip.WriteAsync(blockRest, cancellationToken);
                await gzip.WriteAsync(RecordEnd, cancellationToken);
            }
            var offset = _position;
            await output.WriteAsync(member.GetBuffer().AsMemory(0, (int)member.Length), cancellationToken);
            _position += member.Length;
            Records++;
            return (offset, member.Length);
        }

        /// <summary>
        /// Records up to this size (requests, revisits, most metadata) are stored in their gzip member uncompressed: a
        /// deflate stream costs more to set up than it saves on a few hundred bytes, twice per capture.
        /// </summary>
        private const int StoredMemberLimit = 1024;

        /// <summary>A gzip member (RFC 1952) whose deflate data is one stored block (RFC 1951 3.2.4): valid for every reader.</summary>
        private static void WriteStoredMember(MemoryStream member, byte[][] parts, int size)
        {
            // ID1 ID2, CM deflate, no flags, no time, no extra flags, OS unknown.
            member.Write([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
            // BFINAL = 1, BTYPE = 00 (stored), then LEN and its one's complement, little-endian.
            member.Write([1, (byte)size, (byte)(size >> 8), (byte)~size, (byte)(~size >> 8)]);
            var crc = 0xFFFFFFFFu;
            foreach (var part in parts)
            {
                member.Write(part);
                foreach (var b in part)
                    crc = Crc32Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            }
            crc = ~crc;
            member.Write([(byte)crc, (byte)(crc >> 8), (byte)(crc >> 16), (byte)(crc >> 24), (byte)size, (byte)(size >> 8), (byte)(size >> 16), (byte)(size >> 24)]);
        }

        private static readonly uint[] Crc32Table = Enumerable.Range(0, 256).Select(n =>
        {
            var c = (uint)n;
            for (var k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            return c;
        }).ToArray();
    }
}
