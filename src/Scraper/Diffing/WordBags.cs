namespace Scraper.Diffing;

/// <summary>
/// The words of texts as sorted arrays of ids, interned per diff, so that the similarity of two texts is a merge
/// of two short integer arrays rather than string work.
/// </summary>
internal sealed class WordBags
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    public int[] Of(string? text)
    {
        if (string.IsNullOrEmpty(text)) return [];
        var bag = new List<int>();
        foreach (var word in WordDiff.Words(text))
        {
            if (!_ids.TryGetValue(word, out var id)) _ids[word] = id = _ids.Count;
            bag.Add(id);
        }
        bag.Sort();
        return bag.ToArray();
    }

    /// <summary>The Dice coefficient of two bags (2·shared / total words, counting repeats): 1 for the same words, 0 for none shared.</summary>
    public static double Similarity(int[] a, int[] b)
    {
        if (a.Length + b.Length == 0) return 1;
        int i = 0, j = 0, shared = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] == b[j]) { shared++; i++; j++; }
            else if (a[i] < b[j]) i++;
            else j++;
        }
        return 2.0 * shared / (a.Length + b.Length);
    }

    /// <summary>The best similarity the bag sizes allow, to skip pairs that cannot reach a threshold.</summary>
    public static double UpperBound(int[] a, int[] b) =>
        a.Length + b.Length == 0 ? 1 : 2.0 * Math.Min(a.Length, b.Length) / (a.Length + b.Length);
}
