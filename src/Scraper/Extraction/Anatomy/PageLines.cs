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
/// <param name="Parts">The text split where the page breaks the line (<c>&lt;br&gt;</c>), each collapsed, none empty.</param>
/// <param name="Element">The block that holds the line; for an image, the <c>img</c>.</param>
/// <param name="OwnsElement">The element holds this line and nothing else, so leaving the element out leaves the line out.</param>
/// <param name="IsLink">Every character of the text is inside a link (a menu item, a sidebar headline).</param>
public sealed record TextLine(int Index, string Text, IReadOnlyList<string> Parts, IElement Element, bool OwnsElement, bool IsLink)
{
    public bool IsImage => Element.LocalName.Equals("img", StringComparison.OrdinalIgnoreCase);
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

    /// <summary>The lines of <paramref name="root"/>, or of the part of it before <paramref name="stopAt"/>.</summary>
    public static PageLines Read(IElement root, IElement? stopAt = null)
    {
        var reader = new Reader(stopAt);
        var stopped = reader.Run(root);
        return new PageLines(reader.Lines, reader.Hidden, stopped);
    }

    /// <summary>Whether a reader sees the element: not hidden by its own attributes or style.</summary>
    public static bool IsHidden(IElement element) =>
        element.HasAttribute("hidden")
        || (element.GetAttribute("style") is { Length: > 0 } style && HiddenStyle.IsMatch(style))
        || string.Equals(element.GetAttribute("type"), "hidden", StringComparison.OrdinalIgnoreCase);

    private sealed class Reader(IElement? stopAt)
    {
        public List<TextLine> Lines { get; } = [];
        public List<IElement> Hidden { get; } = [];
        private readonly StringBuilder _text = new();
        private readonly List<string> _parts = [];

        /// <returns>True when the reading stopped at <c>stopAt</c>.</returns>
        public bool Run(IElement root)
        {
            var containers = FindContainers(root);
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

        /// <summary>Elements holding a block somewhere below them, as <see cref="BodyReader"/> finds them.</summary>
        private HashSet<IElement> FindContainers(IElement root)
        {
            var containers = new HashSet<IElement>();
            foreach (var element in root.Descendants<IElement>())
            {
                if (!HtmlBlocks.Blocks.Contains(element.LocalName)) continue;
                for (var parent = element.ParentElement; parent is not null && parent != root.ParentElement; parent = parent.ParentElement)
                    if (!containers.Add(parent)) break;
            }
            return containers;
        }

        /// <summary>The run's images as lines of their own, then its text as one line.</summary>
        private void Flush(List<INode> run, IElement owner, bool ownsElement)
        {
            if (run.Count == 0) return;
            _text.Clear();
            _parts.Clear();
            var partStart = 0;
            int letters = 0, linked = 0;
            var stack = new Stack<(INode Node, bool InLink)>();
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
                        AddPart(partStart);
                        partStart = _text.Length;
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
            AddPart(partStart);
            var whole = TextNormalizer.Collapse(_text.ToString());
            if (whole.Length == 0) return;
            Lines.Add(new TextLine(Lines.Count, whole, _parts.ToArray(), owner, ownsElement, IsLink: letters > 0 && linked == letters));
        }

        private void AddPart(int start)
        {
            var part = TextNormalizer.Collapse(_text.ToString(start, _text.Length - start));
            if (part.Length > 0) _parts.Add(part);
        }
    }
}
