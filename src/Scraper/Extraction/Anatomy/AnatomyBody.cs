using AngleSharp.Dom;

namespace Scraper.Extraction.Anatomy;

/// <summary>Where a page's body lies among its lines: after the header zone, up to the first line of the site's
/// footers or sidebars.</summary>
/// <param name="Start">The first line after the header zone.</param>
/// <param name="End">The first line of the page's end (a body-end line), or the line count.</param>
/// <param name="Closed">A body-end line was found: the body's extent is known.</param>
/// <param name="HasContent">Some line between them is neither boilerplate nor header: the page was not cut off before its body.</param>
public sealed record BodyRange(int Start, int End, bool Closed, bool HasContent);

/// <summary>
/// The body of a known site's page found by its text anatomy when no selector finds it: the lines between the header
/// zone and the first body-end line, read by the <see cref="BodyReader"/> from the element that holds them all.
/// </summary>
public static class AnatomyBody
{
    public static BodyRange Find(IReadOnlyList<TextLine> lines, HeaderZone zone, SiteAnatomy anatomy)
    {
        var start = zone.BodyStart ?? 0;
        var end = lines.Count;
        var hasContent = false;
        for (var i = start; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.IsImage) { hasContent = true; continue; }
            if (!line.IsLink && anatomy.IsBodyEnd(line.Text)) { end = i; break; }
            if (!zone.Lines.Contains(i) && !anatomy.IsBoilerplate(line.Text)) hasContent = true;
        }
        return new BodyRange(start, end, end < lines.Count, hasContent);
    }

    /// <summary>The body between the header zone and the page's end; null when the range holds nothing.</summary>
    public static BodyContent? Read(BodyReader reader, PageLines page, BodyRange range, SiteAnatomy anatomy, Uri url)
    {
        var lines = page.Lines;
        var elements = new List<IElement>();
        for (var i = range.Start; i < range.End; i++)
            if (lines[i].IsImage || !anatomy.IsBoilerplate(lines[i].Text)) elements.Add(lines[i].Element);
        if (elements.Count == 0) return null;
        var holder = CommonAncestor(elements);
        // What stands before the body inside the holder (the header, a share bar) is left out; what follows the body
        // ends the reading at the first body-end line.
        var skipped = new HashSet<IElement>(page.Hidden);
        for (var i = 0; i < range.Start; i++)
            if (lines[i].OwnsElement && holder.Contains(lines[i].Element)) skipped.Add(lines[i].Element);
        return reader.Read(holder, url, anatomy.BoilerplateRegexes, skipped, anatomy.BodyEndRegex);
    }

    /// <summary>
    /// The texts of the page's chrome: lines above the header zone (navigation), lines from the page's end on, and
    /// lines that are links through and through (menus, sidebar headlines). A body found by the generic extractor
    /// holds none of them.
    /// </summary>
    public static HashSet<string> ChromeTexts(IReadOnlyList<TextLine> lines, HeaderZone zone, BodyRange? range)
    {
        var chrome = new HashSet<string>(StringComparer.Ordinal);
        var first = zone.Lines.Count > 0 ? zone.Lines.Min() : 0;
        foreach (var line in lines)
        {
            if (line.IsImage) continue;
            if (line.IsLink || line.Index < first || (range is { Closed: true } && line.Index >= range.End))
                chrome.Add(line.Text);
        }
        return chrome;
    }

    private static IElement CommonAncestor(List<IElement> elements)
    {
        var holder = elements[0];
        foreach (var element in elements.Skip(1))
            while (!holder.Contains(element) && holder.ParentElement is { } parent) holder = parent;
        return holder;
    }
}
