using System.Text;

namespace Scraper.Extraction;

/// <summary>Image sources made absolute and percent-encoded the way a browser requests them:
/// <c>640 (3).jpg</c> → <c>640%20(3).jpg</c>, <c>微信图片.jpg</c> → UTF-8 percent-encoding, <c>%20</c> kept as is.</summary>
public static class ImageUrl
{
    public static string? Resolve(Uri pageUrl, string? src)
    {
        if (string.IsNullOrWhiteSpace(src)) return null;
        src = src.Trim().Replace("\\", "/");
        if (src.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || src.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase))
            return null;
        if (!Uri.TryCreate(pageUrl, Encode(src), out var absolute)) return null;
        if (absolute.Scheme != Uri.UriSchemeHttp && absolute.Scheme != Uri.UriSchemeHttps) return null;
        return absolute.AbsoluteUri;
    }

    /// <summary>Percent-encodes what a URL may not hold literally; existing escapes are kept.</summary>
    public static string Encode(string url)
    {
        var sb = new StringBuilder(url.Length + 16);
        var bytes = new byte[4];
        for (var i = 0; i < url.Length; i++)
        {
            var c = url[i];
            if (c == '%' && i + 2 < url.Length && Uri.IsHexDigit(url[i + 1]) && Uri.IsHexDigit(url[i + 2]))
            {
                sb.Append('%').Append(char.ToUpperInvariant(url[i + 1])).Append(char.ToUpperInvariant(url[i + 2]));
                i += 2;
            }
            else if (c > 0x20 && c < 0x7F && c is not ('"' or '<' or '>' or '`' or '{' or '}' or '|' or '^' or '%'))
            {
                sb.Append(c);
            }
            else
            {
                var length = char.IsHighSurrogate(c) && i + 1 < url.Length
                    ? Encoding.UTF8.GetBytes(url.AsSpan(i++, 2), bytes)
                    : Encoding.UTF8.GetBytes(url.AsSpan(i, 1), bytes);
                for (var b = 0; b < length; b++) sb.Append('%').Append(bytes[b].ToString("X2"));
            }
        }
        return sb.ToString();
    }
}
