using System.Globalization;
using System.Text;

namespace Scraper.Export;

/// <summary>
/// A CDXJ index of a WARC file, as pywb and other replay tools read it (and warcio's <c>cdx-index</c> writes it): one
/// line per capture record (response, revisit, resource; not requests, metadata or warcinfo), <c>SURT timestamp
/// {json}</c>, sorted by their bytes so that a reader can search it. The JSON holds the URL, media type, status, payload
/// digest and the record's gzip member (offset and length in the file, file name), as warcio writes them.
/// </summary>
public sealed class CdxjIndex(string filename)
{
    private readonly List<string> _lines = [];

    public string Filename { get; } = filename;

    public int Count => _lines.Count;

    /// <summary>Adds a capture record.</summary>
    /// <param name="mime">For a response, its HTTP Content-Type; for a revisit, <c>warc/revisit</c>; for a resource, the record's Content-Type.</param>
    /// <param name="payloadDigest">As the record's WARC-Payload-Digest (<c>sha1:…</c>), or null.</param>
    public void Add(string url, DateTimeOffset date, string? mime, int? status, string? payloadDigest, long offset, long length)
    {
        var json = new StringBuilder("{");
        Field(json, "url", url);
        if (mime is not null) Field(json, "mime", mime);
        if (status is { } s) Field(json, "status", s.ToString(CultureInfo.InvariantCulture));
        if (payloadDigest is not null) Field(json, "digest", payloadDigest[(payloadDigest.IndexOf(':') + 1)..]);
        Field(json, "length", length.ToString(CultureInfo.InvariantCulture));
        Field(json, "offset", offset.ToString(CultureInfo.InvariantCulture));
        Field(json, "filename", Filename);
        json.Append('}');
        _lines.Add($"{Surt(url)} {date.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)} {json}");
    }

    /// <summary>Writes the sorted index, one line each, UTF-8.</summary>
    public async Task WriteAsync(Stream output, CancellationToken cancellationToken = default)
    {
        _lines.Sort(StringComparer.Ordinal);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 64 * 1024, leaveOpen: true) { NewLine = "\n" };
        foreach (var line in _lines)
            await writer.WriteLineAsync(line.AsMemory(), cancellationToken);
        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// The Sort-friendly URI Reordering Transform as pywb's and warcio's indexes key captures: lower case, no scheme, a
    /// leading <c>www</c> (or <c>www2</c> …) label dropped, the host's labels reversed and comma-joined, the port if not
    /// the default, <c>)</c>, the path and the query as a WHATWG URL (JavaScript's, which warcio uses) escapes them, the
    /// query's parameters sorted. Not an http(s) URL: itself.
    /// </summary>
    public static string Surt(string url)
    {
        var schemeLength = url.StartsWith("https://", StringComparison.Ordinal) ? 8 : url.StartsWith("http://", StringComparison.Ordinal) ? 7 : 0;
        if (schemeLength == 0)
            return url;
        var rest = url[schemeLength..];
        if (rest.StartsWith("www", StringComparison.Ordinal))
        {
            var digits = 3;
            while (digits < rest.Length && char.IsAsciiDigit(rest[digits])) digits++;
            if (digits < rest.Length && rest[digits] == '.') rest = rest[(digits + 1)..];
        }
        rest = rest.ToLowerInvariant();
        var fragment = rest.IndexOf('#');
        if (fragment >= 0) rest = rest[..fragment];
        var pathStart = rest.IndexOfAny(['/', '?']);
        var authority = pathStart < 0 ? rest : rest[..pathStart];
        var pathAndQuery = pathStart < 0 ? "" : rest[pathStart..];
        var at = authority.LastIndexOf('@');
        if (at >= 0) authority = authority[(at + 1)..];
        var colon = authority.LastIndexOf(':');
        var host = colon >= 0 && !authority.EndsWith(']') ? authority[..colon] : authority;
        var port = colon >= 0 && !authority.EndsWith(']') ? authority[(colon + 1)..] : "";
        if (port == (schemeLength == 8 ? "443" : "80")) port = "";
        try
        {
            host = new IdnMapping().GetAscii(host);
        }
        catch (ArgumentException)
        {
            return url;
        }
        var queryStart = pathAndQuery.IndexOf('?');
        var path = queryStart < 0 ? pathAndQuery : pathAndQuery[..queryStart];
        var query = queryStart < 0 ? "" : pathAndQuery[(queryStart + 1)..];
        var key = new StringBuilder(string.Join(',', host.Split('.').Reverse()));
        if (port.Length > 0) key.Append(':').Append(port);
        key.Append(')');
        Escape(key, path.Length == 0 ? "/" : path, "\"<>`{} ");
        if (query.Length > 0)
        {
            var parameters = query.Split('&');
            Array.Sort(parameters, StringComparer.Ordinal);
            key.Append('?');
            Escape(key, string.Join('&', parameters), "\"<>' ");
        }
        return key.ToString();
    }

    /// <summary>WHATWG percent-encoding: controls, characters outside ASCII (as UTF-8) and <paramref name="set"/>; escapes already there stay.</summary>
    private static void Escape(StringBuilder key, string text, string set)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c > ' ' && c < 0x7F && !set.Contains(c))
            {
                key.Append(c);
                continue;
            }
            var length = char.IsSurrogatePair(text, i)
                ? Encoding.UTF8.GetBytes(text.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(text.AsSpan(i, 1), utf8);
            foreach (var b in utf8[..length])
                key.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>A JSON member as JavaScript's JSON.stringify writes it: only quotes, backslashes and control characters escaped.</summary>
    private static void Field(StringBuilder json, string name, string value)
    {
        if (json.Length > 1) json.Append(',');
        json.Append('"').Append(name).Append("\":\"");
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                default:
                    if (c < ' ') json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else json.Append(c);
                    break;
            }
        }
        json.Append('"');
    }
}
