using System.Globalization;
using System.Text.RegularExpressions;

namespace Scraper.Cli;

/// <summary>
/// Durations as schedules write them: a number and a unit, <c>90s</c>, <c>30m</c>, <c>6h</c>, <c>7d</c>, <c>2w</c>, or
/// several together (<c>1h30m</c>). Used by <c>crawl --every</c> and by relative <c>--since 24h</c> windows.
/// </summary>
public static partial class Durations
{
    [GeneratedRegex(@"^(?:(\d+)(w|d|h|m|s))+$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    [GeneratedRegex(@"(\d+)(w|d|h|m|s)", RegexOptions.CultureInvariant)]
    private static partial Regex Part();

    /// <summary>Parses <paramref name="text"/>; false for anything else (a date, a bare number, a negative).</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text is null) return false;
        text = text.Trim().ToLowerInvariant();
        if (!Shape().IsMatch(text)) return false;
        foreach (Match part in Part().Matches(text))
        {
            // Cap each number so no input overflows TimeSpan (a century is already far past any schedule).
            if (!long.TryParse(part.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 36_500 * 24 * 3600L)
                return false;
            duration += part.Groups[2].Value switch
            {
                "w" => TimeSpan.FromDays(7 * n),
                "d" => TimeSpan.FromDays(n),
                "h" => TimeSpan.FromHours(n),
                "m" => TimeSpan.FromMinutes(n),
                _ => TimeSpan.FromSeconds(n),
            };
            if (duration > TimeSpan.FromDays(36_500)) return false;
        }
        return true;
    }

    /// <summary>How a duration is written back: <c>6h</c>, <c>1h30m</c>, <c>45s</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero) return "0s";
        var parts = new List<string>();
        if (duration.Days > 0) parts.Add($"{duration.Days}d");
        if (duration.Hours > 0) parts.Add($"{duration.Hours}h");
        if (duration.Minutes > 0) parts.Add($"{duration.Minutes}m");
        if (duration.Seconds > 0 || parts.Count == 0) parts.Add($"{Math.Max(1, duration.Seconds)}s");
        return string.Concat(parts);
    }
}
