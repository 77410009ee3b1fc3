namespace Scraper.Extraction.Anatomy;

/// <summary>
/// What the site's anatomy keeps out of a body, whichever extractor found it (selectors, anatomy or the generic
/// algorithm): the header zone's lines (crumb, label, title, deck, date and source lines) where they open the body or
/// repeat it, the site's boilerplate, the page's chrome (for a generic body), a deck standing after the first
/// caption, and an image's alt text that only repeats the title. Figure positions count the paragraphs kept.
/// </summary>
public static class BodyCleaner
{
    /// <param name="chrome">Texts of the page's navigation and sidebars (see <see cref="AnatomyBody.ChromeTexts"/>), for a generic body.</param>
    /// <param name="deckAfterCaption">Look for a deck standing after the first caption (the page's first page, on a site that has them).</param>
    /// <param name="deck">The deck found after the first caption, taken out of the paragraphs.</param>
    public static BodyContent Clean(BodyContent body, HeaderZone zone, SiteAnatomy anatomy, string? title, IReadOnlySet<string>? chrome,
        bool deckAfterCaption, out string? deck)
    {
        deck = null;
        var paragraphs = body.Paragraphs;
        var keep = new bool[paragraphs.Count];
        var opening = true;
        for (var i = 0; i < paragraphs.Count; i++)
        {
            var p = paragraphs[i];
            // (The site's boilerplate never reaches here: every body is read with it as the body reader's dropText.)
            var drop = zone.Texts.Contains(p) || (chrome?.Contains(p) ?? false)
                       || (title is not null && string.Equals(p, title, StringComparison.OrdinalIgnoreCase));
            // Header lines open a body read from too high up; further down, such a line is the article's own text.
            if (!drop && opening) drop = anatomy.ReadInfo(p) is not null || anatomy.Crumbs(p) is not null;
            if (!drop) opening = false;
            keep[i] = !drop;
        }
        // The view counter under the body.
        for (var i = paragraphs.Count - 1; i >= 0 && (!keep[i] || anatomy.IsCounter(paragraphs[i])); i--) keep[i] = false;
        if (deckAfterCaption && Array.IndexOf(keep, true) is var first and >= 0
            && body.Figures.Any(f => f.Position <= first && (f.Caption is not null || f.Credit is not null))
            && HeaderZoneReader.IsDeck(paragraphs[first])
            && Enumerable.Range(first + 1, paragraphs.Count - first - 1).Any(j => keep[j] && paragraphs[j].Length > paragraphs[first].Length))
        {
            deck = paragraphs[first];
            keep[first] = false;
        }

        if (keep.All(k => k) && !body.Figures.Any(f => RepeatsTitle(f, title))) return body;
        // Positions: a figure standing before paragraph i stands before as many kept paragraphs as precede i.
        var keptBefore = new int[paragraphs.Count + 1];
        for (var i = 0; i < paragraphs.Count; i++) keptBefore[i + 1] = keptBefore[i] + (keep[i] ? 1 : 0);
        var kept = paragraphs.Where((_, i) => keep[i]).ToList();
        var figures = body.Figures
            .Select(f => f with { Position = keptBefore[Math.Clamp(f.Position, 0, paragraphs.Count)], Alt = RepeatsTitle(f, title) ? null : f.Alt })
            .ToList();
        return new BodyContent(kept, figures);
    }

    /// <summary>An image whose alt text is the title adds nothing (the 2017 template's pictures repeat it).</summary>
    private static bool RepeatsTitle(Figure figure, string? title) =>
        title is not null && figure.Alt is not null && string.Equals(figure.Alt, title, StringComparison.OrdinalIgnoreCase);
}
