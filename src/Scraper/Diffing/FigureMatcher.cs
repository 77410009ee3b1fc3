using Scraper.Extraction;

namespace Scraper.Diffing;

/// <summary>
/// Pairs the figures of two revisions: by image address first, then by caption (a new image under the same caption
/// is the figure replaced), then by a caption sharing most of its words. A paired figure was moved when it changed
/// places with another figure or now stands on the other side of a paragraph both revisions share.
/// </summary>
internal sealed class FigureMatcher(WordBags bags)
{
    private const double SimilarCaption = 0.5;

    public IReadOnlyList<AlignedFigure> Match(Article from, Article to, IReadOnlyList<AlignedParagraph> paragraphs)
    {
        var a = from.Figures;
        var b = to.Figures;
        var match = Enumerable.Repeat(-1, a.Count).ToArray();
        var taken = new bool[b.Count];
        PairWhere(a, b, match, taken, (x, y) => x.Src == y.Src);
        PairWhere(a, b, match, taken, (x, y) => Clean(x.Caption) is { } caption && caption == Clean(y.Caption));
        PairBySimilarCaption(a, b, match, taken);

        var outOfOrder = OutOfOrder(match);
        var placement = new Placement(paragraphs, from.Paragraphs.Count, to.Paragraphs.Count);
        var rows = new List<AlignedFigure>();
        var fromOfTo = new int[b.Count];
        Array.Fill(fromOfTo, -1);
        for (var i = 0; i < a.Count; i++) if (match[i] >= 0) fromOfTo[match[i]] = i;
        for (var j = 0; j < b.Count; j++)
        {
            var i = fromOfTo[j];
            if (i < 0)
            {
                rows.Add(new AlignedFigure(null, j, new FigureChange(ChangeKind.Added, j, null, null, b[j], [])));
                continue;
            }
            var attributes = ChangedAttributes(a[i], b[j]);
            var moved = outOfOrder.Contains(i) || placement.Moved(a[i].Position, b[j].Position);
            FigureChange? change = moved ? new FigureChange(ChangeKind.Moved, j, i, a[i], b[j], attributes)
                : attributes.Count > 0 ? new FigureChange(ChangeKind.Changed, j, i, a[i], b[j], attributes)
                : null;
            rows.Add(new AlignedFigure(i, j, change));
        }
        for (var i = 0; i < a.Count; i++)
        {
            if (match[i] >= 0) continue;
            // A removed figure goes after the row of the figure that preceded it in the old revision.
            var after = rows.FindLastIndex(r => r.FromIndex < i);
            rows.Insert(after + 1, new AlignedFigure(i, null, new FigureChange(ChangeKind.Removed, i, i, a[i], null, [])));
        }
        return rows;
    }

    private static void PairWhere(IReadOnlyList<Figure> a, IReadOnlyList<Figure> b, int[] match, bool[] taken, Func<Figure, Figure, bool> same)
    {
        for (var i = 0; i < a.Count; i++)
        {
            if (match[i] >= 0) continue;
            for (var j = 0; j < b.Count; j++)
                if (!taken[j] && same(a[i], b[j])) { match[i] = j; taken[j] = true; break; }
        }
    }

    private void PairBySimilarCaption(IReadOnlyList<Figure> a, IReadOnlyList<Figure> b, int[] match, bool[] taken)
    {
        var candidates = new List<(double Similarity, int From, int To)>();
        var captionsB = b.Select(f => bags.Of(Clean(f.Caption))).ToArray();
        for (var i = 0; i < a.Count; i++)
        {
            if (match[i] >= 0 || Clean(a[i].Caption) is null) continue;
            var bagA = bags.Of(a[i].Caption);
            for (var j = 0; j < b.Count; j++)
            {
                if (taken[j] || Clean(b[j].Caption) is null) continue;
                var similarity = WordBags.Similarity(bagA, captionsB[j]);
                if (similarity >= SimilarCaption) candidates.Add((similarity, i, j));
            }
        }
        foreach (var (_, i, j) in candidates.OrderByDescending(c => c.Similarity).ThenBy(c => c.From).ThenBy(c => c.To))
        {
            if (match[i] >= 0 || taken[j]) continue;
            match[i] = j;
            taken[j] = true;
        }
    }

    /// <summary>The paired figures (by old index) outside the longest run that kept its order.</summary>
    private static HashSet<int> OutOfOrder(int[] match)
    {
        var paired = Enumerable.Range(0, match.Length).Where(i => match[i] >= 0).ToArray();
        var length = new int[paired.Length];
        var previous = new int[paired.Length];
        var end = -1;
        for (var k = 0; k < paired.Length; k++)
        {
            length[k] = 1;
            previous[k] = -1;
            for (var p = 0; p < k; p++)
                if (match[paired[p]] < match[paired[k]] && length[p] + 1 > length[k]) { length[k] = length[p] + 1; previous[k] = p; }
            if (end < 0 || length[k] > length[end]) end = k;
        }
        var result = new HashSet<int>(paired);
        for (var k = end; k >= 0; k = previous[k]) result.Remove(paired[k]);
        return result;
    }

    private static List<string> ChangedAttributes(Figure x, Figure y)
    {
        var attributes = new List<string>();
        if (x.Src != y.Src) attributes.Add("src");
        if (Clean(x.Alt) != Clean(y.Alt)) attributes.Add("alt");
        if (Clean(x.Caption) != Clean(y.Caption)) attributes.Add("caption");
        if (Clean(x.Credit) != Clean(y.Credit)) attributes.Add("credit");
        return attributes;
    }

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>
    /// Where a figure should stand in the new revision if it stayed put: before the new place of the first paragraph
    /// it preceded that both revisions share. Paragraphs added next to it do not count as a move.
    /// </summary>
    private sealed class Placement
    {
        private readonly int[] _newPlaceOf;
        private readonly int[] _sharedBefore;
        private readonly int _toCount;

        public Placement(IReadOnlyList<AlignedParagraph> paragraphs, int fromCount, int toCount)
        {
            _toCount = toCount;
            _newPlaceOf = Enumerable.Repeat(-1, fromCount).ToArray();
            var shared = new bool[toCount];
            foreach (var row in paragraphs)
                if (row.Kind is RowKind.Same or RowKind.Changed)
                {
                    _newPlaceOf[row.FromIndex!.Value] = row.ToIndex!.Value;
                    shared[row.ToIndex!.Value] = true;
                }
            _sharedBefore = new int[toCount + 1];
            for (var j = 0; j < toCount; j++) _sharedBefore[j + 1] = _sharedBefore[j] + (shared[j] ? 1 : 0);
        }

        public bool Moved(int oldPosition, int newPosition)
        {
            var expected = _toCount;
            for (var i = Math.Max(0, oldPosition); i < _newPlaceOf.Length; i++)
                if (_newPlaceOf[i] >= 0) { expected = _newPlaceOf[i]; break; }
            var low = Math.Clamp(Math.Min(expected, newPosition), 0, _toCount);
            var high = Math.Clamp(Math.Max(expected, newPosition), 0, _toCount);
            return _sharedBefore[high] - _sharedBefore[low] > 0;
        }
    }
}
