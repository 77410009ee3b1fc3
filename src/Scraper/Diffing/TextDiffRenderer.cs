using System.Text;

namespace Scraper.Diffing;

/// <summary>
/// A diff for the terminal: one unified-diff-like hunk per changed field, paragraph or figure. Inside an edited
/// text, deleted words read <c>[-like this-]</c> and inserted ones <c>{+like this+}</c> (git's word-diff marks),
/// or red and green when colour is on.
/// </summary>
public static class TextDiffRenderer
{
    private const string Reset = "\u001b[0m";
    private const string Bold = "\u001b[1m";
    private const string Cyan = "\u001b[36m";
    private const string Red = "\u001b[31m";
    private const string Green = "\u001b[32m";

    public static string Render(DiffResult diff, RevisionInfo from, RevisionInfo to, bool colour)
    {
        var output = new Output(colour);
        output.Line(Bold, $"diff {diff.To.Url ?? diff.From.Url ?? "(no url)"}");
        output.Line(Bold, "--- " + ChangeWording.Revision(from));
        output.Line(Bold, "+++ " + ChangeWording.Revision(to));
        output.Line(null, diff.Summary());
        foreach (var change in diff.Changes)
        {
            output.Blank();
            switch (change)
            {
                case TextChange { Field: ChangeField.Paragraph } paragraph:
                    Paragraph(output, paragraph);
                    break;
                case TextChange value:
                    output.Line(Cyan, $"@@ {ChangeWording.Field(value.Field)} {ChangeWording.Kind(value.Kind)} @@");
                    if (value.Before is not null) output.Line(Red, "-" + value.Before);
                    if (value.After is not null) output.Line(Green, "+" + value.After);
                    break;
                case FigureChange figure:
                    Figure(output, figure, diff);
                    break;
            }
        }
        return output.ToString();
    }

    private static void Paragraph(Output output, TextChange change)
    {
        var number = ChangeWording.Number(change.Index);
        switch (change.Kind)
        {
            case ChangeKind.Added:
                output.Line(Cyan, $"@@ paragraph {number} added @@");
                output.Line(Green, "+" + change.After);
                break;
            case ChangeKind.Removed:
                output.Line(Cyan, $"@@ paragraph {number} removed @@");
                output.Line(Red, "-" + change.Before);
                break;
            default:
                var was = change.Kind == ChangeKind.Moved || change.FromIndex != change.Index
                    ? $" (was paragraph {ChangeWording.Number(change.FromIndex)})" : "";
                output.Line(Cyan, $"@@ paragraph {number} {ChangeWording.Kind(change.Kind)}{was} @@");
                output.Words(" ", change.Words);
                break;
        }
    }

    private static void Figure(Output output, FigureChange change, DiffResult diff)
    {
        var number = ChangeWording.Number(change.Index);
        var header = change.Kind switch
        {
            ChangeKind.Moved => $"figure {number} moved ("
                + (change.FromIndex != change.Index ? $"was figure {ChangeWording.Number(change.FromIndex)}; " : "")
                + $"now {ChangeWording.Place(change.After!, diff.To.Paragraphs.Count)}, was {ChangeWording.Place(change.Before!, diff.From.Paragraphs.Count)})",
            ChangeKind.Changed => $"figure {number} changed: {string.Join(", ", change.Attributes)}",
            _ => $"figure {number} {ChangeWording.Kind(change.Kind)}",
        };
        output.Line(Cyan, $"@@ {header} @@");
        var before = ChangeWording.Attributes(change.Before).ToList();
        var after = ChangeWording.Attributes(change.After).ToList();
        for (var k = 0; k < before.Count; k++)
        {
            var (name, old) = before[k];
            var now = after[k].Value;
            if (old is null && now is null) continue;
            if (old == now) output.Line(null, $" {name}: {old}");
            else if (name == "caption" && old is not null && now is not null) output.Words($" {name}: ", WordDiff.Compare(old, now));
            else
            {
                if (old is not null) output.Line(Red, $"-{name}: {old}");
                if (now is not null) output.Line(Green, $"+{name}: {now}");
            }
        }
    }

    private sealed class Output(bool colour)
    {
        private readonly StringBuilder _text = new();

        public void Blank() => _text.Append('\n');

        public void Line(string? style, string text)
        {
            text = Printable(text);
            if (colour && style is not null) _text.Append(style).Append(text).Append(Reset);
            else _text.Append(text);
            _text.Append('\n');
        }

        public void Words(string prefix, IReadOnlyList<WordSpan> words)
        {
            _text.Append(prefix);
            foreach (var span in words.Select(w => w with { Text = Printable(w.Text) }))
            {
                switch (span.Kind)
                {
                    case WordSpanKind.Deleted when colour: _text.Append(Red).Append(span.Text).Append(Reset); break;
                    case WordSpanKind.Inserted when colour: _text.Append(Green).Append(span.Text).Append(Reset); break;
                    case WordSpanKind.Deleted: _text.Append("[-").Append(span.Text).Append("-]"); break;
                    case WordSpanKind.Inserted: _text.Append("{+").Append(span.Text).Append("+}"); break;
                    default: _text.Append(span.Text); break;
                }
            }
            _text.Append('\n');
        }

        public override string ToString() => _text.ToString();

        /// <summary>Control characters of a page (an escape sequence, a carriage return) must not drive the terminal.</summary>
        private static string Printable(string text) =>
            text.Any(char.IsControl) ? new string(text.Select(c => char.IsControl(c) ? '\uFFFD' : c).ToArray()) : text;
    }
}
