using System.Buffers;
using AngleSharp.Css.Dom;
using AngleSharp.Dom;

namespace Scraper.Extraction;

/// <summary>How a selector is asked: for its first match, as <c>QuerySelector</c>, or for all, as <c>QuerySelectorAll</c>.</summary>
internal enum SelectorQuery { First, All }

/// <summary>
/// Selectors matched together in one walk over a document or element, with the results each would give on its
/// own. Querying them one by one walked the whole page per selector (a site's rules hold some twenty) and built
/// a class list for every element. AngleSharp's matching still decides every match; the walk only spares it
/// elements that cannot match: a selector made of tags, ids and classes joined by descendant or child
/// combinators needs its rightmost compound's tag, id or class on the element and each other compound's on
/// one of its ancestors, which the walk knows as bits.
/// </summary>
internal sealed class SelectorSet
{
    private static readonly SearchValues<char> Spaces = SearchValues.Create(" \t\n\r\f"); // AngleSharp's class separators

    private readonly Entry[] _entries;
    // A bit per tag, id and class named in the selectors (the first 64; the others are not used to skip elements).
    private readonly Dictionary<string, ulong> _tagBits = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ulong> _idBits = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ulong> _classBits = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ulong>.AlternateLookup<ReadOnlySpan<char>> _classBitsByToken;
    // The selectors to try on an element that has a bit, by bit; and those to try on every element.
    private readonly int[][] _bySubjectBit = new int[64][];
    private readonly int[] _unkeyed;

    private readonly record struct Entry(ISelector Selector, SelectorQuery Query, ulong Subject, ulong Ancestors);

    private enum ConditionKind { Tag, Id, Class }

    public SelectorSet(IReadOnlyList<(string Text, ISelector Selector, SelectorQuery Query)> selectors)
    {
        _classBitsByToken = _classBits.GetAlternateLookup<ReadOnlySpan<char>>();
        var bits = new Dictionary<(ConditionKind, string), ulong>();
        _entries = new Entry[selectors.Count];
        for (var i = 0; i < selectors.Count; i++)
        {
            var (text, selector, query) = selectors[i];
            ulong subject = 0, ancestors = 0;
            if (Compounds(text) is { } compounds)
            {
                subject = BitFor(compounds[^1], bits);
                foreach (var ancestor in compounds[..^1]) ancestors |= BitFor(ancestor, bits);
            }
            _entries[i] = new Entry(selector, query, subject, ancestors);
        }
        for (var bit = 0; bit < 64; bit++)
            _bySubjectBit[bit] = [.. Enumerable.Range(0, _entries.Length).Where(i => _entries[i].Subject == 1UL << bit)];
        _unkeyed = [.. Enumerable.Range(0, _entries.Length).Where(i => _entries[i].Subject == 0)];
    }

    /// <summary>What each selector matches among the descendants of <paramref name="root"/>, in document order,
    /// with the scope AngleSharp's QuerySelector and QuerySelectorAll give it.</summary>
    public IReadOnlyList<IElement>[] Match(INode root)
    {
        var found = new List<IElement>?[_entries.Length];
        // Pre-order, as AngleSharp's queries walk: a frame is where to go on in a list of siblings once the
        // current element's children are done, with the bits of those siblings' ancestors.
        var stack = new Stack<(INodeList Siblings, int Next, ulong Ancestors)>();
        var siblings = root.ChildNodes;
        var next = 0;
        // The root and the elements above it are ancestors too: "html body div" matches inside the body.
        ulong ancestors = 0;
        for (var above = root as IElement; above is not null; above = above.ParentElement) ancestors |= BitsOf(above);
        while (true)
        {
            if (next >= siblings.Length)
            {
                if (!stack.TryPop(out var frame)) break;
                (siblings, next, ancestors) = frame;
                continue;
            }
            if (siblings[next++] is not IElement element) continue;
            var own = BitsOf(element);
            for (var rest = own; rest != 0; rest &= rest - 1)
                foreach (var i in _bySubjectBit[System.Numerics.BitOperations.TrailingZeroCount(rest)])
                    Try(i, element, ancestors, found);
            foreach (var i in _unkeyed) Try(i, element, ancestors, found);
            if (element.HasChildNodes)
            {
                stack.Push((siblings, next, ancestors));
                (siblings, next, ancestors) = (element.ChildNodes, 0, ancestors | own);
            }
        }
        return [.. found.Select(f => (IReadOnlyList<IElement>?)f ?? [])];
    }

