using DiffPlex;

namespace Scraper.Diffing;

/// <summary>
/// Lines up the paragraphs of two revisions: equal paragraphs first (DiffPlex's Myers diff over the paragraphs as
/// lines), then, inside each run between two equal anchors, removed and added paragraphs that share most of their
/// words are paired as edits, and paragraphs that left one place and turn up in another are moves.
/// </summary>
/// <remarks>
/// Only paragraphs inside the same run are compared for edits, so the cost follows the size of the edits rather than
/// the square of the article; runs too large to compare every pair fall back to a window along the diagonal.
/// </remarks>
internal sealed class ParagraphAligner(WordBags bags)
{
    /// <summary>Paragraphs sharing at least this share of their words are one paragraph edited.</summary>
    public const double EditedSimilarity = 0.5;
    /// <summary>A paragraph that reappears elsewhere with at least this share of its words was moved (and maybe edited).</summary>
    public const double MovedSimilarity = 0.75;
    private const int MaxPairTableCells = 65_536;
    private const int GreedyWindow = 64;
    private const int MaxMoveComparisons = 65_536;

    private abstract record Segment;
    private sealed record Anchor(int From, int To) : Segment;
    private sealed record Gap(int FromStart, int FromCount, int ToStart, int ToCount) : Segment;

    public IReadOnlyList<AlignedParagraph> Align(IReadOnlyList<string> from, IReadOnlyList<string> to)
    {
        var segments = EqualRuns(from, to);
        var gaps = segments.OfType<Gap>().ToList();

        // A paragraph removed in one run and added, word for word, in another was moved.
        var movedTo = new Dictionary<int, int>();   // from index → to index
        var movedFrom = new Dictionary<int, int>(); // to index → from index
        var addedByText = new Dictionary<string, Queue<int>>(StringComparer.Ordinal);
        foreach (var gap in gaps)
            for (var j = gap.ToStart; j < gap.ToStart + gap.ToCount; j++)
            {
                if (!addedByText.TryGetValue(to[j], out var queue)) addedByText[to[j]] = queue = new Queue<int>();
                queue.Enqueue(j);
            }
        foreach (var gap in gaps)
            for (var i = gap.FromStart; i < gap.FromStart + gap.FromCount; i++)
                if (addedByText.TryGetValue(from[i], out var queue) && queue.Count > 0)
                {
                    var j = queue.Dequeue();
                    movedTo[i] = j;
                    movedFrom[j] = i;
                }

        var fromBags = new int[from.Count][];
        var toBags = new int[to.Count][];
        foreach (var gap in gaps)
        {
            for (var i = gap.FromStart; i < gap.FromStart + gap.FromCount; i++) fromBags[i] = bags.Of(from[i]);
            for (var j = gap.ToStart; j < gap.ToStart + gap.ToCount; j++) toBags[j] = bags.Of(to[j]);
        }

        var edits = new Dictionary<Gap, List<(int From, int To)>>();
        var leftFrom = new List<int>();
        var leftTo = new List<int>();
        foreach (var gap in gaps)
        {
            var removed = Enumerable.Range(gap.FromStart, gap.FromCount).Where(i => !movedTo.ContainsKey(i)).ToList();
            var added = Enumerable.Range(gap.ToStart, gap.ToCount).Where(j => !movedFrom.ContainsKey(j)).ToList();
            var pairs = PairEdits(removed, added, fromBags, toBags);
            edits[gap] = pairs;
            leftFrom.AddRange(removed.Except(pairs.Select(p => p.From)));
            leftTo.AddRange(added.Except(pairs.Select(p => p.To)));
        }
        FindEditedMoves(leftFrom, leftTo, fromBags, toBags, movedTo, movedFrom);

        var moves = movedTo.ToDictionary(m => m.Key, m => Edit(ChangeKind.Moved, m.Value, m.Key, from[m.Key], to[m.Value]));
        var rows = new List<AlignedParagraph>(Math.Max(from.Count, to.Count));
        foreach (var segment in segments)
        {
            if (segment is Anchor anchor)
            {
                rows.Add(new AlignedParagraph(RowKind.Same, anchor.From, anchor.To, null));
                continue;
            }
            var gap = (Gap)segment;
            int nextFrom = gap.FromStart, nextTo = gap.ToStart;
            foreach (var (pairFrom, pairTo) in edits[gap].Append((gap.FromStart + gap.FromCount, gap.ToStart + gap.ToCount)))
            {
                // Unified-diff order: what went before what came, then the edited pair.
                for (; nextFrom < pairFrom; nextFrom++)
                    rows.Add(movedTo.ContainsKey(nextFrom)
                        ? new AlignedParagraph(RowKind.MovedAway, nextFrom, null, moves[nextFrom])
                        : new AlignedParagraph(RowKind.Removed, nextFrom, null, Whole(ChangeKind.Removed, nextFrom, from[nextFrom])));
                for (; nextTo < pairTo; nextTo++)
                    rows.Add(movedFrom.TryGetValue(nextTo, out var source)
                        ? new AlignedParagraph(RowKind.MovedHere, null, nextTo, moves[source])
                        : new AlignedParagraph(RowKind.Added, null, nextTo, Whole(ChangeKind.Added, nextTo, to[nextTo])));
                if (pairFrom < gap.FromStart + gap.FromCount)
                {
                    rows.Add(new AlignedParagraph(RowKind.Changed, pairFrom, pairTo, Edit(ChangeKind.Changed, pairTo, pairFrom, from[pairFrom], to[pairTo])));
                    nextFrom = pairFrom + 1;
                    nextTo = pairTo + 1;
                }
            }
        }
        return rows;
    }

