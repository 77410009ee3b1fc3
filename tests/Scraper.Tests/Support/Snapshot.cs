using System.Text;

namespace Scraper.Tests.Support;

/// <summary>
/// Verify.Xunit's conventions kept by hand (Verify cannot restore here): the expected output is a committed
/// <c>NAME.verified.EXT</c>; on a mismatch the actual output is written to <c>NAME.received.EXT</c> beside it
/// and the test fails. Accept changed outputs with <c>SCRAPER_ACCEPT_SNAPSHOTS=1 dotnet test</c>, which
/// overwrites the verified files, or by renaming the received files (see README).
/// </summary>
public static class Snapshot
{
    public static bool Accepting => Environment.GetEnvironmentVariable("SCRAPER_ACCEPT_SNAPSHOTS") == "1";

    /// <param name="verifiedPath">Path of the <c>*.verified.*</c> file.</param>
    public static void Match(string verifiedPath, string actual)
    {
        actual = Normalise(actual);
        var receivedPath = ReceivedPathFor(verifiedPath);
        var expected = File.Exists(verifiedPath) ? Normalise(File.ReadAllText(verifiedPath, Encoding.UTF8)) : null;
        if (expected == actual)
        {
            if (File.Exists(receivedPath)) File.Delete(receivedPath);
            return;
        }
        if (Accepting)
        {
            File.WriteAllText(verifiedPath, actual, new UTF8Encoding(false));
            if (File.Exists(receivedPath)) File.Delete(receivedPath);
            return;
        }
        File.WriteAllText(receivedPath, actual, new UTF8Encoding(false));
        Assert.Fail(expected is null
            ? $"No snapshot yet: review {receivedPath} and accept it (SCRAPER_ACCEPT_SNAPSHOTS=1 dotnet test)."
            : $"Snapshot mismatch: {verifiedPath}\n{FirstDifference(expected, actual)}\nReview {receivedPath}; accept with SCRAPER_ACCEPT_SNAPSHOTS=1 dotnet test.");
    }

    public static string ReceivedPathFor(string verifiedPath)
    {
        var name = Path.GetFileName(verifiedPath);
        var marker = name.LastIndexOf(".verified.", StringComparison.Ordinal);
        if (marker < 0) throw new ArgumentException("Not a *.verified.* path: " + verifiedPath);
        return Path.Combine(Path.GetDirectoryName(verifiedPath)!, name[..marker] + ".received." + name[(marker + ".verified.".Length)..]);
    }

    private static string Normalise(string text) => text.Replace("\r\n", "\n").TrimEnd('\n') + "\n";

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var el = i < e.Length ? e[i] : "<end>";
            var al = i < a.Length ? a[i] : "<end>";
            if (el != al) return $"line {i + 1}:\n  expected: {el}\n  actual:   {al}";
        }
        return "(differences in line endings only)";
    }
}
