using System.Globalization;
using System.Text.RegularExpressions;

namespace Scraper.Extraction;

/// <summary>Publication dates as the sites print them: <c>Updated : 2023-11-23</c>, <c>2019/06/04</c>,
/// <c>2024年5月20日</c>, <c>Nov 21, 2023</c>, <c>21 November 2023</c>.</summary>
public static partial class DateText
{
    // An "Updated" or "Release time" label marks the article's own date; prefer it over any other date in the line.
    [GeneratedRegex(@"(?:Updated|Release\s*time|Published|Date|发布时间|日期)\s*[:：]?\s*(?<date>\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2})", RegexOptions.IgnoreCase)]
    private static partial Regex LabelledDate();

    [GeneratedRegex(@"(?<!\d)(?<y>\d{4})\s*[-/.年]\s*(?<m>\d{1,2})\s*[-/.月]\s*(?<d>\d{1,2})(?!\d)")]
    private static partial Regex NumericDate();

    [GeneratedRegex(@"\b(?<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(?<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?<y>\d{4})\b", RegexOptions.IgnoreCase)]
    private static partial Regex MonthFirstDate();

    [GeneratedRegex(@"\b(?<d>\d{1,2})(?:st|nd|rd|th)?\s+(?<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?,?\s+(?<y>\d{4})\b", RegexOptions.IgnoreCase)]
    private static partial Regex DayFirstDate();

    private static readonly string[] Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    /// <summary>The first valid date in <paramref name="text"/>, labelled dates first; null when there is none.</summary>
    public static DateOnly? Find(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var labelled = LabelledDate().Match(text);
        if (labelled.Success && ParseNumeric(labelled.Groups["date"].Value) is { } l) return l;
        foreach (Match m in NumericDate().Matches(text))
            if (Make(m.Groups["y"].Value, m.Groups["m"].Value, m.Groups["d"].Value) is { } d) return d;
        foreach (var regex in new[] { MonthFirstDate(), DayFirstDate() })
        {
            foreach (Match m in regex.Matches(text))
            {
                var month = Array.IndexOf(Months, m.Groups["mon"].Value[..3].ToLowerInvariant()) + 1;
                if (Make(m.Groups["y"].Value, month.ToString(CultureInfo.InvariantCulture), m.Groups["d"].Value) is { } d) return d;
            }
        }
        return null;
    }

    /// <summary>A machine-readable date such as <c>2023-11-23T08:00:00+08:00</c> (meta tags, JSON-LD, &lt;time&gt;).</summary>
    public static DateOnly? ParseMachine(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        value = value.Trim();
        // The calendar date as written: converting to UTC could move it to the previous day.
        var m = NumericDate().Match(value);
        if (m.Success && m.Index == 0) return Make(m.Groups["y"].Value, m.Groups["m"].Value, m.Groups["d"].Value);
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var dto)
            ? DateOnly.FromDateTime(dto.DateTime)
            : Find(value);
    }

    public static string? ToIso(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly? ParseNumeric(string text)
    {
        var m = NumericDate().Match(text);
        return m.Success ? Make(m.Groups["y"].Value, m.Groups["m"].Value, m.Groups["d"].Value) : null;
    }

    private static DateOnly? Make(string y, string m, string d)
    {
        if (!int.TryParse(y, out var year) || !int.TryParse(m, out var month) || !int.TryParse(d, out var day)) return null;
        if (year is < 1990 or > 2100 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return null;
        return new DateOnly(year, month, day);
    }
}
