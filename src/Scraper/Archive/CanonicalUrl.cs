using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Scraper.Archive;

/// <summary>
/// The one spelling of a page's URL that the archive and the crawler key pages by: lower-case scheme and
/// host, no default port, no user info, no fragment, no tracking parameters, percent-encoding normalised
/// (unreserved characters decoded, everything else that needs it encoded as upper-case UTF-8 escapes).
/// Query parameters keep their order: some CMS pages (<c>?sourceChannelId=…&amp;did=…</c>) are keyed by them.
/// </summary>
public static class CanonicalUrl
{
    private static readonly HashSet<string> TrackingParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
        "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "spm", "isappinstalled",
    };

    // WeChat appends from=singlemessage etc. when an article is shared; "from" alone is too common a name to drop.
    private static readonly HashSet<string> WeChatShareSources = new(StringComparer.OrdinalIgnoreCase)
    {
        "singlemessage", "groupmessage", "timeline",
    };

    /// <summary>The canonical form of an absolute http(s) URL.</summary>
    /// <exception cref="ArgumentException">The URL is relative or not http(s).</exception>
    public static string Normalize(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"not an absolute http(s) URL: {url.OriginalString}", nameof(url));

        var builder = new StringBuilder(url.OriginalString.Length + 16);
        builder.Append(url.Scheme.ToLowerInvariant()).Append("://");
        builder.Append(url.IdnHost.ToLowerInvariant().TrimEnd('.'));
        if (!url.IsDefaultPort)
            builder.Append(':').Append(url.Port);

        var path = url.AbsolutePath;
        AppendNormalizedEncoding(builder, path.Length == 0 ? "/" : path, IsPathCharacter);

        var query = url.Query.TrimStart('?');
        var first = true;
        foreach (var parameter in query.Split('&'))
        {
            if (parameter.Length == 0 || IsTracking(parameter))
                continue;
            builder.Append(first ? '?' : '&');
            first = false;
            AppendNormalizedEncoding(builder, parameter, IsQueryCharacter);
        }
        return builder.ToString();
    }

    /// <summary>The canonical form of <paramref name="url"/>, or false when it is not an absolute http(s) URL.</summary>
    public static bool TryNormalize(string? url, [NotNullWhen(true)] out string? canonical)
    {
        canonical = null;
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
            return false;
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            return false;
        canonical = Normalize(uri);
        return true;
    }

    /// <summary>True for parameters that only say where a visitor came from (<c>utm_*</c>, click ids, share markers).</summary>
    public static bool IsTrackingParameter(string name, string? value = null)
    {
        if (name.StartsWith("utm_", StringComparison.OrdinalIgnoreCase) || TrackingParameters.Contains(name))
            return true;
        return value is not null && name.Equals("from", StringComparison.OrdinalIgnoreCase) && WeChatShareSources.Contains(value);
    }

    private static bool IsTracking(string parameter)
    {
        var equals = parameter.IndexOf('=');
        var name = Uri.UnescapeDataString(equals < 0 ? parameter : parameter[..equals]);
        var value = equals < 0 ? null : Uri.UnescapeDataString(parameter[(equals + 1)..]);
        return IsTrackingParameter(name, value);
    }

    /// <summary>
    /// Rewrites <paramref name="component"/> so that equal URLs spell it alike: escapes of unreserved characters
    /// are decoded, other escapes upper-cased, and characters not allowed raw are UTF-8 escaped.
    /// </summary>
    private static void AppendNormalizedEncoding(StringBuilder builder, string component, Func<char, bool> allowedRaw)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < component.Length; i++)
        {
            var c = component[i];
            if (c == '%' && i + 2 < component.Length && IsHex(component[i + 1]) && IsHex(component[i + 2]))
            {
                var value = (char)Convert.ToByte(component.Substring(i + 1, 2), 16);
                if (IsUnreserved(value))
                    builder.Append(value);
                else
                    builder.Append('%').Append(char.ToUpperInvariant(component[i + 1])).Append(char.ToUpperInvariant(component[i + 2]));
                i += 2;
            }
            else if (c < 0x80 && c != '%' && allowedRaw(c))
            {
                builder.Append(c);
            }
            else
            {
                var length = char.IsHighSurrogate(c) && i + 1 < component.Length && char.IsLowSurrogate(component[i + 1]) ? 2 : 1;
                var written = Encoding.UTF8.GetBytes(component.AsSpan(i, length), utf8);
                foreach (var b in utf8[..written])
                    builder.Append('%').Append(b.ToString("X2"));
                i += length - 1;
            }
        }
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';

    private static bool IsSubDelimiter(char c) => c is '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '=';

    private static bool IsPathCharacter(char c) => IsUnreserved(c) || IsSubDelimiter(c) || c is ':' or '@' or '/';

    // '&' separates parameters, so inside one it stays escaped; '=' and '+' keep their raw meaning.
    private static bool IsQueryCharacter(char c) => (IsUnreserved(c) || IsSubDelimiter(c) || c is ':' or '@' or '/' or '?') && c != '&';
}