    /// <summary>The paragraphs equal in both revisions as (from, to) anchors, and the runs of differences between them.</summary>
    private static List<Segment> EqualRuns(IReadOnlyList<string> from, IReadOnlyList<string> to)
    {
        // Paragraphs become numbered lines, so that no character inside a paragraph can split it.
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        string Lines(IReadOnlyList<string> paragraphs) => string.Join('\n', paragraphs.Select(p =>
        {
            if (!ids.TryGetValue(p, out var id)) ids[p] = id = ids.Count;
            return id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }));
        var diff = new Differ().CreateCustomDiffs(Lines(from), Lines(to), false, text => text.Length == 0 ? [] : text.Split('\n'));
        var segments = new List<Segment>();
        int a = 0, b = 0;
        foreach (var block in diff.DiffBlocks)
        {
            for (; a < block.DeleteStartA; a++, b++) segments.Add(new Anchor(a, b));
            segments.Add(new Gap(a, block.DeleteCountA, b, block.InsertCountB));
            a += block.DeleteCountA;
            b += block.InsertCountB;
        }
        for (; a < from.Count; a++, b++) segments.Add(new Anchor(a, b));
        return segments;
    }

    /// <summary>
    /// Pairs removed with added paragraphs of one run, keeping their order, so that the sum of the similarities of
    /// the pairs (each at least <see cref="EditedSimilarity"/>) is the largest.
    /// </summary>
    private static List<(int From, int To)> PairEdits(List<int> removed, List<int> added, int[][] fromBags, int[][] toBags)
    {
        int n = removed.Count, m = added.Count;
        var pairs = new List<(int, int)>();
        if (n == 0 || m == 0) return pairs;
        if ((long)n * m > MaxPairTableCells) return PairEditsInWindow(removed, added, fromBags, toBags);

        var score = new double[(n + 1) * (m + 1)];
        var step = new byte[(n + 1) * (m + 1)]; // 0 skip removed, 1 skip added, 2 pair
        for (var k = 1; k <= n; k++)
        {
            var a = fromBags[removed[k - 1]];
            for (var l = 1; l <= m; l++)
            {
                var cell = k * (m + 1) + l;
                var best = score[cell - (m + 1)];
                byte how = 0;
                if (score[cell - 1] > best) { best = score[cell - 1]; how = 1; }
                var b = toBags[added[l - 1]];
                if (WordBags.UpperBound(a, b) >= EditedSimilarity)
                {
                    var similarity = WordBags.Similarity(a, b);
                    if (similarity >= EditedSimilarity && score[cell - (m + 1) - 1] + similarity >= best)
                    {
                        best = score[cell - (m + 1) - 1] + similarity;
                        how = 2;
                    }
                }
                score[cell] = best;
                step[cell] = how;
            }
        }
        for (int k = n, l = m; k > 0 && l > 0;)
        {
            switch (step[k * (m + 1) + l])
            {
                case 2: pairs.Add((removed[k - 1], added[l - 1])); k--; l--; break;
                case 1: l--; break;
                default: k--; break;
            }
        }
        pairs.Reverse();
        return pairs;
    }

    /// <summary>For a run too large for the full table: each removed paragraph takes the best of the next added ones.</summary>
    private static List<(int From, int To)> PairEditsInWindow(List<int> removed, List<int> added, int[][] fromBags, int[][] toBags)
    {
        var pairs = new List<(int, int)>();
        var next = 0;
        foreach (var i in removed)
        {
            int best = -1;
            var bestSimilarity = EditedSimilarity;
            for (var l = next; l < Math.Min(added.Count, next + GreedyWindow); l++)
            {
                if (WordBags.UpperBound(fromBags[i], toBags[added[l]]) < bestSimilarity) continue;
                var similarity = WordBags.Similarity(fromBags[i], toBags[added[l]]);
                if (similarity >= bestSimilarity && (best < 0 || similarity > bestSimilarity)) { best = l; bestSimilarity = similarity; }
            }
            if (best < 0) continue;
            pairs.Add((i, added[best]));
            next = best + 1;
        }
        return pairs;
    }

    /// <summary>Paragraphs left over everywhere that are near copies of each other: moved, and edited on the way.</summary>
    private static void FindEditedMoves(List<int> leftFrom, List<int> leftTo, int[][] fromBags, int[][] toBags,
        Dictionary<int, int> movedTo, Dictionary<int, int> movedFrom)
    {
        if (leftFrom.Count == 0 || leftTo.Count == 0 || (long)leftFrom.Count * leftTo.Count > MaxMoveComparisons) return;
        var candidates = new List<(double Similarity, int From, int To)>();
        foreach (var i in leftFrom)
            foreach (var j in leftTo)
            {
                if (WordBags.UpperBound(fromBags[i], toBags[j]) < MovedSimilarity) continue;
                var similarity = WordBags.Similarity(fromBags[i], toBags[j]);
                if (similarity >= MovedSimilarity) candidates.Add((similarity, i, j));
            }
        foreach (var (_, i, j) in candidates.OrderByDescending(c => c.Similarity).ThenBy(c => c.From).ThenBy(c => c.To))
        {
            if (movedTo.ContainsKey(i) || movedFrom.ContainsKey(j)) continue;
            movedTo[i] = j;
            movedFrom[j] = i;
        }
    }

    private static TextChange Edit(ChangeKind kind, int index, int fromIndex, string before, string after) =>
        new(ChangeField.Paragraph, kind, index, fromIndex, before, after, WordDiff.Compare(before, after));

    private static TextChange Whole(ChangeKind kind, int index, string text) => kind == ChangeKind.Added
        ? new(ChangeField.Paragraph, kind, index, null, null, text, [new WordSpan(WordSpanKind.Inserted, text)])
        : new(ChangeField.Paragraph, kind, index, index, text, null, [new WordSpan(WordSpanKind.Deleted, text)]);
}
