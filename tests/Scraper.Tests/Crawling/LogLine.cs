using System.Text.RegularExpressions;

namespace Scraper.Tests.Crawling;

/// <summary>Reads the crawl's log lines (not on a terminal): <c>2026-11-29T06:17:02.123Z info  new          URL  (detail)</c>.</summary>
internal static partial class LogLine
{
    [GeneratedRegex(@"^(?<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (?<level>info|warn|error) +(?<outcome>\S+) +(?<rest>.*)$")]
    public static partial Regex Pattern();

    /// <summary>The event's outcome (<c>new</c>, <c>error</c>…), or null for a line that is not a log line.</summary>
    public static string? Outcome(string line) => Pattern().Match(line) is { Success: true } m ? m.Groups["outcome"].Value : null;
}
