using System.Diagnostics;
using Scraper.Diffing;
using Scraper.Tests.Support;

namespace Scraper.Tests.Diffing;

/// <summary>
/// Opens a rendered diff in headless Chromium (Debian's <c>chromium</c>) and takes a screenshot: the page must load
/// as a file with network access disabled and produce a PNG. Skipped where Chromium is absent, except under CI, which
/// installs it (.ci/run): there its absence fails the test.
/// </summary>
public sealed class HtmlScreenshotTests
{
    private const string Chromium = "/usr/bin/chromium";

    [RequiresFileFact(Chromium, failInCi: true, install: "apt-get install chromium fonts-wqy-microhei")]
    public async Task Headless_chromium_renders_the_html_diff_to_a_png()
    {
        var chromium = MachineFiles.Require(Chromium);
        using var folder = new TempFolder();
        var pair = RevisionPairs.Get("correction");
        var html = folder.Write("diff.html", HtmlDiffRenderer.Render(ArticleDiff.Compare(pair.From, pair.To), pair.FromInfo, pair.ToInfo));
        var png = folder.File("diff.png");

        var info = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--user-data-dir=" + folder.File("profile"), "--screenshot=" + png,
                     "--window-size=1400,1000", new Uri(html).AbsoluteUri,
                 })
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("chromium did not finish within 120 s");
        }

        Assert.True(File.Exists(png), $"no screenshot; chromium exited {process.ExitCode}: {await stderr}");
        var bytes = await File.ReadAllBytesAsync(png);
        Assert.True(bytes.Length > 10_000, $"screenshot is only {bytes.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        // The PNG header holds the viewport size: the page rendered at the requested width.
        Assert.Equal(1400, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
    }
}
