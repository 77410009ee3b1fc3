namespace Scraper.Extraction;

/// <summary>
/// The element vocabularies that decide how a page breaks into text blocks, shared by <see cref="BodyReader"/> and
/// <see cref="Anatomy.PageLines"/> so that a body paragraph and the page line it came from have the same text.
/// </summary>
internal static class HtmlBlocks
{
    /// <summary>Elements that start a block of their own (a reader sees them on lines of their own).</summary>
    public static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "blockquote", "ul", "ol", "li",
        "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
        "caption", "figure", "figcaption", "pre", "address", "center", "hr", "form", "fieldset", "details", "summary",
        "hgroup", "menu", "picture",
    };

    /// <summary>Elements whose content is no article text: scripts, embedded objects, form controls, the head.</summary>
    public static readonly HashSet<string> Unread = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "button", "input",
        "select", "textarea", "audio", "map", "head", "link", "meta",
    };
}
