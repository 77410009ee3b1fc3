using System.Globalization;
using Scraper.Extraction;

namespace Scraper.Diffing;

/// <summary>The words the text and HTML renderers share: numbers count from 1 for readers (JSON keeps 0-based indexes).</summary>
internal static class ChangeWording
{
    public static string Field(ChangeField field) => field.ToString().ToLowerInvariant();

    public static string Kind(ChangeKind kind) => kind.ToString().ToLowerInvariant();

    public static string Number(int? index) => ((index ?? 0) + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>Where a figure stands among the paragraphs: "before paragraph 3" or "after the last paragraph".</summary>
    public static string Place(Figure figure, int paragraphCount) =>
        figure.Position < paragraphCount ? $"before paragraph {Number(Math.Max(0, figure.Position))}" : "after the last paragraph";

    public static string Time(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string ShortSha(string sha) => sha.Length > 12 ? sha[..12] : sha;

    public static string Revision(RevisionInfo info) =>
        $"revision {info.Revision.ToString(CultureInfo.InvariantCulture)}, captured {Time(info.CapturedAt)}, sha256 {ShortSha(info.ContentSha256)}";

    /// <summary>The figure attributes in display order, with their values on one side (null when absent).</summary>
    public static IEnumerable<(string Name, string? Value)> Attributes(Figure? figure) =>
    [
        ("src", figure?.Src), ("alt", figure?.Alt), ("caption", figure?.Caption), ("credit", figure?.Credit),
    ];
}
