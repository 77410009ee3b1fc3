using Scraper.Tests.Support;

namespace Scraper.Tests.Cli;

/// <summary>
/// extract and import read at most the one-page limit from any input: a device that never ends (<c>/dev/zero</c>) or a
/// FIFO is refused in one line once the limit is passed, with the process's memory bounded (a generous 400 MB for a
/// 20 MB limit; it grew without end before).
/// </summary>
public sealed class BoundedInputTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Task<(CliResult Result, long PeakKilobytes)> RunMeasuredAsync(params string[] args) =>
        PeakMemory.RunCliAsync(Patience, args);

    [Theory]
    [InlineData("extract")]
    [InlineData("import")]
    public async Task A_device_that_never_ends_is_refused_at_the_limit_with_memory_bounded(string command)
    {
        string[] args = command == "extract"
            ? ["extract", "/dev/zero", "--url", "https://en.wuxi.gov.cn/2024-01/01/c_1.htm"]
            : ["import", "/dev/zero", "--url", "https://en.wuxi.gov.cn/2024-01/01/c_1.htm", "--db", _temp.File("archive.db")];
        var (result, peak) = await RunMeasuredAsync(args);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("/dev/zero: larger than the 20 MB limit for one page", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.InRange(peak, 1, 400 * 1024);
    }

    [Fact]
    public async Task A_fifo_is_read_up_to_the_limit_like_a_file()
    {
        var fifo = _temp.File("page.html");
        var mkfifo = await CliRunner.RunProgramAsync("mkfifo", [fifo], Patience);
        Assert.Equal(0, mkfifo.ExitCode);
        var page = File.ReadAllBytes(Path.Combine(RepoPaths.Samples, "en.wuxi.gov.cn", "2023-11", "23", "c_941797.htm"));
        var extract = CliRunner.RunProcessAsync(Patience, null, "extract", fifo, "--url", "https://en.wuxi.gov.cn/2023-11/23/c_941797.htm", "--format", "text");
        // The writer side: a FIFO opened for writing blocks until the reader has it open.
        await Task.Run(() => File.WriteAllBytes(fifo, page)).WaitAsync(Patience);
        var result = await extract;

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("Wuxi", result.Out);
    }
}
