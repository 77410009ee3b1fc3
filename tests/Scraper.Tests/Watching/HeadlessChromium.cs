using System.Diagnostics;
using Scraper.Tests.Support;

namespace Scraper.Tests.Watching;

/// <summary>Debian's Chromium, headless, with the network and everything that phones home turned off.</summary>
public static class HeadlessChromium
{
    public const string Path = "/usr/bin/chromium";
    public const string Install = "apt-get install chromium fonts-wqy-microhei";

    /// <summary>The document as Chromium built it from <paramref name="file"/> (<c>--dump-dom</c>).</summary>
    public static async Task<string> DumpDomAsync(string file, TempFolder profile) =>
        (await RunAsync(profile, "--dump-dom", new Uri(file).AbsoluteUri)).Out;

    /// <summary>A PNG of <paramref name="file"/> at the given window size, in light or dark mode (prefers-color-scheme).</summary>
    public static async Task ScreenshotAsync(string file, string png, int width, int height, bool dark, TempFolder profile)
    {
        string[] args = ["--screenshot=" + png, $"--window-size={width},{height}", "--hide-scrollbars", new Uri(file).AbsoluteUri];
        var result = await RunAsync(profile, dark ? ["--force-dark-mode", .. args] : args);
        Assert.True(File.Exists(png), $"no screenshot; chromium exited {result.ExitCode}: {result.Error}");
    }

    private static async Task<CliResult> RunAsync(TempFolder profile, params string[] args)
    {
        var chromium = MachineFiles.Require(Path);
        string[] common =
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--user-data-dir=" + profile.File("chromium-profile"),
        ];
        return await CliRunner.RunProgramAsync(chromium, [.. common, .. args], TimeSpan.FromSeconds(120));
    }
}
