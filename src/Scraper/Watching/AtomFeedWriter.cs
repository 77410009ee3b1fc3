using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using Scraper.Archive;
using Scraper.Diffing;
using Scraper.Extraction;

namespace Scraper.Watching;

/// <summary>What the feed says about itself.</summary>
/// <param name="Id">The feed's permanent id (an IRI); see <see cref="AtomFeedWriter.FeedId"/>.</param>
/// <param name="Title">The feed's title, e.g. "scraper: new and changed articles of wnd.gov.cn".</param>
/// <param name="Since">The window's start: the feed holds the changes seen from then on.</param>
/// <param name="SelfUrl">Where the feed is served (its rel="self" link), if known.</param>
/// <param name="GeneratorVersion">The scraper version that wrote it.</param>
public sealed record FeedInfo(string Id, string Title, DateTimeOffset Since, string? SelfUrl, string GeneratorVersion);

/// <summary>
/// The archive's article changes as an Atom 1.0 feed (RFC 4287): one entry per change (a new article, a new revision,
/// a page going back to an earlier revision), newest first. An entry's id is derived from the page's URL and the
/// time the change was first captured, both fixed once archived, so the entry keeps its id however often the feed is
/// written again and whatever window it is written for: a feed reader polling the file shows each change once.
/// </summary>
public static class AtomFeedWriter
{
    public const string AtomNamespace = "http://www.w3.org/2005/Atom";

    /// <summary>RFC 4122's namespace for names that are URLs (name-based UUIDs, section 4.3).</summary>
    private static readonly Guid UrlNamespace = new("6ba7b811-9dad-11d1-80b4-00c04fd430c8");

    /// <summary>Writes the feed; returns the number of entries.</summary>
    /// <param name="changes">The changes, in any order (the feed lists them newest first).</param>
    public static async Task<int> WriteAsync(IReadOnlyList<DescribedChange> changes, Stream output, FeedInfo info,
        CancellationToken cancellationToken = default)
    {
        var settings = new XmlWriterSettings
        {
            Async = true,
            Indent = true,
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            NewLineChars = "\n",
            CloseOutput = false,
        };
        var ordered = changes.OrderByDescending(c => c.Change.SeenAt).ThenByDescending(c => c.Change.CaptureId).ToList();
        await using var xml = XmlWriter.Create(output, settings);
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "feed", AtomNamespace);
        await Element(xml, "id", info.Id);
        await Element(xml, "title", info.Title);
        await Element(xml, "subtitle", $"Articles that appeared or changed since {Time(info.Since)}, as the scraper's archive saw them");
        // The feed changed when its newest entry appeared; a feed with no entry is as of its window's start.
        await Element(xml, "updated", Time(ordered.Count > 0 ? ordered[0].Change.SeenAt : info.Since));
        if (info.SelfUrl is not null)
        {
            await xml.WriteStartElementAsync(null, "link", AtomNamespace);
            await xml.WriteAttributeStringAsync(null, "rel", null, "self");
            await xml.WriteAttributeStringAsync(null, "type", null, "application/atom+xml");
            await xml.WriteAttributeStringAsync(null, "href", null, info.SelfUrl);
            await xml.WriteEndElementAsync();
        }
        // Entries name their source as author; the feed's author covers an entry that has none (RFC 4287 4.1.1).
        await xml.WriteStartElementAsync(null, "author", AtomNamespace);
        await Element(xml, "name", "scraper");
        await xml.WriteEndElementAsync();
        await xml.WriteStartElementAsync(null, "generator", AtomNamespace);
        await xml.WriteAttributeStringAsync(null, "version", null, info.GeneratorVersion);
        await xml.WriteStringAsync("scraper");
        await xml.WriteEndElementAsync();

