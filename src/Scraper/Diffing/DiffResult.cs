using Scraper.Extraction;

namespace Scraper.Diffing;

/// <summary>How a paragraph of one revision lines up with the other revision.</summary>
public enum RowKind
{
    Same,
    Changed,
    Removed,
    Added,
    /// <summary>The paragraph's old place: it now stands elsewhere (the <see cref="RowKind.MovedHere"/> row).</summary>
    MovedAway,
    MovedHere,
}

/// <summary>One row of the side-by-side alignment of the paragraphs, in reading order.</summary>
/// <param name="Change">The change the row shows; null for <see cref="RowKind.Same"/>.</param>
public sealed record AlignedParagraph(RowKind Kind, int? FromIndex, int? ToIndex, TextChange? Change);

/// <summary>A figure of either revision and its counterpart in the other, if any.</summary>
/// <param name="Change">Null when the figure is the same in both revisions.</param>
public sealed record AlignedFigure(int? FromIndex, int? ToIndex, FigureChange? Change);

/// <summary>The differences between two revisions of an article, and the alignment the renderers draw.</summary>
public sealed record DiffResult(
    Article From,
    Article To,
    IReadOnlyList<Change> Changes,
    IReadOnlyList<AlignedParagraph> Paragraphs,
    IReadOnlyList<AlignedFigure> Figures)
{
    public bool IsEmpty => Changes.Count == 0;

    /// <summary>A one-line account such as "title changed, 2 paragraphs changed, 1 figure added" (or "no changes").</summary>
    public string Summary()
    {
        if (IsEmpty) return "no changes";
        var parts = new List<string>();
        foreach (var group in Changes.GroupBy(c => (c.Field, c.Kind)).OrderBy(g => g.Key.Field).ThenBy(g => g.Key.Kind))
        {
            var (field, kind) = group.Key;
            var verb = kind.ToString().ToLowerInvariant();
            var noun = field.ToString().ToLowerInvariant();
            parts.Add(field is ChangeField.Paragraph or ChangeField.Figure
                ? $"{group.Count()} {noun}{(group.Count() == 1 ? "" : "s")} {verb}"
                : $"{noun} {verb}");
        }
        return string.Join(", ", parts);
    }
}
