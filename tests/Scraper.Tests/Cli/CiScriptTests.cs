using System.Diagnostics;
using System.Runtime.Versioning;
using Scraper.Tests.Support;

namespace Scraper.Tests.Cli;

/// <summary>
/// .ci/run's summary, run for real by bash in a copy of the repository's layout, with a stand-in <c>dotnet</c> that
/// prints what <c>dotnet test</c> prints (and nothing else is installed or fetched: warcio and chromium are stand-ins too).
/// </summary>
[UnsupportedOSPlatform("windows")] // the script is bash
public sealed class CiScriptTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task The_last_line_is_passed_and_failed_with_the_skipped_count_on_the_line_before()
    {
        var result = await RunCiAsync(exitCode: 1,
            "Failed!  - Failed:     1, Passed:   112, Skipped:     2, Total:   115, Duration: 9 s - Scraper.Tests.dll (net10.0)",
            "Passed!  - Failed:     0, Passed:     7, Skipped:     1, Total:     8, Duration: 1 s - Other.Tests.dll (net10.0)");
        var lines = result.Out.TrimEnd('\n').Split('\n');
        Assert.Equal("119 passed, 1 failed", lines[^1]);
        Assert.Equal("3 skipped", lines[^2]);
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public async Task A_build_failure_counts_as_one_failure()
    {
        var result = await RunCiAsync(exitCode: 1, "error CS1002: ; expected");
        Assert.Equal("0 passed, 1 failed", result.Out.TrimEnd('\n').Split('\n')[^1]);
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public async Task A_clean_run_ends_with_zero_failed_and_exit_0()
    {
        var result = await RunCiAsync(exitCode: 0,
            "Passed!  - Failed:     0, Passed:   114, Skipped:     0, Total:   114, Duration: 3 s - Scraper.Tests.dll (net10.0)");
        Assert.Equal(["0 skipped", "114 passed, 0 failed"], result.Out.TrimEnd('\n').Split('\n')[^2..]);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Code_that_dotnet_format_would_change_counts_as_one_failure()
    {
        var result = await RunCiAsync(exitCode: 0, formatExitCode: 2,
            "Passed!  - Failed:     0, Passed:   114, Skipped:     0, Total:   114, Duration: 3 s - Scraper.Tests.dll (net10.0)");
        Assert.Equal("114 passed, 1 failed", result.Out.TrimEnd('\n').Split('\n')[^1]);
        Assert.Contains("dotnet format", result.Out);
        Assert.Equal(1, result.ExitCode);
    }

    private Task<CliResult> RunCiAsync(int exitCode, params string[] testOutput) => RunCiAsync(exitCode, 0, testOutput);

    /// <summary>
    /// Runs a copy of .ci/run whose <c>dotnet test</c> prints <paramref name="testOutput"/> and exits <paramref name="exitCode"/>,
    /// and whose <c>dotnet format</c> exits <paramref name="formatExitCode"/>.
    /// </summary>
    private async Task<CliResult> RunCiAsync(int exitCode, int formatExitCode, params string[] testOutput)
    {
        var script = folder.Write(".ci/run", await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, ".ci", "run")));
        var bin = folder.File("bin");
        Executable(folder.Write("bin/dotnet", "#!/bin/sh\nif [ \"$1\" = format ]; then exit " + formatExitCode + "; fi\ncat <<'EOF'\n"
            + string.Join('\n', testOutput) + "\nEOF\nexit " + exitCode + "\n"));
        Executable(folder.Write("bin/chromium", "#!/bin/sh\nexit 0\n"));
        Executable(folder.Write(".ci/node_modules/.bin/warcio", "#!/bin/sh\nexit 0\n"));
        Executable(script);

        var info = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        info.Environment["PATH"] = bin + ":/usr/bin:/bin";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    private static void Executable(string path) =>
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
}
