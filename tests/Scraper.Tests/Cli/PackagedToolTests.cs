using System.IO.Compression;
using System.Runtime.InteropServices;
using Scraper.Tests.Support;

namespace Scraper.Tests.Cli;

/// <summary>
/// What users install: the README's <c>dotnet pack</c> and <c>dotnet tool install</c>, run for real, and the installed
/// native <c>scraper</c> answering as the in-process CLI does on the same archive. Minutes of native compilation, so it
/// runs under CI (<c>.ci/run</c> sets CI=1) or with SCRAPER_TEST_PACKAGE=1, and is skipped otherwise.
/// </summary>
public sealed class PackagedToolTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [PackagedToolFact]
    public async Task The_packed_tool_installs_as_a_native_binary_that_answers_like_the_cli()
    {
        var artifacts = folder.File("artifacts");
        var pack = await CliRunner.RunProgramAsync("dotnet",
            ["pack", Path.Combine(RepoPaths.Root, "src", "Scraper.Cli"), "-c", "Release", "-o", artifacts, "--nologo"],
            TimeSpan.FromMinutes(25));
        Assert.True(pack.ExitCode == 0, pack.Out + pack.Error);
        var rid = RuntimeInformation.RuntimeIdentifier;
        var packages = Directory.GetFiles(artifacts, "*.nupkg").Select(p => Path.GetFileName(p)).Order().ToList();
        Assert.Equal(new[] { "Scraper.Tool.0.1.0.nupkg", "Scraper.Tool.any.0.1.0.nupkg", $"Scraper.Tool.{rid}.0.1.0.nupkg" }.Order().ToList(), packages);

        // A packages folder of its own: a Scraper.Tool 0.1.0 cached by an earlier run must not stand in for this one.
        var tools = folder.File("tools");
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = folder.File("nuget-packages") };
        var install = await CliRunner.RunProgramAsync("dotnet",
            ["tool", "install", "--tool-path", tools, "--add-source", artifacts, "--ignore-failed-sources", "Scraper.Tool"],
            TimeSpan.FromMinutes(5), environment);
        Assert.True(install.ExitCode == 0, install.Out + install.Error);
        var scraper = Path.Combine(tools, "scraper");
        var installed = new FileInfo(scraper).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? scraper;
        Assert.Contains($"scraper.tool.{rid}", installed, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(installed)!, "scraper.dll")), "the installed tool is not the native one");

        // The same archive, made by the installed tool, read by it and by the in-process CLI.
        var db = folder.File("archive.db");
        var crawl = await CliRunner.RunProgramAsync(scraper, ["crawl", "--mirror", RepoPaths.Samples, "--quiet", "--db", db], TimeSpan.FromMinutes(2));
        Assert.True(crawl.ExitCode == 0, crawl.Error);
        // Page ids count robots.txt and list pages too: an article is named by its URL.
        const string article = "https://en.wuxi.gov.cn/2023-11/23/c_941797.htm";
        string[][] commands =
        [
            ["list", "--format", "json", "--db", db],
            ["show", article, "--format", "json", "--db", db],
            ["search", "semiconductor", "--format", "json", "--db", db],
            ["stats", "--format", "json", "--db", db],
            ["history", article, "--format", "json", "--db", db],
            ["extract", Path.Combine(RepoPaths.Samples, "www.wuxinews.com.cn", "2019-03", "28", "content_37452825.htm")],
            ["export", "--format", "jsonl", "--db", db],
            ["export", "--db", db],
        ];
        foreach (var command in commands)
        {
            var native = await CliRunner.RunProgramAsync(scraper, command, TimeSpan.FromMinutes(1));
            var inProcess = await CliRunner.RunAsync(command);
            Assert.True(native.ExitCode == 0, string.Join(' ', command) + ": " + native.Error);
            Assert.Equal(inProcess.Out, native.Out);
        }
        var help = await CliRunner.RunProgramAsync(scraper, ["--help"], TimeSpan.FromMinutes(1));
        Assert.Equal((await CliRunner.RunAsync("--help")).Out, help.Out);

        // The framework-dependent package, for every other platform, runs too.
        var any = folder.File("any");
        ZipFile.ExtractToDirectory(Path.Combine(artifacts, "Scraper.Tool.any.0.1.0.nupkg"), any);
        var portable = await CliRunner.RunProgramAsync("dotnet",
            [Path.Combine(any, "tools", "net10.0", "any", "scraper.dll"), "stats", "--format", "json", "--db", db], TimeSpan.FromMinutes(1));
        Assert.Equal((await CliRunner.RunAsync("stats", "--format", "json", "--db", db)).Out, portable.Out);
    }
}

/// <summary>Runs under CI (CI set) or with SCRAPER_TEST_PACKAGE=1; skipped, saying how to run it, otherwise.</summary>
public sealed class PackagedToolFactAttribute : FactAttribute
{
    public PackagedToolFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")) && Environment.GetEnvironmentVariable("SCRAPER_TEST_PACKAGE") != "1")
            Skip = "packs and installs the tool (minutes of native compilation): runs under CI, or set SCRAPER_TEST_PACKAGE=1";
    }
}