        foreach (var change in ordered)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await WriteEntryAsync(xml, change);
        }
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
        await xml.FlushAsync();
        return ordered.Count;
    }

    private static async Task WriteEntryAsync(XmlWriter xml, DescribedChange described)
    {
        var change = described.Change;
        var article = described.Article.Article;
        await xml.WriteStartElementAsync(null, "entry", AtomNamespace);
        await Element(xml, "id", EntryId(change));
        await Element(xml, "title", article.Title ?? change.Url);
        await xml.WriteStartElementAsync(null, "link", AtomNamespace);
        await xml.WriteAttributeStringAsync(null, "rel", null, "alternate");
        await xml.WriteAttributeStringAsync(null, "type", null, "text/html");
        await xml.WriteAttributeStringAsync(null, "href", null, change.Url);
        await xml.WriteEndElementAsync();
        await Element(xml, "updated", Time(change.SeenAt));
        if ((article.Source ?? article.Site) is { } source)
        {
            await xml.WriteStartElementAsync(null, "author", AtomNamespace);
            await Element(xml, "name", source);
            await xml.WriteEndElementAsync();
        }
        await Category(xml, described.IsNew ? "new" : "changed", "scraper:change");
        if (article.Site is not null) await Category(xml, article.Site, "scraper:site");
        if (article.Section is not null) await Category(xml, article.Section, "scraper:section");
        await Element(xml, "summary", described.Summary);
        await xml.WriteStartElementAsync(null, "content", AtomNamespace);
        await xml.WriteAttributeStringAsync(null, "type", null, "html");
        await xml.WriteStringAsync(Clean(Content(described)));
        await xml.WriteEndElementAsync();
        await xml.WriteEndElementAsync();
    }

    /// <summary>The entry's HTML: the word diff of a change, or the whole article when it is new.</summary>
    internal static string Content(DescribedChange described)
    {
        var article = described.Article;
        var html = new StringBuilder();
        html.Append("<p>Revision ").Append(article.Revision.ToString(CultureInfo.InvariantCulture));
        if (described.Previous is { } previous)
            html.Append(" (was revision ").Append(previous.Revision.ToString(CultureInfo.InvariantCulture)).Append(')');
        html.Append(", first captured ").Append(E(Time(described.Change.SeenAt))).Append(".</p>\n");
        if (described.Diff is { } diff)
            return html.Append(HtmlChangeListRenderer.Render(diff)).ToString();
        var a = article.Article;
        html.Append("<p><strong>New article</strong></p>\n");
        if (a.Subtitle is not null) html.Append("<p><em>").Append(E(a.Subtitle)).Append("</em></p>\n");
        var facts = new[] { a.Published, a.Source, a.Byline }.Where(f => !string.IsNullOrWhiteSpace(f)).ToList();
        if (facts.Count > 0) html.Append("<p>").Append(E(string.Join(" · ", facts))).Append("</p>\n");
        foreach (var paragraph in a.Paragraphs)
            html.Append("<p>").Append(E(paragraph)).Append("</p>\n");
        // Images are named, not shown: a feed reader would fetch them from the site for every reader.
        foreach (var figure in a.Figures)
            html.Append("<p>[image: ").Append(E(figure.Caption ?? figure.Alt ?? figure.Src)).Append("]</p>\n");
        return html.ToString();
    }

    /// <summary>
    /// An entry's permanent id: a name-based UUID (RFC 4122 version 5) of the page's URL and the time the change was
    /// first captured. Both are fixed once archived (a re-extraction may give the change another revision, never another
    /// time), so every feed written from the archive, whatever its window, gives the change the same id.
    /// </summary>
    public static string EntryId(ArticleChange change) =>
        "urn:uuid:" + NameBasedUuid(UrlNamespace, change.Url + "#change@" + ArchiveTime.Format(change.SeenAt)).ToString("D");

    /// <summary>A feed id for the changes of one archive (and site family) when the feed's own URL is not known.</summary>
    public static string FeedId(string archivePath, string? site) =>
        "urn:uuid:" + NameBasedUuid(UrlNamespace, new Uri(Path.GetFullPath(archivePath)).AbsoluteUri + "#changes/" + (site ?? "all")).ToString("D");

    /// <summary>RFC 4122 section 4.3, with SHA-1 (version 5).</summary>
    internal static Guid NameBasedUuid(Guid namespaceId, string name)
    {
        var bytes = new byte[16 + Encoding.UTF8.GetByteCount(name)];
        namespaceId.TryWriteBytes(bytes, bigEndian: true, out _);
        Encoding.UTF8.GetBytes(name, bytes.AsSpan(16));
        var hash = SHA1.HashData(bytes);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    /// <summary>RFC 3339 (Atom's date construct): UTC with milliseconds, as the archive keeps times.</summary>
    public static string Time(DateTimeOffset time) => ArchiveTime.Format(time);

    private static async Task Element(XmlWriter xml, string name, string value)
    {
        await xml.WriteStartElementAsync(null, name, AtomNamespace);
        await xml.WriteStringAsync(Clean(value));
        await xml.WriteEndElementAsync();
    }

    private static async Task Category(XmlWriter xml, string term, string scheme)
    {
        await xml.WriteStartElementAsync(null, "category", AtomNamespace);
        await xml.WriteAttributeStringAsync(null, "term", null, Clean(term));
        await xml.WriteAttributeStringAsync(null, "scheme", null, scheme);
        await xml.WriteEndElementAsync();
    }

    /// <summary>Text from web pages may hold characters XML cannot carry (control characters, lone surrogates): left out.</summary>
    internal static string Clean(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (XmlConvert.IsXmlChar(text[i])) continue;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            return Strip(text);
        }
        return text;
    }

    private static string Strip(string text)
    {
        var kept = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                kept.Append(text, i, 2);
                i++;
            }
            else if (XmlConvert.IsXmlChar(text[i]))
            {
                kept.Append(text[i]);
            }
        }
        return kept.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
