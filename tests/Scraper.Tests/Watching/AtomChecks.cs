using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace Scraper.Tests.Watching;

/// <summary>
/// The structural rules of RFC 4287 (the Atom Syndication Format) a feed must keep, checked on the parsed document:
/// the cardinality of each element of atom:feed (4.1.1) and atom:entry (4.1.2), dates as RFC 3339 date-times (3.3),
/// ids as absolute IRIs (4.2.6), text constructs' types (3.1), links with an href (4.2.7).
/// </summary>
public static partial class AtomChecks
{
    public static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    /// <summary>Parses the feed strictly (well-formed XML, no DTD) and checks every rule; returns the document.</summary>
    public static XDocument Validate(byte[] feed)
    {
        XDocument document;
        using (var reader = XmlReader.Create(new MemoryStream(feed), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, CheckCharacters = true }))
            document = XDocument.Load(reader);
        var root = document.Root!;
        Assert.Equal(Atom + "feed", root.Name);

        Exactly(1, root, "id");
        Exactly(1, root, "title");
        Exactly(1, root, "updated");
        AtMostOne(root, "generator", "icon", "logo", "rights", "subtitle");
        AbsoluteIri(root.Element(Atom + "id")!.Value);
        Date(root.Element(Atom + "updated")!.Value);
        TextConstruct(root.Element(Atom + "title")!);
        Assert.True(root.Elements(Atom + "link").Count(l => (string?)l.Attribute("rel") == "self") <= 1);
        foreach (var link in root.Elements(Atom + "link")) Link(link);
        var feedHasAuthor = root.Elements(Atom + "author").Any();
        foreach (var author in root.Elements(Atom + "author")) Person(author);

        var entries = root.Elements(Atom + "entry").ToList();
        foreach (var entry in entries)
        {
            Exactly(1, entry, "id");
            Exactly(1, entry, "title");
            Exactly(1, entry, "updated");
            AtMostOne(entry, "content", "published", "rights", "source", "summary");
            AbsoluteIri(entry.Element(Atom + "id")!.Value);
            Date(entry.Element(Atom + "updated")!.Value);
            TextConstruct(entry.Element(Atom + "title")!);
            if (entry.Element(Atom + "summary") is { } summary) TextConstruct(summary);
            Assert.True(feedHasAuthor || entry.Elements(Atom + "author").Any(), "an entry without an author in a feed without one");
            foreach (var author in entry.Elements(Atom + "author")) Person(author);
            foreach (var link in entry.Elements(Atom + "link")) Link(link);
            var alternates = entry.Elements(Atom + "link").Where(l => (string?)l.Attribute("rel") is null or "alternate").ToList();
            Assert.True(entry.Element(Atom + "content") is not null || alternates.Count > 0, "an entry with neither content nor an alternate link");
            Assert.Equal(alternates.Count, alternates.Select(l => ((string?)l.Attribute("type"), (string?)l.Attribute("hreflang"))).Distinct().Count());
            if (entry.Element(Atom + "content") is { } content)
                Assert.Contains((string?)content.Attribute("type") ?? "text", new[] { "text", "html", "xhtml" });
        }
        return document;
    }

    /// <summary>The entries as (id, updated, title, summary, link, content) in document order.</summary>
    public static List<FeedEntry> Entries(XDocument feed) =>
        feed.Root!.Elements(Atom + "entry").Select(e => new FeedEntry(
            e.Element(Atom + "id")!.Value,
            DateTimeOffset.Parse(e.Element(Atom + "updated")!.Value, CultureInfo.InvariantCulture),
            e.Element(Atom + "title")!.Value,
            e.Element(Atom + "summary")?.Value,
            (string?)e.Elements(Atom + "link").FirstOrDefault(l => (string?)l.Attribute("rel") == "alternate")?.Attribute("href"),
            e.Element(Atom + "content")?.Value,
            e.Elements(Atom + "category").Where(c => (string?)c.Attribute("scheme") == "scraper:change").Select(c => (string)c.Attribute("term")!).SingleOrDefault()))
            .ToList();

    private static void Exactly(int count, XElement parent, string name) =>
        Assert.True(parent.Elements(Atom + name).Count() == count, $"{parent.Name.LocalName} must hold exactly {count} atom:{name}");

    private static void AtMostOne(XElement parent, params string[] names)
    {
        foreach (var name in names)
            Assert.True(parent.Elements(Atom + name).Count() <= 1, $"{parent.Name.LocalName} holds more than one atom:{name}");
    }

    /// <summary>RFC 3339 section 5.6 date-time, upper-case T and Z as RFC 4287 3.3 requires.</summary>
    public static void Date(string text)
    {
        Assert.Matches(Rfc3339(), text);
        Assert.True(DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _), $"{text} is no date");
    }

    private static void AbsoluteIri(string text) =>
        Assert.True(Uri.TryCreate(text, UriKind.Absolute, out var iri) && iri.Scheme.Length > 0, $"{text} is not an absolute IRI");

    private static void TextConstruct(XElement element) =>
        Assert.Contains((string?)element.Attribute("type") ?? "text", new[] { "text", "html", "xhtml" });

    private static void Link(XElement link) =>
        Assert.True(Uri.TryCreate((string?)link.Attribute("href"), UriKind.RelativeOrAbsolute, out _), "a link without a usable href");

    private static void Person(XElement person) => Exactly(1, person, "name");

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339();
}

/// <summary>An entry as a reader sees it.</summary>
public sealed record FeedEntry(string Id, DateTimeOffset Updated, string Title, string? Summary, string? Link, string? Content, string? Kind);
