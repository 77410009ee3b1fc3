using System.Text;

namespace Scraper.Fetching;

/// <summary>
/// The WHATWG "prescan a byte stream to determine its encoding" algorithm, slightly reduced: finds the
/// charset label of the first <c>&lt;meta charset&gt;</c> or <c>&lt;meta http-equiv="content-type"
/// content="…charset=…"&gt;</c>, skipping comments and the attributes of other tags (so a <c>charset=</c>
/// in a comment or in another tag's attribute is not taken; like browsers, it does not know about scripts).
/// </summary>
internal static class MetaCharsetPrescan
{
    public static string? Find(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            if (bytes[i] != (byte)'<') { i++; continue; }
            var rest = bytes[i..];
            if (rest.StartsWith("<!--"u8))
            {
                var end = rest[4..].IndexOf("-->"u8);
                if (end < 0) return null;
                i += 4 + end + 3;
            }
            else if (StartsWithIgnoreCase(rest, "<meta"u8) && rest.Length > 5 && (IsSpace(rest[5]) || rest[5] == '/'))
            {
                i += 5;
                if (ReadMeta(bytes, ref i) is { } label) return label;
            }
            else if (rest.Length > 1 && IsAsciiLetter(rest[1]) || rest.Length > 2 && rest[1] == '/' && IsAsciiLetter(rest[2]))
            {
                i++;
                while (i < bytes.Length && !IsSpace(bytes[i]) && bytes[i] != '>') i++;
                while (ReadAttribute(bytes, ref i) is not null) { }
            }
            else if (rest.StartsWith("<!"u8) || rest.StartsWith("</"u8) || rest.StartsWith("<?"u8))
            {
                var end = rest.IndexOf((byte)'>');
                if (end < 0) return null;
                i += end + 1;
            }
            else
            {
                i++;
            }
        }
        return null;
    }

    private static string? ReadMeta(ReadOnlySpan<byte> bytes, ref int i)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool gotPragma = false, needPragma = false;
        string? charset = null;
        while (ReadAttribute(bytes, ref i) is var (name, value))
        {
            if (!seen.Add(name)) continue;
            switch (name)
            {
                case "http-equiv":
                    gotPragma |= value.Equals("content-type", StringComparison.OrdinalIgnoreCase);
                    break;
                case "content" when charset is null:
                    if (CharsetFromContent(value) is { } fromContent)
                    {
                        charset = fromContent;
                        needPragma = true;
                    }
                    break;
                case "charset":
                    charset = value;
                    needPragma = false;
                    break;
            }
        }
        if (charset is null || needPragma && !gotPragma) return null;
        return charset;
    }

    /// <summary>Reads one attribute at <paramref name="i"/>; null at the end of the tag.</summary>
    private static (string Name, string Value)? ReadAttribute(ReadOnlySpan<byte> bytes, ref int i)
    {
        while (i < bytes.Length && (IsSpace(bytes[i]) || bytes[i] == '/')) i++;
        if (i >= bytes.Length) return null;
        if (bytes[i] == '>') { i++; return null; }

        var name = new StringBuilder();
        while (i < bytes.Length)
        {
            var b = bytes[i];
            if (b == '=' && name.Length > 0) break;
            if (IsSpace(b)) break;
            if (b is (byte)'/' or (byte)'>') return (name.ToString(), "");
            name.Append(char.ToLowerInvariant((char)b));
            i++;
        }
        while (i < bytes.Length && IsSpace(bytes[i])) i++;
        if (i >= bytes.Length || bytes[i] != '=') return (name.ToString(), "");
        i++;
        while (i < bytes.Length && IsSpace(bytes[i])) i++;
        if (i >= bytes.Length) return (name.ToString(), "");

        var value = new StringBuilder();
        if (bytes[i] is (byte)'"' or (byte)'\'')
        {
            var quote = bytes[i++];
            while (i < bytes.Length && bytes[i] != quote) value.Append((char)bytes[i++]);
            i++;
        }
        else
        {
            while (i < bytes.Length && !IsSpace(bytes[i]) && bytes[i] != '>') value.Append((char)bytes[i++]);
        }
        return (name.ToString(), value.ToString());
    }

    /// <summary>WHATWG "extract a character encoding from a meta element": <c>text/html; charset=gbk</c> → <c>gbk</c>.</summary>
    internal static string? CharsetFromContent(string content)
    {
        var at = 0;
        while (true)
        {
            var found = content.IndexOf("charset", at, StringComparison.OrdinalIgnoreCase);
            if (found < 0) return null;
            var j = found + "charset".Length;
            while (j < content.Length && char.IsWhiteSpace(content[j])) j++;
            if (j >= content.Length || content[j] != '=') { at = j; continue; }
            j++;
            while (j < content.Length && char.IsWhiteSpace(content[j])) j++;
            if (j >= content.Length) return null;
            if (content[j] is '"' or '\'')
            {
                var close = content.IndexOf(content[j], j + 1);
                return close < 0 ? null : content[(j + 1)..close];
            }
            var end = j;
            while (end < content.Length && !char.IsWhiteSpace(content[end]) && content[end] != ';') end++;
            return content[j..end];
        }
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> lowerPrefix)
    {
        if (bytes.Length < lowerPrefix.Length) return false;
        for (var k = 0; k < lowerPrefix.Length; k++)
            if ((bytes[k] | 0x20) != lowerPrefix[k] && bytes[k] != lowerPrefix[k]) return false;
        return true;
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\f';

    private static bool IsAsciiLetter(byte b) => b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z';
}
