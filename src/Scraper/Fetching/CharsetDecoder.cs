using System.Text;
using System.Text.RegularExpressions;

namespace Scraper.Fetching;

/// <summary>
/// Bytes to text the way a browser picks the encoding: the Content-Type header's charset, then a BOM, then a
/// <c>&lt;meta&gt;</c> charset in the first bytes, then sniffing (valid UTF-8, else GB18030 for Chinese sites).
/// GB2312 and GBK are decoded as GB18030, their superset, as browsers do.
/// </summary>
public static class CharsetDecoder
{
    private static readonly Lazy<bool> CodePages = new(() =>
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return true;
    });

    private static readonly Regex MetaCharset = new(
        @"<meta[^>]+?charset\s*=\s*[""']?\s*(?<charset>[A-Za-z0-9_.:-]+)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public static string Decode(ReadOnlySpan<byte> body, string? contentType) => DecodeWithName(body, contentType).Text;

    /// <returns>The text and the name of the encoding used.</returns>
    public static (string Text, string Encoding) DecodeWithName(ReadOnlySpan<byte> body, string? contentType)
    {
        var encoding = Detect(body, contentType, out var bomLength);
        return (encoding.GetString(body[bomLength..]), encoding.WebName);
    }

    public static Encoding Detect(ReadOnlySpan<byte> body, string? contentType, out int bomLength)
    {
        bomLength = 0;
        if (body.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) { bomLength = 3; return new UTF8Encoding(false); }
        if (body.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) { bomLength = 2; return Encoding.Unicode; }
        if (body.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) { bomLength = 2; return Encoding.BigEndianUnicode; }
        // The BOM outranks the header (WHATWG); the header outranks the meta tag.
        if (FromLabel(CharsetOf(contentType)) is { } fromHeader) return fromHeader;
        var head = Encoding.Latin1.GetString(body[..Math.Min(body.Length, 4096)]);
        if (MetaCharset.Match(head) is { Success: true } meta && FromLabel(meta.Groups["charset"].Value) is { } fromMeta)
            return fromMeta.CodePage is 1200 or 1201 ? new UTF8Encoding(false) : fromMeta; // a meta tag cannot declare UTF-16
        if (IsValidUtf8(body)) return new UTF8Encoding(false);
        return FromLabel("gb18030")!;
    }

    public static string? CharsetOf(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType)) return null;
        var at = contentType.IndexOf("charset=", StringComparison.OrdinalIgnoreCase);
        return at < 0 ? null : contentType[(at + 8)..].Split(';')[0].Trim().Trim('"', '\'');
    }

    public static Encoding? FromLabel(string? label)
    {
        if (string.IsNullOrWhiteSpace(label)) return null;
        _ = CodePages.Value;
        label = label.Trim().ToLowerInvariant();
        if (label is "gb2312" or "gbk" or "x-gbk" or "gb_2312-80" or "gb_2312" or "csgb2312" or "chinese" or "iso-ir-58" or "cp936" or "ms936" or "windows-936")
            label = "gb18030";
        if (label is "utf8" or "utf-8" or "unicode-1-1-utf-8") return new UTF8Encoding(false);
        if (label is "iso-8859-1" or "latin1" or "us-ascii" or "ascii") label = "windows-1252"; // as browsers do
        try { return Encoding.GetEncoding(label); }
        catch (ArgumentException) { return null; }
    }

    private static bool IsValidUtf8(ReadOnlySpan<byte> body) => System.Text.Unicode.Utf8.IsValid(body);
}
