using System.Net;
using System.Text;
using Scraper.Extraction;

namespace Scraper.Diffing;

/// <summary>
/// The diff as one self-contained HTML page: both revisions side by side, paragraph against paragraph, deleted words
/// struck through in red and inserted ones in green. Inline CSS only, no script, and nothing loaded from anywhere:
/// images appear as their address and caption, and a Content-Security-Policy forbids any fetch.
/// </summary>
public static class HtmlDiffRenderer
{
    private const string Style = """
        :root { color-scheme: light; }
        body { font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; margin: 0; padding: 24px; color: #1f2328; background: #fff; }
        header { margin-bottom: 16px; }
        h1 { font-size: 20px; margin: 0 0 4px; }
        .url, code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 13px; word-break: break-all; }
        .url { color: #57606a; margin: 0; }
        .summary { font-weight: 600; margin: 8px 0 0; }
        .legend { font-size: 13px; color: #57606a; margin: 4px 0 0; }
        .legend span.moved { padding: 0 4px; border-radius: 3px; background: #eef6ff; }
        table { width: 100%; border-collapse: collapse; table-layout: fixed; }
        col.num { width: 72px; }
        th, td { border-bottom: 1px solid #d8dee4; padding: 6px 10px; vertical-align: top; text-align: left; overflow-wrap: anywhere; }
        thead th { background: #f6f8fa; border-bottom: 2px solid #d0d7de; font-size: 14px; }
        thead th small { display: block; font-weight: normal; color: #57606a; }
        tr.section th { background: #f6f8fa; color: #57606a; font-size: 12px; text-transform: uppercase; letter-spacing: .06em; padding-top: 12px; }
        td.num { color: #6e7781; font: 12px ui-monospace, Menlo, Consolas, monospace; text-align: right; white-space: nowrap; }
        td.removed { background: #fff0ef; }
        td.added { background: #eafbee; }
        td.moved { background: #eef6ff; }
        td.empty { background: repeating-linear-gradient(135deg, #f6f8fa 0 6px, #eef1f4 6px 12px); }
        td.field { font-weight: 600; }
        del { background: #ffc9c6; color: #82071e; text-decoration: line-through; border-radius: 2px; }
        ins { background: #a9efbb; color: #044f1a; text-decoration: none; border-radius: 2px; }
        .note { display: block; margin-top: 4px; font-size: 12px; color: #0550ae; font-style: italic; }
        .figure div { margin: 2px 0; }
        .figure .label { color: #57606a; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; margin-right: 6px; }
        """;

