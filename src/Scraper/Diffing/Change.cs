using Scraper.Extraction;

namespace Scraper.Diffing;

/// <summary>What part of the article a change is in; the order is the order changes are listed in.</summary>
public enum ChangeField { Title, Subtitle, Published, Byline, Paragraph, Figure }

public enum ChangeKind { Changed, Added, Removed, Moved }

/// <summary>One difference between two revisions.</summary>
/// <param name="Index">Paragraph or figure index (0-based) in the newer revision; in the older one for a removal;
/// null for the single-valued fields (title, subtitle, published, byline).</param>
/// <param name="FromIndex">Index in the older revision; null when added or single-valued.</param>
public abstract record Change(ChangeField Field, ChangeKind Kind, int? Index, int? FromIndex);

/// <summary>A change of a text field or of a paragraph.</summary>
/// <param name="Words">The word-level diff of <paramref name="Before"/> into <paramref name="After"/> (both sides
/// present), or the whole text as one span when added or removed.</param>
public sealed record TextChange(
    ChangeField Field, ChangeKind Kind, int? Index, int? FromIndex, string? Before, string? After, IReadOnlyList<WordSpan> Words)
    : Change(Field, Kind, Index, FromIndex);

/// <summary>A change of a figure.</summary>
/// <param name="Attributes">The figure attributes that differ (<c>src</c>, <c>alt</c>, <c>caption</c>, <c>credit</c>),
/// empty for an added, removed or merely moved figure.</param>
public sealed record FigureChange(
    ChangeKind Kind, int? Index, int? FromIndex, Figure? Before, Figure? After, IReadOnlyList<string> Attributes)
    : Change(ChangeField.Figure, Kind, Index, FromIndex);

public enum WordSpanKind { Same, Deleted, Inserted }

/// <summary>A run of text of a word-level diff; whitespace stays inside the runs, so concatenating the
/// <see cref="WordSpanKind.Same"/> and <see cref="WordSpanKind.Deleted"/> runs gives the old text back.</summary>
public sealed record WordSpan(WordSpanKind Kind, string Text);
