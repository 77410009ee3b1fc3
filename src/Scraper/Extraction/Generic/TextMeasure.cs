using AngleSharp.Dom;

namespace Scraper.Extraction.Generic;

/// <summary>
/// The measures of an element's text that content scoring keeps asking for: its length as a reader sees it
/// (trimmed, whitespace runs counted as one space), the part of it inside links, and its commas.
/// </summary>
/// <param name="Length">Characters of the trimmed text with each whitespace run counted once.</param>
/// <param name="LinkLength">Characters inside links, a same-page link (<c>href="#…"</c>) counting 0.3 of its text:
/// tables of contents and footnote marks are part of an article, navigation is not.</param>
/// <param name="Commas">Commas of any script (Latin, Arabic, CJK full-width…): prose has them, link lists do not.</param>
internal readonly record struct TextMeasure(int Length, double LinkLength, int Commas, bool LeadingSpace, bool TrailingSpace, bool AnySpace)
{
    public static readonly TextMeasure Empty = new(0, 0, 0, false, false, false);

    /// <summary>Links as a share of the text: 0 for prose, near 1 for a menu.</summary>
    public double LinkDensity => Length == 0 ? 0 : LinkLength / Length;

    public static TextMeasure OfText(string text)
    {
        int length = 0, commas = 0;
        bool leading = false, trailing = false, any = false, pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                any = true;
                if (length == 0) leading = true;
                else pendingSpace = true;
                continue;
            }
            if (pendingSpace) { length++; pendingSpace = false; }
            length++;
            if (IsComma(c)) commas++;
        }
        trailing = pendingSpace;
        return new TextMeasure(length, 0, commas, leading, trailing, any);
    }

    /// <summary>The measure of two texts written one after the other.</summary>
    public TextMeasure Then(TextMeasure next)
    {
        if (Length == 0) return next with { LeadingSpace = next.LeadingSpace || AnySpace, AnySpace = next.AnySpace || AnySpace, LinkLength = LinkLength + next.LinkLength };
        if (next.Length == 0) return this with { TrailingSpace = TrailingSpace || next.AnySpace, AnySpace = AnySpace || next.AnySpace, LinkLength = LinkLength + next.LinkLength };
        var gap = TrailingSpace || next.LeadingSpace ? 1 : 0;
        return new TextMeasure(Length + gap + next.Length, LinkLength + next.LinkLength, Commas + next.Commas, LeadingSpace, next.TrailingSpace, true);
    }

    private static bool IsComma(char c) => c is ',' or '\u060C' or '\uFE50' or '\uFE10' or '\uFE11' or '\u2E41' or '\u2E34' or '\u2E32' or '\uFF0C';
}

/// <summary>
/// <see cref="TextMeasure"/>s of the elements of one tree, computed once and remembered: scoring asks for the text
/// of every ancestor of every paragraph, and walking each subtree again would make that quadratic. Whoever changes
/// the tree says so (<see cref="Changed"/>), which forgets the measures of the changed element and its ancestors.
/// </summary>
internal sealed class TextMeasurements
{
    private readonly Dictionary<IElement, TextMeasure> _known;

    /// <param name="expectedElements">How many elements the tree is expected to have.</param>
    public TextMeasurements(int expectedElements = 0) =>
        _known = new Dictionary<IElement, TextMeasure>(Math.Clamp(expectedElements, 0, 1 << 20), ReferenceEqualityComparer.Instance);

    public TextMeasure Of(INode node)
    {
        if (node is not Element element) return node is IText text ? TextMeasure.OfText(text.Data) : TextMeasure.Empty;
        if (_known.TryGetValue(element, out var known)) return known;
        // Post-order over the elements not yet measured; iterative, as pages can nest deeper than the stack allows.
        var stack = new Stack<(IElement Element, bool ChildrenDone)>();
        stack.Push((element, false));
        while (stack.Count > 0)
        {
            var (current, childrenDone) = stack.Pop();
            // Children by index: AngleSharp finds a node's siblings by searching its parent's list. Elements are told by
            // their class (every element is an AngleSharp Element), a test much cheaper than one for an interface.
            var children = current.ChildNodes;
            if (!childrenDone)
            {
                stack.Push((current, true));
                for (var i = children.Length - 1; i >= 0; i--)
                    if (children[i] is Element child && !_known.ContainsKey(child)) stack.Push((child, false));
                continue;
            }
            var measure = TextMeasure.Empty;
            for (var i = 0; i < children.Length; i++)
            {
                if (children[i] is Element e) measure = measure.Then(_known[e]);
                else if (children[i] is IText t) measure = measure.Then(TextMeasure.OfText(t.Data));
            }
            if (current.LocalName == "a") measure = measure with { LinkLength = measure.Length * LinkWeight(current) };
            _known[current] = measure;
        }
        return _known[element];
    }

    /// <summary>
    /// Whether an element has text (its measure's length is above 0: some text below it is not white space), answered
    /// from its measure when that is known, else by looking for such text without measuring: pruning asks this of every
    /// container before it removes the page's chrome, which is then never measured.
    /// </summary>
    public bool HasText(IElement element)
    {
        if (_known.TryGetValue(element, out var known)) return known.Length > 0;
        var stack = new Stack<IElement>();
        stack.Push(element);
        while (stack.Count > 0)
        {
            var children = stack.Pop().ChildNodes;
            for (var i = 0; i < children.Length; i++)
            {
                if (children[i] is Element child)
                {
                    if (!_known.TryGetValue(child, out var measure)) stack.Push(child);
                    else if (measure.Length > 0) return true;
                }
                else if (children[i] is IText text && !string.IsNullOrWhiteSpace(text.Data)) return true;
            }
        }
        return false;
    }

    /// <summary>Forgets what is known of <paramref name="element"/> and of every ancestor, whose text it is part of.</summary>
    public void Changed(IElement? element)
    {
        for (var e = element; e is not null; e = e.ParentElement)
            _known.Remove(e);
    }

    /// <summary>A renamed element (a new element with the old one's children) has the old one's text.</summary>
    public void Renamed(IElement from, IElement to)
    {
        if (_known.TryGetValue(from, out var measure)) _known[to] = measure;
    }

    /// <summary>Links within the page (footnotes, a table of contents) count for less than links away from it.</summary>
    private static double LinkWeight(IElement link) =>
        link.GetAttribute("href") is { Length: > 1 } href && href[0] == '#' ? 0.3 : 1;
}
