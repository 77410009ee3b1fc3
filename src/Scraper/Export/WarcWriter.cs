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

/// <summary>
/// Raw captures as a WARC/1.1 file (ISO 28500:2017): a <c>warcinfo</c> record, then one record per capture, each record
/// gzipped as its own member (the <c>.warc.gz</c> convention, so tools can seek to any record by its offset).
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
/// </remarks>
public static class WarcWriter
{
    public const string Description =
        "Raw captures exported from a scraper archive. The archive keeps each capture's HTTP status, Content-Type, ETag, "
        + "Last-Modified and body, not the original response headers: the HTTP header block of each response record is "
        + "reconstructed from those (status line, the stored headers, Content-Length of the body as stored, no "
        + "Content-Encoding since the body is stored decoded). Pages imported from saved files had no HTTP response: "
        + "they are resource records of the page's URL, dated when they were imported. A re-fetch that served a body "
        + "already written for the page, and a 304 Not Modified, are revisit records pointing at the record that holds it.";

    private const string IdenticalPayloadProfile = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest";
    private const string NotModifiedProfile = "http://netpreserve.org/warc/1.1/revisit/server-not-modified";

    /// <summary>A record that holds a body in full, for the revisit records that point at it.</summary>
    private sealed record WrittenBody(string RecordId, DateTimeOffset Date, string PayloadDigest);

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private static readonly byte[] RecordEnd = "\r\n\r\n"u8.ToArray();

    /// <summary>Writes the warcinfo record and one record per capture; returns the number of captures written.</summary>
    /// <remarks>Nothing is written when there are no captures.</remarks>
    public static async Task<long> WriteAsync(IAsyncEnumerable<ArchivedCapture> captures, Stream output, WarcFileInfo info,
        CancellationToken cancellationToken = default)
    {
        string? warcinfoId = null;
        long count = 0;
        // The bodies written in full for the current page: captures come page by page, so memory stays flat.
        var written = new Dictionary<string, WrittenBody>(StringComparer.Ordinal);
        string? page = null;
        await foreach (var capture in captures.WithCancellation(cancellationToken))
        {
            if (warcinfoId is null)
            {
                warcinfoId = NewRecordId();
                await WriteWarcinfoAsync(output, warcinfoId, info, cancellationToken);
            }
            if (capture.Url != page) { written.Clear(); page = capture.Url; }
            // A 304 is always a revisit; when the file lacks the body it confirmed, the record says only what the server said.
            if (capture.HttpStatus is { } status && (status == 304 || written.ContainsKey(capture.BodySha256)))
                await WriteRevisitAsync(output, capture, status, written.GetValueOrDefault(capture.BodySha256), warcinfoId, cancellationToken);
            else
                written[capture.BodySha256] = await WriteCaptureAsync(output, capture, warcinfoId, cancellationToken);
            count++;
        }
        await output.FlushAsync(cancellationToken);
        return count;
    }

    private static Task WriteWarcinfoAsync(Stream output, string recordId, WarcFileInfo info, CancellationToken cancellationToken)
    {
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
        return WriteRecordAsync(output, header, Utf8.GetBytes(fields.ToString()), [], cancellationToken);
    }

