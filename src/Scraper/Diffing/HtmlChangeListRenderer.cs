using System.Net;
using System.Text;

namespace Scraper.Diffing;

/// <summary>
/// A diff as a fragment of HTML for places that show one article's change in a column (a feed reader, a mail): the
/// changes one after another, each under a heading ("Paragraph 4 changed"), words deleted in <c>&lt;del&gt;</c> and
/// inserted in <c>&lt;ins&gt;</c>. Semantic markup only (feed readers strip styles and scripts); everything escaped.
/// </summary>
public static class HtmlChangeListRenderer
{
    public static string Render(DiffResult diff)
    {
        var html = new StringBuilder();
        html.Append("<p><strong>").Append(E(diff.Summary())).Append("</strong></p>\n");
        foreach (var change in diff.Changes)
        {
            switch (change)
            {
                case TextChange text:
                    html.Append("<h4>").Append(E(Heading(text))).Append("</h4>\n<p>");
                    Words(html, text.Words);
                    html.Append("</p>\n");
                    break;
                case FigureChange figure:
                    Figure(html, figure, diff);
                    break;
            }
        }
        return html.ToString();
    }

    private static string Heading(TextChange change)
    {
        var field = ChangeWording.Field(change.Field);
        var kind = ChangeWording.Kind(change.Kind);
        if (change.Field != ChangeField.Paragraph)
            return $"{Capitalised(field)} {kind}";
        var was = change.Kind is ChangeKind.Changed or ChangeKind.Moved && change.FromIndex != change.Index
            ? $" (was paragraph {ChangeWording.Number(change.FromIndex)})" : "";
        return $"Paragraph {ChangeWording.Number(change.Index)} {kind}{was}";
    }

    private static void Figure(StringBuilder html, FigureChange change, DiffResult diff)
    {
        var heading = change.Kind switch
        {
            ChangeKind.Changed => $"Figure {ChangeWording.Number(change.Index)} changed: {string.Join(", ", change.Attributes)}",
            ChangeKind.Moved => $"Figure {ChangeWording.Number(change.Index)} moved, now {ChangeWording.Place(change.After!, diff.To.Paragraphs.Count)}",
            _ => $"Figure {ChangeWording.Number(change.Index)} {ChangeWording.Kind(change.Kind)}",
        };
        html.Append("<h4>").Append(E(heading)).Append("</h4>\n<ul>\n");
        var before = ChangeWording.Attributes(change.Before).ToList();
        var after = ChangeWording.Attributes(change.After).ToList();
        for (var k = 0; k < before.Count; k++)
        {
            var (name, old) = before[k];
            var now = after[k].Value;
            if (old is null && now is null) continue;
            html.Append("<li>").Append(name == "src" ? "image" : name).Append(": ");
            if (old == now) html.Append(E(old!));
            else if (old is not null && now is not null && name == "caption") Words(html, WordDiff.Compare(old, now));
            else
            {
                if (old is not null) html.Append("<del>").Append(E(old)).Append("</del>");
                if (now is not null) html.Append("<ins>").Append(E(now)).Append("</ins>");
            }
            html.Append("</li>\n");
        }
        html.Append("</ul>\n");
    }

    private static void Words(StringBuilder html, IReadOnlyList<WordSpan> words)
    {
        foreach (var span in words)
        {
            var tag = span.Kind switch { WordSpanKind.Deleted => "del", WordSpanKind.Inserted => "ins", _ => null };
            if (tag is null) html.Append(E(span.Text));
            else html.Append('<').Append(tag).Append('>').Append(E(span.Text)).Append("</").Append(tag).Append('>');
        }
    }

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
