using System.Text.RegularExpressions;

namespace Scraper.Extraction;

/// <summary>
/// URLs of saved pages laid out like <c>samples/</c>: <c>&lt;host&gt;/&lt;path as on the site&gt;</c>, so
/// <c>samples/en.wuxi.gov.cn/2023-11/23/c_941797.htm</c> is <c>https://en.wuxi.gov.cn/2023-11/23/c_941797.htm</c>.
/// </summary>
public static partial class SamplePaths
{
    // A host folder: at least one dot, a top-level label of letters, optional port ("127.0.0.1_8080" is not a host).
    [GeneratedRegex(@"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", RegexOptions.IgnoreCase)]
    private static partial Regex HostName();

    /// <summary>The URL a file's path gives, from its nearest ancestor folder named like a host; null when none is.</summary>
    public static Uri? UrlForFile(string path)
    {
        var full = Path.GetFullPath(path);
        var parts = full.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        // The nearest host-named folder wins: samples/en.wuxi.gov.cn/… inside a folder called "x.com" still works.
        for (var i = parts.Length - 2; i >= 0; i--)
        {
            if (!HostName().IsMatch(parts[i])) continue;
            var relative = string.Join('/', parts[(i + 1)..]);
            return Uri.TryCreate("https://" + parts[i].ToLowerInvariant() + "/" + ImageUrl.Encode(relative), UriKind.Absolute, out var url) ? url : null;
        }
        return null;
    }

    /// <summary>The file that answers <paramref name="url"/> in a folder laid out like <c>samples/</c>.</summary>
    public static string FileForUrl(string root, Uri url)
    {
        var path = Uri.UnescapeDataString(url.AbsolutePath).TrimStart('/');
        if (path.Length == 0 || path.EndsWith('/')) path += "index.html";
        return Path.Combine(root, url.Host.ToLowerInvariant(), path.Replace('/', Path.DirectorySeparatorChar));
    }
}
