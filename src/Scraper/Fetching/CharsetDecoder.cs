using System.Text;
using System.Text.Unicode;

namespace Scraper.Fetching;

/// <summary>Where the encoding of a body was found.</summary>
public enum CharsetSource
{
    ByteOrderMark,
    ContentType,
    MetaTag,
    Sniffed,
}

/// <summary>The encoding chosen for a body; <see cref="PreambleLength"/> bytes of BOM are skipped when decoding.</summary>
public readonly record struct CharsetDetection(Encoding Encoding, CharsetSource Source, int PreambleLength)
{
    /// <summary>Lower-case WHATWG-style name: <c>utf-8</c>, <c>gb18030</c>, <c>windows-1252</c>…</summary>
    public string Name => Encoding.WebName.ToLowerInvariant();
}

/// <summary>
/// Turns a body into text the way a browser would: a byte order mark, else the Content-Type charset, else a
/// <c>&lt;meta&gt;</c> charset in the first 4096 bytes (unless the bytes are valid multi-byte UTF-8, which a stale
/// meta tag of a page saved as UTF-8 cannot change), else sniffing (valid UTF-8 → UTF-8; text that reads
/// as Chinese in GB18030 → GB18030; else windows-1252). The BOM comes first, as in the WHATWG encoding
/// sniffing algorithm: a BOM is never accidental, while servers often send a stale charset header.
/// GB2312 and GBK labels decode as GB18030, their superset, so characters outside GB2312 that Chinese
/// government pages use anyway (names, rare place characters) survive.
/// </summary>
public static class CharsetDecoder
{
    internal static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];
    private static ReadOnlySpan<byte> Utf16LeBom => [0xFF, 0xFE];
    private static ReadOnlySpan<byte> Utf16BeBom => [0xFE, 0xFF];

    private const int PrescanBytes = 4096;
    private const int SniffBytes = 64 * 1024;

    // Registering the code-pages provider is idempotent; doing it in this initialiser ties it to first use.
    private static readonly Encoding Gb18030 = RegisterCodePagesAndGet(54936);
    private static readonly Encoding Windows1252 = Encoding.GetEncoding(1252);
    private static readonly Encoding Utf8Text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    public static string Decode(ReadOnlySpan<byte> body, string? contentType) => Decode(body, contentType, out _);

    /// <param name="encodingName">The encoding used, as <see cref="CharsetDetection.Name"/>.</param>
    public static string Decode(ReadOnlySpan<byte> body, string? contentType, out string encodingName)
    {
        var detection = Detect(body, contentType);
        encodingName = detection.Name;
        return detection.Encoding.GetString(body[detection.PreambleLength..]);
    }

    public static CharsetDetection Detect(ReadOnlySpan<byte> body, string? contentType)
    {
        if (body.StartsWith(Utf8Bom)) return new(Utf8Text, CharsetSource.ByteOrderMark, 3);
        if (body.StartsWith(Utf16LeBom)) return new(Encoding.Unicode, CharsetSource.ByteOrderMark, 2);
        if (body.StartsWith(Utf16BeBom)) return new(Encoding.BigEndianUnicode, CharsetSource.ByteOrderMark, 2);

        if (CharsetParameter(contentType) is { } label && ForLabel(label) is { } declared)
            return new(declared, CharsetSource.ContentType, 0);

        if (MetaCharsetPrescan.Find(body[..Math.Min(body.Length, PrescanBytes)]) is { } metaLabel
            && ForLabel(metaLabel) is { } meta)
        {
            // A meta tag cannot truthfully declare UTF-16: the tag itself was readable as ASCII.
            var encoding = meta.CodePage is 1200 or 1201 ? Utf8Text : meta;
            // A page saved or re-served as UTF-8 often keeps its old meta tag. Multi-byte UTF-8 that validates is
            // practically never accidental in a legacy encoding (GBK pairs and accented Latin-1 letters break it).
            if (encoding.CodePage != Utf8Text.CodePage && body.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0 && IsUtf8AllowingCutEnd(body))
                return new(Utf8Text, CharsetSource.Sniffed, 0);
            return new(encoding, CharsetSource.MetaTag, 0);
        }

        return new(Sniff(body), CharsetSource.Sniffed, 0);
    }

    /// <summary>The encoding for a charset label (WHATWG Encoding Standard labels, roughly), or null if unknown.</summary>
    public static Encoding? ForLabel(string label)
    {
        var name = label.Trim().Trim('"', '\'').Trim().ToLowerInvariant();
        switch (name)
        {
            case "":
                return null;
            case "utf-8" or "utf8" or "unicode-1-1-utf-8" or "unicode11utf8" or "unicode20utf8" or "x-unicode20utf8":
                return Utf8Text;
            case "gb18030" or "gbk" or "x-gbk" or "gb2312" or "gb_2312" or "gb_2312-80" or "chinese" or "csgb2312"
                or "csiso58gb231280" or "iso-ir-58" or "cp936" or "ms936" or "windows-936" or "euc-cn":
                return Gb18030;
            // WHATWG decodes all of these as windows-1252, as browsers do; pages labelled Latin-1 use its extra characters.
            case "iso-8859-1" or "iso8859-1" or "iso_8859-1" or "latin1" or "l1" or "ascii" or "us-ascii" or "windows-1252"
                or "cp1252" or "x-cp1252" or "cp819" or "ibm819" or "csisolatin1" or "iso-ir-100" or "x-user-defined":
                return Windows1252;
            case "utf-16" or "utf-16le" or "ucs-2" or "unicode" or "csunicode" or "iso-10646-ucs-2" or "unicodefeff":
                return Encoding.Unicode;
            case "utf-16be" or "unicodefffe":
                return Encoding.BigEndianUnicode;
        }
        try
        {
            return Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The <c>charset</c> parameter of a Content-Type header, unquoted.</summary>
    public static string? CharsetParameter(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType)) return null;
        foreach (var parameter in contentType.Split(';').Skip(1))
        {
            var equals = parameter.IndexOf('=');
            if (equals < 0) continue;
            if (!parameter[..equals].Trim().Equals("charset", StringComparison.OrdinalIgnoreCase)) continue;
            var value = parameter[(equals + 1)..].Trim().Trim('"', '\'').Trim();
            return value.Length == 0 ? null : value;
        }
        return null;
    }

    private static Encoding Sniff(ReadOnlySpan<byte> body)
    {
        if (IsUtf8AllowingCutEnd(body)) return Utf8Text;
        return ReadsAsChinese(body[..Math.Min(body.Length, SniffBytes)]) ? Gb18030 : Windows1252;
    }

    // A body cut at the size limit may end inside a multi-byte character; that alone must not make it non-UTF-8.
    private static bool IsUtf8AllowingCutEnd(ReadOnlySpan<byte> body)
    {
        if (Utf8.IsValid(body)) return true;
        for (var cut = 1; cut <= 3 && cut < body.Length; cut++)
        {
            var lead = body[^cut];
            var needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
            if (needed > cut) return Utf8.IsValid(body[..^cut]);
            if (lead < 0x80 || lead >= 0xC0) return false;
        }
        return false;
    }

    // Latin-1 text decoded as GB18030 yields invalid sequences (an accented letter followed by ASCII) or
    // scattered rare characters; Chinese text yields common ideographs and CJK punctuation, and nothing invalid.
    private static bool ReadsAsChinese(ReadOnlySpan<byte> sample)
    {
        var decoder = (Encoding)Gb18030.Clone();
        decoder.DecoderFallback = new DecoderReplacementFallback("\uFFFD");
        var text = decoder.GetString(sample);
        // The sample may end in the middle of a character.
        if (text.EndsWith('\uFFFD')) text = text[..^1];
        int nonAscii = 0, chinese = 0;
        foreach (var c in text)
        {
            if (c < 0x80) continue;
            if (c == '\uFFFD') return false;
            nonAscii++;
            if (c is (>= '\u4E00' and <= '\u9FFF') or (>= '\u3000' and <= '\u303F') or (>= '\uFF00' and <= '\uFFEF')
                or (>= '\u3400' and <= '\u4DBF') or '\u00B7' or (>= '\u2010' and <= '\u201F'))
                chinese++;
        }
        return nonAscii > 0 && chinese >= nonAscii * 0.9;
    }

    private static Encoding RegisterCodePagesAndGet(int codePage)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(codePage);
    }
}
