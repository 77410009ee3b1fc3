using System.Globalization;
using System.Security.Cryptography;

namespace Scraper.Fetching;

/// <summary>
/// Answers URLs from a folder laid out like <c>samples/</c>: <c>DIR/en.wuxi.gov.cn/2023-11/23/c_941797.htm</c>
/// answers both <c>https://</c> and <c>http://en.wuxi.gov.cn/2023-11/23/c_941797.htm</c>. It behaves as a
/// plain static web server would, so the <see cref="Downloader"/> treats it like the network: 404 for a
/// missing file, <c>index.html</c> for a path ending in a slash, a 301 to the slash for a folder, the
/// Content-Type from the extension, and an ETag and Last-Modified that conditional GETs are answered against.
/// The query string is ignored (a file name cannot carry one).
/// </summary>
public sealed class MirrorPageSource : IPageSource
{
    private readonly string _root;

    public MirrorPageSource(string root)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException("Mirror folder not found: " + root);
        _root = Path.GetFullPath(root);
    }

    public string Root => _root;

    /// <summary>The file that answers a URL, or null when the URL cannot map into the folder.</summary>
    public string? PathFor(Uri url)
    {
        if (!HostScope.IsHttp(url)) return null;
        var hostRoot = Path.GetFullPath(Path.Combine(_root, url.IdnHost.ToLowerInvariant()));
        var relative = Uri.UnescapeDataString(url.AbsolutePath).TrimStart('/');
        if (relative.Length == 0 || relative.EndsWith('/')) relative += "index.html";
        var full = Path.GetFullPath(Path.Combine(hostRoot, relative.Replace('/', Path.DirectorySeparatorChar)));
        // Escaped dot segments (%2e%2e) survive Uri normalisation; nothing may leave the host's folder.
        return full.StartsWith(hostRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full : null;
    }

    public async Task<SourceResponse> SendAsync(SourceRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var path = PathFor(request.Url);
            if (path is null) return Status(400, "Bad Request");
            if (Directory.Exists(path))
                return Status(301, "Moved Permanently") with { Location = request.Url.AbsolutePath + "/" };
            if (!File.Exists(path)) return Status(404, "Not Found");
            var info = new FileInfo(path);
            var lastModified = new DateTimeOffset(info.LastWriteTimeUtc.Ticks - info.LastWriteTimeUtc.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
            var content = await ReadAsync(path, request.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(content.Whole))[..16] + "\"";
            var lastModifiedText = lastModified.ToString("r", CultureInfo.InvariantCulture);

            if (IsNotModified(request, etag, lastModified))
                return Status(304, "Not Modified") with { ETag = etag, LastModified = lastModifiedText };

            return new SourceResponse(200)
            {
                ReasonPhrase = "OK",
                ContentType = ContentTypes.ForFileName(path),
                ETag = etag,
                LastModified = lastModifiedText,
                Body = content.Body,
                Truncated = content.Truncated,
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PageSourceException(FetchErrorKind.SourceError, "mirror file unreadable: " + e.Message, e);
        }
    }

    // RFC 9110 §13.1.3: If-Modified-Since is ignored when If-None-Match is present.
    private static bool IsNotModified(SourceRequest request, string etag, DateTimeOffset lastModified)
    {
        if (request.IfNoneMatch is { } tags)
            return tags.Trim() == "*" || tags.Split(',').Any(t => WeakTag(t.Trim()) == WeakTag(etag));
        return request.IfModifiedSince is { } since
            && DateTimeOffset.TryParseExact(since, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var sinceDate)
            && lastModified <= sinceDate;
    }

    private static string WeakTag(string tag) => tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag;

    private static async Task<(byte[] Body, byte[] Whole, bool Truncated)> ReadAsync(string path, long maxBytes, CancellationToken cancellationToken)
    {
        var whole = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return whole.LongLength > maxBytes ? (whole[..(int)maxBytes], whole, true) : (whole, whole, false);
    }

    private static SourceResponse Status(int code, string reason) => new(code) { ReasonPhrase = reason };
}
