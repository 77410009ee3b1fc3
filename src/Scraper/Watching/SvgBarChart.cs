using System.Globalization;
using System.Net;
using System.Text;

namespace Scraper.Watching;

/// <summary>One named row of values of a <see cref="SvgBarChart"/>, one value per category.</summary>
/// <param name="Colour">The colour slot (CSS class <c>s0</c> … <c>s5</c>); null for the series' place in the chart.</param>
public sealed record ChartSeries(string Name, IReadOnlyList<long> Values, int? Colour = null)
{
    internal string ColourClass(int index) => "s" + ((Colour ?? index) % 6).ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// A bar chart as inline SVG: categories along the x axis (months, days), one bar per category with its series stacked
/// (parts of one whole) or side by side (different measures). Colours come from the page's CSS (classes <c>s0</c>,
/// <c>s1</c> …), so the chart follows the page into dark mode. Every bar carries its numbers as data attributes and a
/// tooltip (<c>&lt;title&gt;</c>); nothing is loaded and nothing runs.
/// </summary>
public static class SvgBarChart
{
    private const double Width = 960, Height = 260, Left = 52, Right = 12, Top = 14, Bottom = 34;

    /// <param name="id">The chart's name (<c>data-chart</c>).</param>
    /// <param name="categories">The x axis, in order.</param>
    /// <param name="label">What the chart shows, for screen readers.</param>
    /// <param name="stacked">Stack the series (true) or set them side by side.</param>
    /// <param name="categoryLabel">How a category is written under the axis; every category has its tooltip in full.</param>
    public static string Render(string id, IReadOnlyList<string> categories, IReadOnlyList<ChartSeries> series, string label, bool stacked,
        Func<string, string>? categoryLabel = null)
    {
        categoryLabel ??= c => c;
        var total = series.Sum(s => s.Values.Sum());
        var svg = new StringBuilder();
        svg.Append(Inv($"<svg class=\"chart\" data-chart=\"{E(id)}\" data-total=\"{total}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{E(label)}\" preserveAspectRatio=\"xMinYMin meet\">"));
        if (categories.Count == 0 || total == 0)
        {
            svg.Append(Inv($"<text class=\"empty\" x=\"{Width / 2}\" y=\"{Height / 2}\" text-anchor=\"middle\">no data in this window</text></svg>"));
            return svg.ToString();
        }

        var peak = Enumerable.Range(0, categories.Count)
            .Select(i => stacked ? series.Sum(s => s.Values[i]) : series.Max(s => s.Values[i]))
            .Max();
        var top = NiceScale(peak);
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        double Y(double value) => Top + plotHeight - value / top * plotHeight;

        // Grid lines and y labels at quarters of the scale.
        for (var q = 0; q <= 4; q++)
        {
            var value = top * q / 4;
            var y = Y(value);
            svg.Append(Inv($"<line class=\"grid\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\"/>"));
            svg.Append(Inv($"<text class=\"axis\" x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{Number(value)}</text>"));
        }

        var band = plotWidth / categories.Count;
        // A few categories must not make slabs of the bars.
        var barWidth = Math.Clamp(band * 0.8, 0.8, 48);
        var labelEvery = Math.Max(1, (int)Math.Ceiling(categories.Count / 12.0));
        for (var i = 0; i < categories.Count; i++)
        {
            var x = Left + i * band + (band - barWidth) / 2;
            double stackedValue = 0;
            for (var s = 0; s < series.Count; s++)
            {
                var value = series[s].Values[i];
                if (value == 0) continue;
                double barX = x, width = barWidth, y, height;
                if (stacked)
                {
                    y = Y(stackedValue + value);
                    height = Y(stackedValue) - y;
                    stackedValue += value;
                }
                else
                {
                    width = barWidth / series.Count;
                    barX = x + s * width;
                    y = Y(value);
                    height = Y(0) - y;
                }
                svg.Append(Inv($"<rect class=\"{series[s].ColourClass(s)}\" x=\"{barX:0.##}\" y=\"{y:0.##}\" width=\"{width:0.##}\" height=\"{Math.Max(height, 0.5):0.##}\" "))
                    .Append(Inv($"data-category=\"{E(categories[i])}\" data-series=\"{E(series[s].Name)}\" data-value=\"{value}\">"))
                    .Append(Inv($"<title>{E(categories[i])} · {E(series[s].Name)}: {Number(value)}</title></rect>"));
            }
            if (i % labelEvery == 0)
            {
                // The right margin is narrow: a label near it ends at the chart's edge instead of being cut.
                var centre = Left + i * band + band / 2;
                var (labelX, anchor) = centre > Width - Right - 32 ? (Width - Right, "end") : (centre, "middle");
                svg.Append(Inv($"<text class=\"axis\" x=\"{labelX:0.#}\" y=\"{Height - Bottom + 16}\" text-anchor=\"{anchor}\">{E(categoryLabel(categories[i]))}</text>"));
            }
        }
        svg.Append(Inv($"<line class=\"baseline\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Y(0):0.#}\" y2=\"{Y(0):0.#}\"/>"));
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>The legend of a chart's series, coloured as its bars.</summary>
    public static string Legend(IReadOnlyList<ChartSeries> series)
    {
        var html = new StringBuilder("<ul class=\"legend\">");
        for (var s = 0; s < series.Count; s++)
            html.Append(Inv($"<li><span class=\"swatch {series[s].ColourClass(s)}\"></span>{E(series[s].Name)} <span class=\"muted\">{Number(series[s].Values.Sum())}</span></li>"));
        return html.Append("</ul>").ToString();
    }

    /// <summary>
    /// Horizontal bars for labelled counts (sources, sections): one row per label, the bar's length its share of the
    /// largest. An SVG of its own for each row keeps the text in HTML, where long labels wrap.
    /// </summary>
    public static string Ranking(string id, IReadOnlyList<(string Label, long Count)> rows)
    {
        var html = new StringBuilder(Inv($"<table class=\"ranking\" data-chart=\"{E(id)}\" data-total=\"{rows.Sum(r => r.Count)}\"><tbody>"));
        var max = rows.Count == 0 ? 1 : Math.Max(1, rows.Max(r => r.Count));
        foreach (var (label, count) in rows)
        {
            var width = 100.0 * count / max;
            html.Append(Inv($"<tr data-label=\"{E(label)}\" data-value=\"{count}\"><th scope=\"row\">{E(label)}</th>"))
                .Append(Inv($"<td class=\"bar\"><svg viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" aria-hidden=\"true\"><rect class=\"s0\" x=\"0\" y=\"1\" width=\"{width:0.##}\" height=\"8\"/></svg></td>"))
                .Append(Inv($"<td class=\"num\">{Number(count)}</td></tr>"));
        }
        return html.Append("</tbody></table>").ToString();
    }

    /// <summary>
    /// The top of the y scale: four grid steps of a round size (1, 2 or 5 × 10ⁿ, or 25 × 10ⁿ) that reach
    /// <paramref name="peak"/>, so every grid line falls on a round whole number.
    /// </summary>
    internal static double NiceScale(double peak)
    {
        var step = Math.Max(peak, 1) / 4;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(step)));
        foreach (var factor in new[] { 1.0, 2.0, 2.5, 5.0, 10.0 })
        {
            var candidate = factor * magnitude;
            // A step of 2.5 is round from 25 up; below that it would put grid lines between whole numbers.
            if (candidate >= step && (candidate >= 1 && candidate % 1 == 0))
                return 4 * candidate;
        }
        return 4 * 10 * magnitude;
    }

    private static string Number(double value) => value.ToString("#,0.##", CultureInfo.InvariantCulture);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
