using Scraper.Extraction;

namespace Scraper.Diffing;

/// <summary>
/// The structure-aware diff of two revisions of an article: title, subtitle, published date and byline as single
/// values, paragraphs matched across insertions, deletions and moves (words compared inside an edited paragraph),
/// and figures matched by image and caption. Pure: the same two articles always give the same result.
/// </summary>
public static class ArticleDiff
{
    public static DiffResult Compare(Article from, Article to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var changes = new List<Change>();
        AddValueChange(changes, ChangeField.Title, from.Title, to.Title);
        AddValueChange(changes, ChangeField.Subtitle, from.Subtitle, to.Subtitle);
        AddValueChange(changes, ChangeField.Published, from.Published, to.Published);
        AddValueChange(changes, ChangeField.Byline, from.Byline, to.Byline);

        var bags = new WordBags();
        var paragraphs = new ParagraphAligner(bags).Align(from.Paragraphs, to.Paragraphs);
        changes.AddRange(paragraphs.Where(r => r.Kind is not (RowKind.Same or RowKind.MovedAway)).Select(r => r.Change!));
        var figures = new FigureMatcher(bags).Match(from, to, paragraphs);
        changes.AddRange(figures.Where(r => r.Change is not null).Select(r => r.Change!));
        return new DiffResult(from, to, changes, paragraphs, figures);
    }

    private static void AddValueChange(List<Change> changes, ChangeField field, string? before, string? after)
    {
        before = string.IsNullOrWhiteSpace(before) ? null : before;
        after = string.IsNullOrWhiteSpace(after) ? null : after;
        if (before == after) return;
        changes.Add((before, after) switch
        {
            (null, _) => new TextChange(field, ChangeKind.Added, null, null, null, after, [new WordSpan(WordSpanKind.Inserted, after!)]),
            (_, null) => new TextChange(field, ChangeKind.Removed, null, null, before, null, [new WordSpan(WordSpanKind.Deleted, before)]),
            _ => new TextChange(field, ChangeKind.Changed, null, null, before, after, WordDiff.Compare(before, after)),
        });
    }
}
