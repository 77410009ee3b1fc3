using System.Xml;

namespace Scraper.Crawling;

/// <summary>A sitemap's entries: page URLs (with their lastmod) and nested sitemaps of a sitemap index.</summary>
public sealed record Sitemap(IReadOnlyList<SitemapEntry> Pages, IReadOnlyList<Uri> Sitemaps);

public sealed record SitemapEntry(Uri Url, DateTimeOffset? LastModified);

/// <summary>
/// Reads sitemaps.org XML (urlset and sitemapindex). Tolerant as crawlers must be: namespaces are ignored,
/// entries without a valid absolute http(s) loc are skipped, DTDs are refused (no entity expansion).
/// </summary>
public static class SitemapReader
{
    public const int MaxEntries = 50_000; // the protocol's own limit per file

    public static Sitemap Read(Stream xml)
    {
        var pages = new List<SitemapEntry>();
        var sitemaps = new List<Uri>();
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true };
        try
        {
            using var reader = XmlReader.Create(xml, settings);
            string? parent = null, loc = null, lastmod = null, current = null;
            while (reader.Read() && pages.Count + sitemaps.Count < MaxEntries)
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        current = reader.LocalName;
                        if (current is "url" or "sitemap") { parent = current; loc = null; lastmod = null; }
                        break;
                    case XmlNodeType.Text or XmlNodeType.CDATA:
                        if (current == "loc") loc = reader.Value.Trim();
                        else if (current == "lastmod") lastmod = reader.Value.Trim();
                        break;
                    case XmlNodeType.EndElement:
                        if (reader.LocalName == parent && loc is not null
                            && Uri.TryCreate(loc, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
                        {
                            if (parent == "url")
                                pages.Add(new SitemapEntry(url, DateTimeOffset.TryParse(lastmod, out var modified) ? modified : null));
                            else
                                sitemaps.Add(url);
                            parent = null;
                        }
                        current = null;
                        break;
                }
            }
        }
        catch (XmlException)
        {
            // A broken sitemap gives what was read before the break: it is a hint, not a source of truth.
        }
        return new Sitemap(pages, sitemaps);
    }
}
