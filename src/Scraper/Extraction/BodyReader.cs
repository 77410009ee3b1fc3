using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;

namespace Scraper.Extraction;

/// <summary>The text blocks and figures of an article body, in reading order.</summary>
public sealed record BodyContent(IReadOnlyList<string> Paragraphs, IReadOnlyList<Figure> Figures)
{
    /// <summary>
    /// Text, or a photo with its caption or credit (a page of a photo story): an article's page. Images alone, without a
    /// word about them, are a page's logo and thumbnails.
    /// </summary>
    public static bool HasArticle(BodyContent body) =>
        body.Paragraphs.Count > 0 || body.Figures.Any(f => f.Caption is not null || f.Credit is not null || f.Media == "video");
}

/// <summary>
/// Reads a content element into paragraphs and figures; shared by the site rules and the generic extractor.
/// Every element whose content is inline (a "leaf block": p, li, h2, a div of text…) gives one text block; inline
/// text between blocks gives its own. Images become figures; the text block right after an image is its caption
/// when it looks like one (a caption class, centred, or ending in a credit). All traversals are iterative:
/// bodies can be deeper than the call stack allows.
/// </summary>
public sealed class BodyReader
{
    private static readonly HashSet<string> Blocks = HtmlBlocks.Blocks;
    private static readonly HashSet<string> Skipped = HtmlBlocks.Unread;
    private static readonly Regex CaptionClass = new("caption|pic-?(?:text|title|desc|info)|img-?(?:text|desc)|photo-?(?:text|desc)|figcaption|wp-caption-text", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex CenteredStyle = new(@"text-align\s*:\s*center", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    /// <summary>Where lazy-loading scripts keep an image's real address.</summary>
    private static readonly string[] LazySourceAttributes = ["data-src", "data-original", "data-lazy-src"];
    /// <summary>An attribute value that is the address of an image file.</summary>
    private static readonly Regex ImageAddress = new(@"^\s*\S+\.(?:jpe?g|png|webp|gif)(?:[?#]\S*)?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    /// <summary>Classes and itemprops that mark the credit inside a caption.</summary>
    private static readonly Regex CreditMark = new(@"credit|copyright|attribution|photographer|creator|byline", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    /// <summary>Text after an image this short is read as its caption even without other signs.</summary>
    private const int ShortCaptionInSameBlock = 300;
    /// <summary>The address of a video file, as an embed's source (an iframe, embed or object of a player showing a file).</summary>
    private static readonly Regex VideoFile = new(@"\.(?:mp4|m4v|webm|ogv|mov|flv|m3u8)(?:[?#]\S*)?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>
    /// A video of the body: a <c>&lt;video&gt;</c>, or an iframe, embed or object whose source is a video file. Kept as a
    /// figure with <see cref="Figure.Media"/> <c>video</c> (a video page is its text and its film, not an empty page).
    /// </summary>
    internal static bool IsVideo(IElement element) =>
        element.LocalName.Equals("video", StringComparison.OrdinalIgnoreCase)
        || element.LocalName is "iframe" or "embed" or "object"
           && (element.GetAttribute("src") ?? element.GetAttribute("data")) is { Length: > 0 } source && VideoFile.IsMatch(source);

    /// <param name="skipped">Elements left out with everything inside them (a site's counters, share bars, pager).</param>
    /// <param name="endAt">A text block where the article has ended (a site's footer or counter): it and all after it are left out.</param>
    public BodyContent Read(IElement content, Uri pageUrl, IReadOnlyList<Regex>? dropText = null, IReadOnlySet<IElement>? skipped = null,
        Regex? endAt = null)
    {
        skipped ??= new HashSet<IElement>();
        var state = new ReadState(pageUrl, dropText ?? [], skipped, endAt);
        var containers = FindContainers(content);
        // Each frame walks one container's children; inline children gather into the current run.
        var stack = new Stack<(INode Node, int Next)>();
        stack.Push((content, 0));
        var run = new List<INode>();
        IElement owner = content;
        while (stack.Count > 0 && !state.Ended)
        {
            var (node, next) = stack.Pop();
            if (next >= node.ChildNodes.Length)
            {
                state.Flush(run, node as IElement ?? owner);
                continue;
            }
            stack.Push((node, next + 1));
            var child = node.ChildNodes[next];
            if (child is IElement element)
            {
                if (IsVideo(element) && !skipped.Contains(element))
                {
                    run.Add(element);
                    continue;
                }
                if (Skipped.Contains(element.LocalName) || skipped.Contains(element)) continue;
                if (element.LocalName.Equals("figure", StringComparison.OrdinalIgnoreCase))
                {
                    state.Flush(run, node as IElement ?? owner);
                    state.ReadFigureElement(element);
                    continue;
                }
                if (Blocks.Contains(element.LocalName))
                {
                    state.Flush(run, node as IElement ?? owner);
                    if (containers.Contains(element))
                    {
                        stack.Push((element, 0));
                    }
                    else
                    {
                        run.Add(element);
                        state.Flush(run, element);
                    }
                    continue;
                }
            }
            run.Add(child);
        }
        state.Flush(run, owner);
        return new BodyContent(state.Paragraphs, state.Figures);
    }

    /// <summary>Elements that hold a block element somewhere below them (and so are not leaf blocks).</summary>
    private static HashSet<IElement> FindContainers(IElement root)
    {
        var containers = new HashSet<IElement>();
        foreach (var element in root.Descendants<IElement>())
        {
            if (!Blocks.Contains(element.LocalName) && !element.LocalName.Equals("img", StringComparison.OrdinalIgnoreCase)) continue;
            // An image inside a paragraph does not split it; an image beside block siblings does not either.
            if (element.LocalName.Equals("img", StringComparison.OrdinalIgnoreCase)) continue;
            for (var parent = element.ParentElement; parent is not null && parent != root.ParentElement; parent = parent.ParentElement)
                if (!containers.Add(parent)) break;
        }
        return containers;
    }

    internal static bool IsCaptionLike(IElement? element, IElement? stopAt = null)
    {
        for (var e = element; e is not null && e != stopAt; e = e.ParentElement)
        {
            if (e.LocalName is "figcaption") return true;
            var classes = (e.GetAttribute("class") ?? "") + " " + (e.GetAttribute("id") ?? "");
            if (CaptionClass.IsMatch(classes)) return true;
            if (string.Equals(e.GetAttribute("align"), "center", StringComparison.OrdinalIgnoreCase)) return true;
            if (e.GetAttribute("style") is { } style && CenteredStyle.IsMatch(style)) return true;
            if (e.LocalName is "center") return true;
            if (Blocks.Contains(e.LocalName) && e.LocalName is not ("span" or "font" or "strong" or "b" or "em" or "i")) break;
        }
        return false;
    }

    private sealed class ReadState(Uri pageUrl, IReadOnlyList<Regex> dropText, IReadOnlySet<IElement> skipped, Regex? endAt)
    {
        public List<string> Paragraphs { get; } = [];
        public List<Figure> Figures { get; } = [];
        /// <summary>The last thing emitted was a figure still waiting for its caption.</summary>
        private bool _awaitingCaption;

        /// <summary>A block matched <c>endAt</c>: nothing more is read.</summary>
        public bool Ended { get; private set; }

        public void Flush(List<INode> run, IElement owner)
        {
            if (run.Count == 0) return;
            if (Ended)
            {
                run.Clear();
                return;
            }
            var (text, images) = Gather(run);
            run.Clear();
            var block = TextNormalizer.Collapse(text);
            if (endAt is not null && block.Length > 0 && endAt.IsMatch(block))
            {
                Ended = true;
                return;
            }
            foreach (var image in images) AddFigure(image);
            if (block.Length == 0) return;
            for (var i = 0; i < dropText.Count; i++)
                if (dropText[i].IsMatch(block)) return;
            var captionLike = IsCaptionLike(owner) || CaptionText.HasBracketedCredit(block);
            if (_awaitingCaption && (captionLike || (images.Count > 0 && block.Length <= ShortCaptionInSameBlock)))
            {
                SetCaption(block);
                return;
            }
            // A paragraph of text under a photo may close with the photo's credit, "… on February 19. (Photo/Wuxi Daily)".
            if (_awaitingCaption && CaptionText.SplitTrailingPhotoCredit(block) is { } credited)
            {
                Figures[^1] = Figures[^1] with { Credit = credited.Credit };
                block = credited.Text;
            }
            Paragraphs.Add(block);
            _awaitingCaption = false;
        }

        public void ReadFigureElement(IElement figure)
        {
            if (Ended) return;
            var caption = new StringBuilder();
            var credit = new StringBuilder();
            var images = new List<IElement>();
            foreach (var node in figure.Descendants())
            {
                if (InSkipped(node, figure)) continue;
                if (node is IElement e && (e.LocalName.Equals("img", StringComparison.OrdinalIgnoreCase) || IsVideo(e))) images.Add(e);
                else if (node is IText t && !InVideo(t, figure)) (InCredit(t, figure) ? credit : caption).Append(t.Data).Append(' ');
            }
            var figuresBefore = Figures.Count;
            foreach (var image in images) AddFigure(image);
            var text = TextNormalizer.Collapse(caption.ToString());
            var creditText = CaptionText.CleanCredit(credit.ToString());
            if (text.Length == 0 && creditText is null) return;
            // The caption belongs to this element's image, or to the image just before a figure that holds only a caption;
            // the caption of an image that has no address stands as text of its own.
            var captionsAFigure = Figures.Count > figuresBefore || (images.Count == 0 && _awaitingCaption);
            if (!captionsAFigure)
            {
                Paragraphs.Add(TextNormalizer.Collapse(text + " " + creditText));
                _awaitingCaption = false;
                return;
            }
            if (creditText is null) SetCaption(text);
            else SetCaption(TextNormalizer.NullIfEmpty(text), creditText);
        }

        private void AddFigure(IElement image)
        {
            if (IsVideo(image))
            {
                var video = ImageUrl.Resolve(pageUrl, VideoSourceOf(image));
                if (video is null) return;
                Figures.Add(new Figure(video, TextNormalizer.NullIfEmpty(image.GetAttribute("title")), null, null, Paragraphs.Count) { Media = "video" });
                _awaitingCaption = true;
                return;
            }
            var src = ImageUrl.Resolve(pageUrl, SourceOf(image));
            if (src is null) return;
            Figures.Add(new Figure(src, TextNormalizer.NullIfEmpty(image.GetAttribute("alt")), null, null, Paragraphs.Count));
            _awaitingCaption = true;
        }

        /// <summary>A video's address: its src (or a lazy loader's), else its first &lt;source&gt;'s; an embed's src or data.</summary>
        private static string? VideoSourceOf(IElement video)
        {
            foreach (var name in new[] { "src", "data-src", "data" })
                if (video.GetAttribute(name) is { Length: > 0 } src && !src.StartsWith("data:", StringComparison.OrdinalIgnoreCase)) return src;
            return video.QuerySelectorAll("source[src]").Select(s => s.GetAttribute("src")).FirstOrDefault(s => !string.IsNullOrWhiteSpace(s));
        }

        /// <summary>Text inside a video element (its "your browser cannot play this" fallback) is no caption.</summary>
        private static bool InVideo(INode node, IElement figure)
        {
            for (var e = node.ParentElement; e is not null && e != figure; e = e.ParentElement)
                if (IsVideo(e)) return true;
            return false;
        }

        private void SetCaption(string text)
        {
            var (caption, credit) = CaptionText.Split(text);
            SetCaption(caption, credit);
        }

        private void SetCaption(string? caption, string? credit)
        {
            Figures[^1] = Figures[^1] with { Caption = caption, Credit = credit };
            _awaitingCaption = false;
        }

        /// <summary>Text inside an element of the caption marked as its credit (<c>class="credit"</c>, <c>itemprop="creator"</c>…).</summary>
        private static bool InCredit(INode node, IElement figure)
        {
            for (var e = node.ParentElement; e is not null && e != figure; e = e.ParentElement)
            {
                var marks = (e.GetAttribute("class") ?? "") + " " + (e.GetAttribute("itemprop") ?? "");
                if (marks.Length > 1 && CreditMark.IsMatch(marks)) return true;
            }
            return false;
        }

        private static string? SourceOf(IElement image)
        {
            // Lazy-loading pages keep the real address in a data attribute and a placeholder in src.
            foreach (var name in LazySourceAttributes)
                if (image.GetAttribute(name) is { Length: > 0 } lazy) return lazy;
            var src = image.GetAttribute("src");
            if (src is { Length: > 0 } && !src.StartsWith("data:", StringComparison.OrdinalIgnoreCase)) return src;
            // No address, or an inline placeholder: the first candidate of a source set, or any attribute holding an image's address.
            foreach (var name in new[] { "data-srcset", "srcset" })
                if (image.GetAttribute(name) is { Length: > 0 } set && FirstOfSourceSet(set) is { } first) return first;
            foreach (var attribute in image.Attributes)
                if (attribute.Name is not ("src" or "alt" or "title") && ImageAddress.IsMatch(attribute.Value)) return attribute.Value.Trim();
            return src;
        }

        /// <summary><c>a.jpg 1x, b.jpg 2x</c> → <c>a.jpg</c>. A candidate's address ends at white space (it may hold
        /// commas, as in <c>/w_300,h_200/a.jpg</c>); a comma right after it separates it from the next.</summary>
        private static string? FirstOfSourceSet(string set) =>
            set.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.TrimEnd(',') is { Length: > 0 } first ? first : null;

        private (string Text, List<IElement> Images) Gather(List<INode> run)
        {
            var sb = new StringBuilder();
            var images = new List<IElement>();
            var stack = new Stack<INode>();
            for (var i = run.Count - 1; i >= 0; i--) stack.Push(run[i]);
            while (stack.Count > 0)
            {
                var node = stack.Pop();
                switch (node)
                {
                    case IText text:
                        sb.Append(text.Data);
                        break;
                    case IElement e when skipped.Contains(e):
                        break;
                    // A video is a figure, its fallback text no paragraph.
                    case IElement e when IsVideo(e):
                        images.Add(e);
                        break;
                    case IElement e when Skipped.Contains(e.LocalName):
                        break;
                    case IElement e when e.LocalName.Equals("img", StringComparison.OrdinalIgnoreCase):
                        images.Add(e);
                        break;
                    case IElement e when e.LocalName.Equals("br", StringComparison.OrdinalIgnoreCase):
                        sb.Append('\n');
                        break;
                    case IElement e:
                        // Cells and list items inside a leaf block still need a gap between them.
                        if (e.LocalName is "td" or "th" or "li" or "dt" or "dd") sb.Append(' ');
                        for (var c = e.ChildNodes.Length - 1; c >= 0; c--) stack.Push(e.ChildNodes[c]);
                        break;
                }
            }
            return (sb.ToString(), images);
        }

        private bool InSkipped(INode node, IElement stopAt)
        {
            for (var e = node as IElement ?? node.ParentElement; e is not null && e != stopAt; e = e.ParentElement)
                if (Skipped.Contains(e.LocalName) || skipped.Contains(e)) return true;
            return false;
        }
    }
}
