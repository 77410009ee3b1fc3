using System.Text;
using Scraper.Cli;
using Scraper.Tests.Support;

namespace Scraper.Tests.Cli;

/// <summary>extract on several inputs at once: the output of a sequential run, byte for byte, in input order.</summary>
public sealed class ParallelExtractTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    /// <summary>Every sample page, plus bad inputs between them, in an order that is not the files' order.</summary>
    private string[] Inputs()
    {
        var pages = Directory.GetFiles(RepoPaths.Samples, "*.htm*", SearchOption.AllDirectories).Order().Reverse().ToList();
        pages.Insert(3, folder.Write("empty.html", ""));
        pages.Insert(7, folder.File("missing.html"));
        pages.Insert(11, folder.Write("binary.html", new byte[] { 0, 1, 2, 3, 0, 0, 255 }));
        return [.. pages];
    }

    [Theory]
    [InlineData("json")]
    [InlineData("text")]
    [InlineData("markdown")]
    public async Task Parallel_output_is_byte_identical_to_a_sequential_run(string format)
    {
        var inputs = Inputs();
        var sequential = await CliRunner.RunAsync(["extract", "--jobs", "1", "-f", format, .. inputs]);
        Assert.Equal(ExitCodes.Partial, sequential.ExitCode);
        Assert.Equal(3, sequential.Error.TrimEnd('\n').Split('\n').Length);
        foreach (var jobs in new[] { "2", "3", "8" })
        {
            var parallel = await CliRunner.RunAsync(["extract", "--jobs", jobs, "-f", format, .. inputs]);
            Assert.Equal(sequential.ExitCode, parallel.ExitCode);
            Assert.Equal(sequential.Out, parallel.Out);
            Assert.Equal(sequential.Error, parallel.Error);
        }
    }

    [Fact]
    public async Task Json_lines_come_in_input_order_each_naming_its_input()
    {
        var inputs = Inputs();
        var result = await CliRunner.RunAsync(["extract", "--jobs", "4", .. inputs]);
        var named = result.Out.TrimEnd('\n').Split('\n').Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("input").GetString()!).ToList();
        Assert.Equal(inputs.Where(i => !i.StartsWith(folder.Path, StringComparison.Ordinal)).ToList(), named);
    }

    [Fact]
    public async Task An_input_list_file_and_standard_input_give_the_same_as_arguments()
    {
        var inputs = Inputs().Where(i => !i.StartsWith(folder.Path, StringComparison.Ordinal)).Take(6).ToArray();
        var list = folder.Write("inputs.txt", "# pages\n" + string.Join("\n\n", inputs) + "\n");
        var direct = await CliRunner.RunAsync(["extract", .. inputs]);
        Assert.Equal(direct.Out, (await CliRunner.RunAsync("extract", "-i", list)).Out);
        Assert.Equal(direct.Out, (await RunWithInputAsync(string.Join('\n', inputs), "extract", "--input-file", "-")).Out);

        var page = inputs[0];
        var url = Scraper.Extraction.SamplePaths.UrlForFile(page)!.AbsoluteUri;
        var piped = await RunWithInputAsync(await File.ReadAllTextAsync(page), "extract", "-", "--url", url);
        Assert.Equal(0, piped.ExitCode);
        Assert.Equal((await CliRunner.RunAsync("extract", page)).Out, piped.Out);
    }

    [Fact]
    public async Task Input_usage_errors_are_exit_2()
    {
        Assert.Equal(ExitCodes.Usage, (await CliRunner.RunAsync("extract")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await CliRunner.RunAsync("extract", "-", "-")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await CliRunner.RunAsync("extract", "-", "-i", "-")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await CliRunner.RunAsync("extract", "a.html", "--jobs", "0")).ExitCode);
        var missing = await CliRunner.RunAsync("extract", "-i", folder.File("nope.txt"));
        Assert.Equal(ExitCodes.Usage, missing.ExitCode);
        Assert.Contains("no such file", missing.Error);
    }

    [Fact]
    public async Task The_window_holds_a_bounded_number_of_inputs_however_many_there_are()
    {
        var started = 0;
        var maxAhead = 0;
        var handedBack = 0;
        var results = new List<int>();
        await foreach (var result in OrderedWork.RunAsync(Enumerable.Range(0, 200), async (i, ct) =>
        {
            var ahead = Interlocked.Increment(ref started) - Volatile.Read(ref handedBack);
            InterlockedMax(ref maxAhead, ahead);
            await Task.Yield();
            return i;
        }, parallelism: 3, CancellationToken.None))
        {
            results.Add(result);
            Interlocked.Increment(ref handedBack);
        }
        Assert.Equal(Enumerable.Range(0, 200), results);
        Assert.InRange(maxAhead, 1, 3 * OrderedWork.WindowPerWorker + 1);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }

    private static async Task<CliResult> RunWithInputAsync(string input, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CliContext(stdout, stderr) { OpenInput = () => new MemoryStream(Encoding.UTF8.GetBytes(input)) };
        var code = await ScraperCli.Build(context).Parse(args).InvokeAsync(
            new System.CommandLine.InvocationConfiguration { Output = stdout, Error = stderr });
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }
}
