using System.Text;

namespace Scraper.Fetching;

/// <summary>Media-type questions the fetching stage asks of a Content-Type header.</summary>
public static class ContentTypes
{
    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".htm"] = "text/html",
        [".html"] = "text/html",
        [".shtml"] = "text/html",
        [".xhtml"] = "application/xhtml+xml",
        [".txt"] = "text/plain",
        [".css"] = "text/css",
        [".js"] = "text/javascript",
        [".json"] = "application/json",
        [".xml"] = "application/xml",
        [".pdf"] = "application/pdf",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".png"] = "image/png",
        [".gif"] = "image/gif",
        [".webp"] = "image/webp",
        [".avif"] = "image/avif",
        [".bmp"] = "image/bmp",
        [".svg"] = "image/svg+xml",
        [".ico"] = "image/x-icon",
        [".mp4"] = "video/mp4",
    };

    /// <summary>The media type of a file name, as a static web server would send it.</summary>
    public static string ForFileName(string fileName) =>
        ByExtension.TryGetValue(Path.GetExtension(fileName), out var type) ? type : "application/octet-stream";

    /// <summary>The media type without parameters, lower case: <c>text/html</c> for <c>Text/HTML; charset=GBK</c>.</summary>
    public static string? MediaType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return null;
        var semicolon = contentType.IndexOf(';');
        var type = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim().ToLowerInvariant();
        return type.Length == 0 ? null : type;
    }

    public static bool IsImage(string? contentType) => MediaType(contentType)?.StartsWith("image/", StringComparison.Ordinal) == true;

    /// <summary>HTML by Content-Type; with no usable Content-Type, by the body's first non-blank characters.</summary>
    public static bool IsHtml(string? contentType, ReadOnlySpan<byte> body)
    {
        var type = MediaType(contentType);
        if (type is "text/html" or "application/xhtml+xml") return true;
        if (type is not (null or "application/octet-stream" or "text/plain" or "unknown/unknown")) return false;
        return LooksLikeHtml(body);
    }

    // WHATWG MIME sniffing, reduced to the tags the two sites' pages can start with.
    private static bool LooksLikeHtml(ReadOnlySpan<byte> body)
    {
        if (body.StartsWith(CharsetDecoder.Utf8Bom)) body = body[3..];
        var i = 0;
        while (i < body.Length && body[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\f') i++;
        var head = Encoding.ASCII.GetString(body.Slice(i, Math.Min(16, body.Length - i))).ToLowerInvariant();
        string[] openers = ["<!doctype html", "<html", "<head", "<body", "<!--", "<script", "<title", "<div", "<p", "<meta"];
        foreach (var opener in openers)
        {
            if (!head.StartsWith(opener, StringComparison.Ordinal)) continue;
            if (opener == "<!--") return true;
            var next = head.Length > opener.Length ? head[opener.Length] : ' ';
            if (next is ' ' or '>' or '\t' or '\n' or '\r') return true;
        }
        return false;
    }
}
