using System.Diagnostics;

namespace Scraper.Tests.Support;

/// <summary>Runs the CLI as a child process, sampling its peak resident memory (VmHWM, which only grows) as it runs.</summary>
public static class PeakMemory
{
    public static async Task<(CliResult Result, long PeakKilobytes)> RunCliAsync(TimeSpan patience, params string[] args)
    {
        using var process = CliRunner.Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var peak = 0L;
        var clock = Stopwatch.StartNew();
        while (!process.HasExited)
        {
            if (clock.Elapsed > patience)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"scraper {string.Join(' ', args)} did not finish within {patience}");
            }
            try
            {
                foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                        peak = Math.Max(peak, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]));
            }
            catch (IOException) { }
            await Task.Delay(20);
        }
        await process.WaitForExitAsync();
        return (new CliResult(process.ExitCode, await stdout, await stderr), peak);
    }
}
