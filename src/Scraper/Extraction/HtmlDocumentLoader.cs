using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Scraper.Fetching;

namespace Scraper.Extraction;

/// <summary>A page's bytes that cannot be read as an HTML document; the message is one line for the user.</summary>
public class UnreadablePageException(string message) : Exception(message);

/// <summary>
/// Turns raw bytes into an AngleSharp document, refusing what is not a web page and defusing what would make
/// the parser hang: AngleSharp's tree builder is quadratic in nesting depth (100,000 nested divs take minutes),
/// so tags deeper than <see cref="MaxDepth"/> are dropped before parsing, keeping their text, much as browsers
/// cap the DOM depth.
/// </summary>
public sealed class HtmlDocumentLoader
{
    public const long DefaultMaxBytes = 20L * 1024 * 1024;
    public const int MaxDepth = 512;

    /// <summary>A page is parsed up to its 65,536th element and its 1,000,000th character of text, and cut there
    /// (see <see cref="MarkupPrepass"/>), so memory stays bounded on the largest pages accepted. That is several times
    /// the elements and text of the largest real pages we know (about 10,000 elements and 500,000 characters in
    /// trafilatura's and Readability's test pages); a million characters is a book.</summary>
    public const int MaxElements = 65_536;

    public const int MaxTextChars = 1_000_000;

    // No source positions and no text of style, xmp, iframe and noembed elements: nothing reads them. (The pre-pass has
    // already dropped the rules of style sheets and the code of scripts but JSON ones, where JSON-LD metadata lives.)
    private static readonly HtmlParserOptions Options = new()
    {
        IsScripting = false,
        SkipComments = true,
        SkipProcessingInstructions = true,
        DisableElementPositionTracking = true,
        SkipRawText = true,
    };

    private readonly IHtmlParser _parser = BrowsingContext.New(Configuration.Default
            .Without<IAttributeObserver>().With(new ClassAttributeObserver())
            .WithOnly<IHtmlParser>(context => new HtmlParser(Options, context)))
        .GetService<IHtmlParser>()!;

    public long MaxBytes { get; init; } = DefaultMaxBytes;

    public IDocument Load(ReadOnlySpan<byte> body, string? contentType)
    {
        if (body.Length > MaxBytes)
            throw new UnreadablePageException($"{body.Length / 1048576.0:0.0} MB is larger than the {MaxBytes / 1048576} MB limit for one page");
        if (body.IsEmpty || body.IndexOfAnyExcept(" \t\r\n\f"u8) < 0)
            throw new UnreadablePageException("the page is empty");
        if (BinarySniffer.Describe(body) is { } binary)
            throw new UnreadablePageException($"not HTML: {binary}");
        // Decoded into an array of the text's size, which the pre-pass shortens in place and the parser reads: the one
        // copy of the page made. An array, not a string: the parser keeps the short strings it makes of an array (names,
        // classes, attribute values) in a cache, where it allocates each one anew out of a string; as fast, and the peak
        // memory of extracting trafilatura's 990 pages was about 15% lower. (document.Source.Text makes a string of it
        // when asked: only for a page parsed again.)
        var detection = CharsetDecoder.Detect(body, contentType);
        var bytes = body[detection.PreambleLength..];
        var chars = new char[detection.Encoding.GetCharCount(bytes)];
        detection.Encoding.GetChars(bytes, chars);
        if (!MarkupSniffer.LooksLikeHtml(chars))
            throw new UnreadablePageException("not HTML: no markup found");
        var length = MarkupPrepass.Apply(chars.AsSpan(), MaxDepth, MaxElements, MaxTextChars);
        return _parser.ParseDocument(new ReadOnlyMemory<char>(chars, 0, length));
    }

    public IDocument Parse(string html) => _parser.ParseDocument(MarkupPrepass.Apply(html, MaxDepth, MaxElements, MaxTextChars));
}

/// <summary>Names the binary formats a user might hand us by mistake.</summary>
internal static class BinarySniffer
{
    private static readonly (byte[] Magic, string Name)[] Signatures =
    [
        ([0x89, (byte)'P', (byte)'N', (byte)'G'], "a PNG image"),
        ([0xFF, 0xD8, 0xFF], "a JPEG image"),
        ("GIF8"u8.ToArray(), "a GIF image"),
        ("%PDF"u8.ToArray(), "a PDF document"),
        ([(byte)'P', (byte)'K', 3, 4], "a ZIP archive"),
        ([0x1F, 0x8B], "gzip-compressed data"),
        ("SQLite format 3"u8.ToArray(), "an SQLite database"),
        ([0x7F, (byte)'E', (byte)'L', (byte)'F'], "an executable"),
    ];

    public static string? Describe(ReadOnlySpan<byte> body)
    {
        foreach (var (magic, name) in Signatures)
            if (body.StartsWith(magic)) return name;
        // UTF-16 text is full of NULs but is text; its BOM says so.
        if (body.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || body.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return null;
        var head = body[..Math.Min(body.Length, 8192)];
        var control = 0;
        foreach (var b in head)
            if (b < 0x09 || b is > 0x0D and < 0x20 and not 0x1B) control++;
        return control > head.Length / 100 ? "binary content" : null;
    }
}

internal static class MarkupSniffer
{
    /// <summary>A tag, comment or doctype somewhere in the first 64 KB.</summary>
    public static bool LooksLikeHtml(ReadOnlySpan<char> text)
    {
        var head = text[..Math.Min(text.Length, 65536)];
        for (var i = head.IndexOf('<'); i >= 0 && i + 1 < head.Length; i = NextLt(head, i))
        {
            var next = head[i + 1];
            if (char.IsAsciiLetter(next) || next is '!' or '/' or '?') return true;
        }
        return false;

        static int NextLt(ReadOnlySpan<char> s, int from)
        {
            var j = s[(from + 1)..].IndexOf('<');
            return j < 0 ? -1 : from + 1 + j;
        }
    }
}

/// <summary>
/// The parser's attribute observer, narrowed to what extraction reads. AngleSharp's default one acts on every attribute
/// of every element parsed as a browser would: it starts loading each style sheet a &lt;link&gt; names (parsing its URL),
/// tracks form controls' state and the like, which cost a twentieth of the parsing of a page and nothing here reads.
/// What stays is keeping an element's class list (which CSS selectors read) in step with its class attribute, and a
/// &lt;base&gt; element's address.
/// </summary>
internal sealed class ClassAttributeObserver : IAttributeObserver
{
    private readonly IAttributeObserver _default = new DefaultAttributeObserver();

    public void NotifyChange(IElement host, string name, string? value)
    {
        if (name == "class" || (name == "href" && host is AngleSharp.Html.Dom.IHtmlBaseElement)) _default.NotifyChange(host, name, value);
    }
}
