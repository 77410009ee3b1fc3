using System.Globalization;
using System.Text;
using DiffPlex;

namespace Scraper.Diffing;

/// <summary>Word-level differences inside one changed text, with DiffPlex over word, punctuation and space tokens.</summary>
public static class WordDiff
{
    public static IReadOnlyList<WordSpan> Compare(string before, string after)
    {
        if (before == after) return before.Length == 0 ? [] : [new WordSpan(WordSpanKind.Same, before)];
        // Tokens carry the space before them, and the comparison ignores it: "Town." and "Town and" share "Town".
        var result = new Differ().CreateCustomDiffs(before, after, true, text => Tokenize(text).ToArray());
        var oldPieces = result.PiecesOld;
        var newPieces = result.PiecesNew;
        var spans = new List<WordSpan>();
        int a = 0, b = 0;
        void Same(int count)
        {
            for (var k = 0; k < count; k++, a++, b++)
            {
                var old = oldPieces[a];
                var now = newPieces[b];
                if (old == now) { spans.Add(new WordSpan(WordSpanKind.Same, old)); continue; }
                // The same word after different spacing: the spacing is the edit.
                var word = old.TrimStart();
                if (old.Length > word.Length) spans.Add(new WordSpan(WordSpanKind.Deleted, old[..^word.Length]));
                if (now.Length > word.Length) spans.Add(new WordSpan(WordSpanKind.Inserted, now[..^word.Length]));
                spans.Add(new WordSpan(WordSpanKind.Same, word));
            }
        }
        foreach (var block in result.DiffBlocks)
        {
            Same(block.DeleteStartA - a);
            for (var i = 0; i < block.DeleteCountA; i++) spans.Add(new WordSpan(WordSpanKind.Deleted, oldPieces[a + i]));
            for (var i = 0; i < block.InsertCountB; i++) spans.Add(new WordSpan(WordSpanKind.Inserted, newPieces[b + i]));
            a += block.DeleteCountA;
            b += block.InsertCountB;
        }
        Same(oldPieces.Length - a);
        return Coalesce(spans);
    }

    /// <summary>
    /// Consecutive edits read as one ("[-two old-]{+new words+}" rather than word-by-word alternation), each listing
    /// its deletion before its insertion; a space that begins both sides of an edit stays outside it.
    /// </summary>
    private static List<WordSpan> Coalesce(List<WordSpan> spans)
    {
        var merged = new List<WordSpan>();
        var deleted = new StringBuilder();
        var inserted = new StringBuilder();

        void AddSame(string text)
        {
            if (text.Length == 0) return;
            if (merged.Count > 0 && merged[^1].Kind == WordSpanKind.Same) merged[^1] = merged[^1] with { Text = merged[^1].Text + text };
            else merged.Add(new WordSpan(WordSpanKind.Same, text));
        }

        void Flush()
        {
            if (deleted.Length > 0 && inserted.Length > 0)
            {
                var shared = 0;
                while (shared < deleted.Length && shared < inserted.Length && deleted[shared] == inserted[shared] && char.IsWhiteSpace(deleted[shared]))
                    shared++;
                AddSame(deleted.ToString(0, shared));
                deleted.Remove(0, shared);
                inserted.Remove(0, shared);
            }
            if (deleted.Length > 0) merged.Add(new WordSpan(WordSpanKind.Deleted, deleted.ToString()));
            if (inserted.Length > 0) merged.Add(new WordSpan(WordSpanKind.Inserted, inserted.ToString()));
            deleted.Clear();
            inserted.Clear();
        }

        foreach (var span in spans)
        {
            switch (span.Kind)
            {
                case WordSpanKind.Deleted: deleted.Append(span.Text); break;
                case WordSpanKind.Inserted: inserted.Append(span.Text); break;
                default: Flush(); AddSame(span.Text); break;
            }
        }
        Flush();
        return merged;
    }

    /// <summary>
    /// Splits text into words (letters and digits, joined by inner connectors as in "8.6", "1,000", "Seok-hee's"),
    /// single punctuation marks and single CJK characters, each with the whitespace before it; the tokens
    /// concatenate to the text (trailing whitespace is a token of its own).
    /// </summary>
    public static IEnumerable<string> Tokenize(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i == text.Length) { yield return text[start..]; yield break; }
            var c = text[i];
            if (IsWordChar(c) && !IsIdeograph(c))
            {
                i++;
                while (i < text.Length)
                {
                    if (IsWordChar(text[i]) && !IsIdeograph(text[i])) i++;
                    else if (IsConnector(text[i]) && i + 1 < text.Length && IsWordChar(text[i + 1]) && !IsIdeograph(text[i + 1])) i += 2;
                    else break;
                }
            }
            else
            {
                i += char.IsSurrogatePair(text, i) ? 2 : 1;
            }
            yield return text[start..i];
        }
    }

    /// <summary>The lower-cased words of a text, for the similarity of paragraphs (spaces and punctuation left out).</summary>
    public static IEnumerable<string> Words(string text) =>
        Tokenize(text).Select(t => t.TrimStart()).Where(t => t.Length > 0 && IsWordChar(t[0])).Select(t => t.ToLowerInvariant());

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c);

    private static bool IsConnector(char c) => c is '.' or ',' or '\'' or '’' or '-' or '/' or ':' or '_';

    /// <summary>Chinese and Japanese text has no spaces: each character is a word of its own.</summary>
    private static bool IsIdeograph(char c) => char.GetUnicodeCategory(c) == UnicodeCategory.OtherLetter;
}