    public static string Render(DiffResult diff, RevisionInfo from, RevisionInfo to)
    {
        var html = new StringBuilder();
        var title = diff.To.Title ?? diff.From.Title ?? "(untitled)";
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>Changes: ").Append(E(title)).Append(" (revision ").Append(from.Revision).Append(" → ").Append(to.Revision).Append(")</title>\n")
            .Append("<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n<header>\n")
            .Append("<h1>").Append(E(title)).Append("</h1>\n")
            .Append("<p class=\"url\">").Append(E(diff.To.Url ?? diff.From.Url ?? "")).Append("</p>\n")
            .Append("<p class=\"summary\">").Append(E(diff.Summary())).Append("</p>\n")
            .Append("<p class=\"legend\"><del>deleted</del> <ins>inserted</ins> <span class=\"moved\">moved</span></p>\n")
            .Append("</header>\n<table>\n<colgroup><col class=\"num\"><col><col class=\"num\"><col></colgroup>\n<thead><tr>")
            .Append(RevisionHeading(from)).Append(RevisionHeading(to)).Append("</tr></thead>\n<tbody>\n");

        Fields(html, diff);
        Section(html, "Paragraphs");
        foreach (var row in diff.Paragraphs) Paragraph(html, row, diff);
        if (diff.Figures.Count > 0)
        {
            Section(html, "Figures");
            foreach (var row in diff.Figures) Figure(html, row, diff);
        }
        html.Append("</tbody>\n</table>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string RevisionHeading(RevisionInfo info) =>
        $"<th colspan=\"2\">Revision {info.Revision}<small>captured {E(ChangeWording.Time(info.CapturedAt))} · sha256 "
        + $"<code title=\"{E(info.ContentSha256)}\">{E(ChangeWording.ShortSha(info.ContentSha256))}</code></small></th>";

    private static void Section(StringBuilder html, string name) =>
        html.Append("<tr class=\"section\"><th colspan=\"4\">").Append(name).Append("</th></tr>\n");

    private static void Fields(StringBuilder html, DiffResult diff)
    {
        var changes = diff.Changes.OfType<TextChange>().Where(c => c.Field != ChangeField.Paragraph).ToDictionary(c => c.Field);
        foreach (var (field, before, after) in new[]
                 {
                     (ChangeField.Title, diff.From.Title, diff.To.Title),
                     (ChangeField.Subtitle, diff.From.Subtitle, diff.To.Subtitle),
                     (ChangeField.Published, diff.From.Published, diff.To.Published),
                     (ChangeField.Byline, diff.From.Byline, diff.To.Byline),
                 })
        {
            if (before is null && after is null) continue;
            var name = ChangeWording.Field(field);
            html.Append("<tr>");
            if (!changes.TryGetValue(field, out var change))
            {
                Cell(html, name, "field", E(before ?? ""));
                Cell(html, name, "field", E(after ?? ""));
            }
            else
            {
                Cell(html, name, before is null ? "empty" : "field removed", Side(change.Words, WordSpanKind.Deleted));
                Cell(html, name, after is null ? "empty" : "field added", Side(change.Words, WordSpanKind.Inserted));
            }
            html.Append("</tr>\n");
        }
    }

    private static void Paragraph(StringBuilder html, AlignedParagraph row, DiffResult diff)
    {
        var left = row.FromIndex is { } i ? ChangeWording.Number(i) : "";
        var right = row.ToIndex is { } j ? ChangeWording.Number(j) : "";
        html.Append("<tr>");
        switch (row.Kind)
        {
            case RowKind.Same:
                Cell(html, left, null, E(diff.From.Paragraphs[row.FromIndex!.Value]));
                Cell(html, right, null, E(diff.To.Paragraphs[row.ToIndex!.Value]));
                break;
            case RowKind.Changed:
                Cell(html, left, "removed", Side(row.Change!.Words, WordSpanKind.Deleted));
                Cell(html, right, "added", Side(row.Change!.Words, WordSpanKind.Inserted));
                break;
            case RowKind.Removed:
                Cell(html, left, "removed", E(row.Change!.Before!));
                Empty(html);
                break;
            case RowKind.Added:
                Empty(html);
                Cell(html, right, "added", E(row.Change!.After!));
                break;
            case RowKind.MovedAway:
                Cell(html, left, "moved", Side(row.Change!.Words, WordSpanKind.Deleted)
                    + $"<span class=\"note\">moved to paragraph {ChangeWording.Number(row.Change.Index)}</span>");
                Empty(html);
                break;
            case RowKind.MovedHere:
                Empty(html);
                Cell(html, right, "moved", Side(row.Change!.Words, WordSpanKind.Inserted)
                    + $"<span class=\"note\">moved from paragraph {ChangeWording.Number(row.Change.FromIndex)}</span>");
                break;
        }
        html.Append("</tr>\n");
    }

    private static void Figure(StringBuilder html, AlignedFigure row, DiffResult diff)
    {
        var change = row.Change;
        var before = row.FromIndex is { } i ? diff.From.Figures[i] : null;
        var after = row.ToIndex is { } j ? diff.To.Figures[j] : null;
        var (leftClass, rightClass) = change?.Kind switch
        {
            ChangeKind.Moved => ("moved", "moved"),
            ChangeKind.Changed => ("removed", "added"),
            ChangeKind.Removed => ("removed", "empty"),
            ChangeKind.Added => ("empty", "added"),
            _ => ((string?)null, (string?)null),
        };
        html.Append("<tr>");
        if (before is null) Empty(html);
        else
        {
            var note = change?.Kind == ChangeKind.Moved ? $"moved to figure {ChangeWording.Number(change.Index)}, {ChangeWording.Place(after!, diff.To.Paragraphs.Count)}" : null;
            Cell(html, ChangeWording.Number(row.FromIndex), leftClass, FigureBox(before, after, change, WordSpanKind.Deleted, diff.From.Paragraphs.Count, note));
        }
        if (after is null) Empty(html);
        else
        {
            var note = change?.Kind == ChangeKind.Moved ? $"moved from figure {ChangeWording.Number(change.FromIndex)}, {ChangeWording.Place(before!, diff.From.Paragraphs.Count)}" : null;
            Cell(html, ChangeWording.Number(row.ToIndex), rightClass, FigureBox(after, before, change, WordSpanKind.Inserted, diff.To.Paragraphs.Count, note));
        }
        html.Append("</tr>\n");
    }

    /// <summary>A figure as text: its address, alt text, caption and credit, with what differs from the other side marked.</summary>
    private static string FigureBox(Figure figure, Figure? other, FigureChange? change, WordSpanKind side, int paragraphCount, string? note)
    {
        var box = new StringBuilder("<div class=\"figure\">");
        var mark = side == WordSpanKind.Deleted ? "del" : "ins";
        var others = ChangeWording.Attributes(other).ToDictionary(a => a.Name, a => a.Value);
        foreach (var (name, value) in ChangeWording.Attributes(figure))
        {
            if (value is null) continue;
            var changed = change?.Attributes.Contains(name) == true;
            var shown = !changed ? E(value)
                : name == "caption" && others[name] is { } otherCaption
                    ? Side(side == WordSpanKind.Deleted ? WordDiff.Compare(value, otherCaption) : WordDiff.Compare(otherCaption, value), side)
                    : $"<{mark}>{E(value)}</{mark}>";
            var content = name == "src" ? $"<code>{shown}</code>" : shown;
            box.Append($"<div><span class=\"label\">{(name == "src" ? "image" : name)}</span>{content}</div>");
        }
        box.Append($"<div><span class=\"label\">place</span>{E(ChangeWording.Place(figure, paragraphCount))}</div>");
        if (note is not null) box.Append($"<span class=\"note\">{E(note)}</span>");
        return box.Append("</div>").ToString();
    }

    /// <summary>One side of a word diff: the words both sides share and this side's own, marked.</summary>
    private static string Side(IReadOnlyList<WordSpan> words, WordSpanKind side)
    {
        var text = new StringBuilder();
        var tag = side == WordSpanKind.Deleted ? "del" : "ins";
        foreach (var span in words)
        {
            if (span.Kind == WordSpanKind.Same) text.Append(E(span.Text));
            else if (span.Kind == side) text.Append('<').Append(tag).Append('>').Append(E(span.Text)).Append("</").Append(tag).Append('>');
        }
        return text.ToString();
    }

    private static void Cell(StringBuilder html, string number, string? cssClass, string content)
    {
        html.Append("<td class=\"num\">").Append(E(number)).Append("</td>");
        html.Append(cssClass is null ? "<td>" : $"<td class=\"{cssClass}\">").Append(content).Append("</td>");
    }

    private static void Empty(StringBuilder html) => html.Append("<td class=\"num\"></td><td class=\"empty\"></td>");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
