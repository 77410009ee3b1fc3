using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;

namespace Scraper.Extraction.Anatomy;

/// <summary>
/// One line of a page as a reader sees it: the text of one block (what <see cref="BodyReader"/> would make a paragraph
/// of), or an image. Lines are what the sites' anatomy is written in (<c>../shared/SITES.md</c>): the header zone,
/// boilerplate and the body are recognised from them, whatever the markup's class names.
/// </summary>
/// <param name="Index">Position among the page's lines.</param>
/// <param name="Text">The block's text, white space collapsed (empty for an image).</param>
/// <param name="Breaks">The text split where the page breaks the line (<c>&lt;br&gt;</c>), each part collapsed, none
/// empty; null when the line has no break (its only part is <see cref="Text"/>).</param>
/// <param name="Element">The block that holds the line; for an image, the <c>img</c>.</param>
/// <param name="OwnsElement">The element holds this line and nothing else, so leaving the element out leaves the line out.</param>
/// <param name="IsLink">Every character of the text is inside a link (a menu item, a sidebar headline).</param>
public sealed record TextLine(int Index, string Text, string[]? Breaks, IElement Element, bool OwnsElement, bool IsLink)
{
    public bool IsImage => Element.LocalName.Equals("img", StringComparison.OrdinalIgnoreCase);

    /// <summary>The line's parts: the pieces between its breaks, or its text.</summary>
    public IReadOnlyList<string> Parts => Breaks ?? (Text.Length == 0 ? [] : [Text]);
}

/// <summary>
/// Turns a page (or the part of it before a given element) into its visible lines, in reading order. Hidden
/// elements (<c>hidden</c>, <c>display:none</c>, <c>visibility:hidden</c> in their own style) and what
/// <see cref="BodyReader"/> never reads (scripts, form controls…) give no line. Blocks are cut exactly as the body
/// reader cuts them, so the text of a line equals the paragraph the body reader makes of the same block.
/// Iterative: pages can be deeper than the call stack allows.
/// </summary>
public sealed class PageLines
{
    private static readonly Regex HiddenStyle = new(@"display\s*:\s*none|visibility\s*:\s*hidden", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private PageLines(List<TextLine> lines, List<IElement> hidden, bool stopped)
    {
        Lines = lines;
        Hidden = hidden;
        Stopped = stopped;
    }

    public IReadOnlyList<TextLine> Lines { get; }

    /// <summary>The hidden elements met on the way (a reader of the lines' elements leaves them out too).</summary>
    public IReadOnlyList<IElement> Hidden { get; }

    /// <summary>The reading stopped at the element it was asked to stop at.</summary>
    public bool Stopped { get; }

    /// <summary>The lines of <paramref name="root"/>, or of the part of it from <paramref name="startAt"/> (a block) to
    /// <paramref name="stopAt"/>.</summary>
    public static PageLines Read(IElement root, IElement? stopAt = null, IElement? startAt = null)
    {
        var reader = new Reader(stopAt, startAt, root);
        var stopped = reader.Run(root);
        return new PageLines(reader.Lines, reader.Hidden, stopped);
    }

    /// <summary>Whether a reader sees the element: not hidden by its own attributes or style.</summary>
    public static bool IsHidden(IElement element) =>
        element.Attributes.Length > 0 && (element.HasAttribute("hidden")
        || (element.GetAttribute("style") is { Length: > 0 } style && HiddenStyle.IsMatch(style))
        || string.Equals(element.GetAttribute("type"), "hidden", StringComparison.OrdinalIgnoreCase));

    private sealed class Reader(IElement? stopAt, IElement? startAt, IElement root)
    {
        /// <summary>The elements above <c>startAt</c>: before it, only they are walked into, and nothing is read.</summary>
        private readonly HashSet<IElement>? _aboveStart = startAt is null ? null : Ancestors(startAt, root);
        private bool _started = startAt is null;

        public List<TextLine> Lines { get; } = [];
        public List<IElement> Hidden { get; } = [];
        private readonly StringBuilder _text = new();
        /// <summary>Where the run's text was broken by <c>&lt;br&gt;</c>.</summary>
        private readonly List<int> _breaks = [];
        private readonly Stack<(INode Node, bool InLink)> _gather = new();

        /// <returns>True when the reading stopped at <c>stopAt</c>.</returns>
        public bool Run(IElement root)
        {
            var containers = FindContainers(root, stopAt, startAt, _aboveStart);
            var stack = new Stack<(INode Node, int Next)>();
            stack.Push((root, 0));
            var run = new List<INode>();
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                if (next >= node.ChildNodes.Length)
                {
                    Flush(run, (IElement)node, ownsElement: false);
                    continue;
                }
                stack.Push((node, next + 1));
                var child = node.ChildNodes[next];
                if (!_started)
                {
                    if (child == startAt) _started = true;
                    else
                    {
                        if (child is IElement above && _aboveStart!.Contains(above)) stack.Push((above, 0));
                        continue;
                    }
                }
                if (child is IElement element)
                {
                    if (element == stopAt)
                    {
                        Flush(run, (IElement)node, ownsElement: false);
                        return true;
                    }
                    if (HtmlBlocks.Unread.Contains(element.LocalName)) continue;
                    if (IsHidden(element))
                    {
                        Hidden.Add(element);
                        continue;
                    }
                    if (element.LocalName.Equals("figure", StringComparison.OrdinalIgnoreCase) || (HtmlBlocks.Blocks.Contains(element.LocalName) && !containers.Contains(element)))
                    {
                        Flush(run, (IElement)node, ownsElement: false);
                        run.Add(element);
                        Flush(run, element, ownsElement: true);
                        continue;
                    }
                    if (HtmlBlocks.Blocks.Contains(element.LocalName))
                    {
                        Flush(run, (IElement)node, ownsElement: false);
                        stack.Push((element, 0));
                        continue;
                    }
                }
                run.Add(child);
            }
            return false;
        }

        /// <summary>
        /// Elements holding a block somewhere below them, as <see cref="BodyReader"/> finds them; only those before
        /// <paramref name="until"/> in document order (and its ancestors) are read, so only they are looked at.
        /// </summary>
        private static HashSet<IElement> FindContainers(IElement root, IElement? until, IElement? from, HashSet<IElement>? aboveFrom)
        {
            // What holds the first block read is a container.
            var containers = aboveFrom is null ? new HashSet<IElement>() : new HashSet<IElement>(aboveFrom);
            var started = from is null;
            // Document order over the child node arrays (cheaper than AngleSharp's descendant iterators).
            var stack = new Stack<(INode Node, int Next)>();
            stack.Push((root, 0));
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                var children = node.ChildNodes;
                if (next >= children.Length) continue;
                stack.Push((node, next + 1));
                if (children[next] is not IElement element) continue;
                if (!started)
                {
                    if (element != from)
                    {
                        if (aboveFrom!.Contains(element)) stack.Push((element, 0));
                        continue;
                    }
                    started = true;
                }
                if (element == until || HtmlBlocks.Blocks.Contains(element.LocalName))
                    for (var parent = element.ParentElement; parent is not null && parent != root.ParentElement; parent = parent.ParentElement)
                        if (!containers.Add(parent)) break;
                if (element == until) break;
                if (element.HasChildNodes) stack.Push((element, 0));
            }
            return containers;
        }