    private static async Task<WrittenBody> WriteCaptureAsync(Stream output, ArchivedCapture capture, string warcinfoId, CancellationToken cancellationToken)
    {
        var header = new List<(string, string)>();
        byte[] httpHead;
        if (capture.HttpStatus is { } status)
        {
            httpHead = HttpResponseHead(status, capture);
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
        header.Add(("WARC-Record-ID", recordId));
        header.Add(("WARC-Date", FormatDate(capture.CapturedAt)));
        header.Add(("WARC-Target-URI", capture.Url));
        header.Add(("WARC-Warcinfo-ID", warcinfoId));
        header.Add(("WARC-Payload-Digest", payloadDigest));
        header.Add(("Content-Type", capture.HttpStatus is null
            ? OneLine(capture.ContentType ?? (capture.Origin == CaptureOrigin.Import ? "text/html" : "application/octet-stream"))
            : "application/http;msgtype=response"));
        await WriteRecordAsync(output, header, httpHead, body, cancellationToken);
        return new WrittenBody(recordId, capture.CapturedAt, payloadDigest);
    }

    /// <summary>
    /// A re-fetch of a body already in the file (or a 304 Not Modified): a <c>revisit</c> record whose block is the HTTP
    /// header block alone, pointing at the record that holds the body when the file has it (a 200 revisit always has
    /// it: <see cref="WriteAsync"/> writes one only for a body already written).
    /// </summary>
    private static Task WriteRevisitAsync(Stream output, ArchivedCapture capture, int status, WrittenBody? original, string warcinfoId,
        CancellationToken cancellationToken)
    {
        var header = new List<(string, string)>
        {
            ("WARC-Type", "revisit"),
            ("WARC-Record-ID", NewRecordId()),
            ("WARC-Date", FormatDate(capture.CapturedAt)),
            ("WARC-Target-URI", capture.Url),
            ("WARC-Warcinfo-ID", warcinfoId),
            ("WARC-Profile", status == 304 ? NotModifiedProfile : IdenticalPayloadProfile),
        };
        if (original is not null)
        {
            header.Add(("WARC-Refers-To", original.RecordId));
            header.Add(("WARC-Refers-To-Target-URI", capture.Url));
            header.Add(("WARC-Refers-To-Date", FormatDate(original.Date)));
        }
        // The identical-payload profile requires the digest of the payload left out; a 304 had no payload of its own.
        if (status != 304 && original is not null)
            header.Add(("WARC-Payload-Digest", original.PayloadDigest));
        header.Add(("Content-Type", "application/http;msgtype=response"));
        // A 304 carries no body, so no Content-Length; a revisit of a 200 keeps the headers the response had.
        return WriteRecordAsync(output, header, HttpResponseHead(status, capture, bodyLength: status == 304 ? null : capture.BodySize), [],
            cancellationToken);
    }

    /// <summary>The HTTP/1.1 status line and headers rebuilt from what the archive stored; see the class remarks.</summary>
    private static byte[] HttpResponseHead(int status, ArchivedCapture capture) => HttpResponseHead(status, capture, capture.BodySize);

    private static byte[] HttpResponseHead(int status, ArchivedCapture capture, long? bodyLength)
    {
        string reason;
        using (var response = new HttpResponseMessage((HttpStatusCode)status))
            reason = response.ReasonPhrase ?? "";
        var head = new StringBuilder("HTTP/1.1 ").Append(status.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(reason).Append("\r\n");
        if (capture.ContentType is not null && status != 304) head.Append("Content-Type: ").Append(OneLine(capture.ContentType)).Append("\r\n");
        if (capture.ETag is not null) head.Append("ETag: ").Append(OneLine(capture.ETag)).Append("\r\n");
        if (capture.LastModified is not null) head.Append("Last-Modified: ").Append(OneLine(capture.LastModified)).Append("\r\n");
        if (bodyLength is { } length) head.Append("Content-Length: ").Append(length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        head.Append("\r\n");
        return Utf8.GetBytes(head.ToString());
    }

    /// <summary>One record as its own gzip member: header, the block (<paramref name="blockHead"/> then <paramref name="blockRest"/>), CRLF CRLF.</summary>
    private static async Task WriteRecordAsync(Stream output, List<(string Name, string Value)> fields, byte[] blockHead, byte[] blockRest,
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

        // Each GZipStream writes one complete member (header, deflate data, CRC and size) when it is disposed.
        await using var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true);
        await gzip.WriteAsync(Utf8.GetBytes(header.ToString()), cancellationToken);
        await gzip.WriteAsync(blockHead, cancellationToken);
        await gzip.WriteAsync(blockRest, cancellationToken);
        await gzip.WriteAsync(RecordEnd, cancellationToken);
    }

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
}