    private void Try(int i, IElement element, ulong ancestors, List<IElement>?[] found)
    {
        var entry = _entries[i];
        if ((ancestors & entry.Ancestors) != entry.Ancestors) return;
        if (entry.Query == SelectorQuery.First)
        {
            // QuerySelector matches with the document element as scope, QuerySelectorAll with none.
            if (found[i] is null && entry.Selector.Match(element, element.Owner?.DocumentElement)) found[i] = [element];
        }
        else if (entry.Selector.Match(element, null))
        {
            (found[i] ??= []).Add(element);
        }
    }

    private ulong BitsOf(IElement element)
    {
        var bits = _tagBits.GetValueOrDefault(element.LocalName);
        if (_idBits.Count > 0 && element.Id is { Length: > 0 } id) bits |= _idBits.GetValueOrDefault(id);
        if (_classBits.Count > 0 && element.ClassName is { Length: > 0 } classes)
        {
            var rest = classes.AsSpan();
            while (!rest.IsEmpty)
            {
                var end = rest.IndexOfAny(Spaces);
                var token = end < 0 ? rest : rest[..end];
                if (!token.IsEmpty && _classBitsByToken.TryGetValue(token, out var bit)) bits |= bit;
                rest = end < 0 ? [] : rest[(end + 1)..];
            }
        }
        return bits;
    }

    /// <summary>One condition of a compound (its id, else a class, else its tag) as a bit; 0 once 64 are taken.</summary>
    private ulong BitFor((ConditionKind Kind, string Name) condition, Dictionary<(ConditionKind, string), ulong> bits)
    {
        var key = (condition.Kind, condition.Name.ToLowerInvariant());
        if (!bits.TryGetValue(key, out var bit))
        {
            bit = bits.Count < 64 ? 1UL << bits.Count : 0;
            bits[key] = bit;
            if (bit != 0)
            {
                var byName = condition.Kind switch { ConditionKind.Tag => _tagBits, ConditionKind.Id => _idBits, _ => _classBits };
                byName[condition.Name] = bit;
            }
        }
        return bit;
    }

    /// <summary>
    /// A condition per compound, left to right, of a selector made only of tags, ids and classes joined by
    /// descendant or child combinators (<c>#div_currpage a</c>, <c>.art-title > h1</c>); null for anything else
    /// (lists, attributes, pseudo-classes, escapes…), which is then tried on every element.
    /// </summary>
    private static (ConditionKind Kind, string Name)[]? Compounds(string text)
    {
        foreach (var c in text)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '#' or '>' || Spaces.Contains(c))) return null;
        var compounds = text.Replace('>', ' ').Split((char[])[' ', '\t', '\n', '\r', '\f'], StringSplitOptions.RemoveEmptyEntries);
        if (compounds.Length == 0) return null;
        var conditions = new (ConditionKind, string)[compounds.Length];
        for (var i = 0; i < compounds.Length; i++)
        {
            // tag? (#id | .class)*: each part starts at a '#' or '.'; an id says most, then a class, then the tag.
            var parts = compounds[i].Split('#', '.');
            if (parts.Skip(1).Any(p => p.Length == 0)) return null;
            var marks = compounds[i].Where(c => c is '#' or '.').ToList();
            var id = marks.IndexOf('#');
            var cls = marks.IndexOf('.');
            conditions[i] = id >= 0 ? (ConditionKind.Id, parts[id + 1])
                : cls >= 0 ? (ConditionKind.Class, parts[cls + 1])
                : parts[0].Length > 0 ? (ConditionKind.Tag, parts[0])
                : default;
            if (conditions[i].Item2 is null) return null;
        }
        return conditions;
    }
}