        private static HashSet<IElement> Ancestors(IElement element, IElement root)
        {
            var ancestors = new HashSet<IElement>();
            for (var e = element.ParentElement; e is not null; e = e.ParentElement)
            {
                ancestors.Add(e);
                if (e == root) break;
            }
            return ancestors;
        }

        /// <summary>The run's images as lines of their own, then its text as one line.</summary>
        private void Flush(List<INode> run, IElement owner, bool ownsElement)
        {
            if (run.Count == 0) return;
            _text.Clear();
            _breaks.Clear();
            int letters = 0, linked = 0;
            var stack = _gather;
            for (var i = run.Count - 1; i >= 0; i--) stack.Push((run[i], false));
            while (stack.Count > 0)
            {
                var (node, inLink) = stack.Pop();
                switch (node)
                {
                    case IText text:
                        _text.Append(text.Data);
                        foreach (var c in text.Data)
                        {
                            if (char.IsWhiteSpace(c)) continue;
                            letters++;
                            if (inLink) linked++;
                        }
                        break;
                    case IElement e when HtmlBlocks.Unread.Contains(e.LocalName):
                        break;
                    case IElement e when IsHidden(e):
                        Hidden.Add(e);
                        break;
                    case IElement e when e.LocalName.Equals("img", StringComparison.OrdinalIgnoreCase):
                        Lines.Add(new TextLine(Lines.Count, "", [], e, OwnsElement: true, IsLink: false));
                        break;
                    case IElement e when e.LocalName.Equals("br", StringComparison.OrdinalIgnoreCase):
                        _breaks.Add(_text.Length);
                        _text.Append('\n');
                        break;
                    case IElement e:
                        if (e.LocalName is "td" or "th" or "li" or "dt" or "dd") _text.Append(' ');
                        var link = inLink || e.LocalName.Equals("a", StringComparison.OrdinalIgnoreCase);
                        for (var c = e.ChildNodes.Length - 1; c >= 0; c--) stack.Push((e.ChildNodes[c], link));
                        break;
                }
            }
            run.Clear();
            if (letters == 0) return;
            var gathered = _text.ToString();
            var whole = TextNormalizer.Collapse(gathered);
            if (whole.Length == 0) return;
            string[]? breaks = null;
            if (_breaks.Count > 0)
            {
                var parts = new List<string>(_breaks.Count + 1);
                for (var i = 0; i <= _breaks.Count; i++)
                {
                    var start = i == 0 ? 0 : _breaks[i - 1];
                    var end = i == _breaks.Count ? gathered.Length : _breaks[i];
                    if (TextNormalizer.NullIfEmpty(gathered[start..end]) is { } part) parts.Add(part);
                }
                breaks = parts.ToArray();
            }
            Lines.Add(new TextLine(Lines.Count, whole, breaks, owner, ownsElement, IsLink: linked == letters));
        }
    }
}
