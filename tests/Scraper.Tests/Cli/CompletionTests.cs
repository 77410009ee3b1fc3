using System.Runtime.Versioning;
using Scraper.Cli;
using Scraper.Tests.Support;

namespace Scraper.Tests.Cli;

/// <summary>The completion scripts, run by the real shells where they are installed.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class CompletionTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    /// <summary>What bash offers for the words typed so far (the last one being completed).</summary>
    private async Task<string[]> BashCompleteAsync(params string[] words)
    {
        var script = folder.Write("scraper.bash", (await CliRunner.RunAsync("completion", "bash")).Out);
        var array = string.Join(' ', words.Select(w => $"'{w}'"));
        var result = await CliRunner.RunProgramAsync("bash", ["-c",
            $"source '{script}'; COMP_WORDS=(scraper {array}); COMP_CWORD={words.Length}; _scraper; printf '%s\\n' \"${{COMPREPLY[@]}}\""],
            TimeSpan.FromSeconds(30), workingDirectory: folder.Path);
        Assert.Equal("", result.Error);
        return result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task Bash_completes_commands_subcommands_options_and_their_values()
    {
        Assert.Equal(["search", "sections", "show", "stats"], (await BashCompleteAsync("s")).Order().ToArray());
        Assert.Equal(["show"], await BashCompleteAsync("config", ""));
        Assert.Equal(["en.wuxi.gov.cn", "wnd.gov.cn"], await BashCompleteAsync("list", "--site", ""));
        Assert.Equal(["all", "en.wuxi.gov.cn", "wnd.gov.cn"], (await BashCompleteAsync("crawl", "--site", "")).Order().ToArray());
        Assert.Equal(["csv", "jsonl", "warc"], (await BashCompleteAsync("export", "-f", "")).Order().ToArray());
        Assert.Contains("--all-revisions", await BashCompleteAsync("export", "--a"));
        Assert.Contains("--db", await BashCompleteAsync("search", "semiconductor", "--d"));
        Assert.Equal(["bash", "fish", "powershell", "zsh"], (await BashCompleteAsync("completion", "")).Order().ToArray());
    }

    [Theory]
    [InlineData("zsh", "/usr/bin/zsh")]
    [InlineData("fish", "/usr/bin/fish")]
    public async Task The_zsh_and_fish_scripts_are_valid_for_their_shells(string shell, string program)
    {
        var script = (await CliRunner.RunAsync("completion", shell)).Out;
        Assert.Contains("scraper", script);
        if (!File.Exists(program))
            return; // the shell is not installed here: the script's content is checked above and in the next test
        var path = folder.Write("scraper." + shell, script);
        var check = await CliRunner.RunProgramAsync(program, ["-n", path], TimeSpan.FromSeconds(30));
        Assert.True(check.ExitCode == 0, check.Error);
    }

    [Fact]
    public async Task Every_script_names_every_command_and_a_bad_shell_is_a_usage_error()
    {
        foreach (var shell in CompletionScripts.Shells)
        {
            var script = (await CliRunner.RunAsync("completion", shell)).Out;
            foreach (var (_, path) in CommandConventions.Walk(ScraperCli.Build(new CliContext(TextWriter.Null, TextWriter.Null)), ""))
                if (path.Length > 0) Assert.Contains(path.Split(' ')[^1], script);
            Assert.Contains("wnd.gov.cn", script);
        }
        Assert.Equal(ExitCodes.Usage, (await CliRunner.RunAsync("completion", "tcsh")).ExitCode);
    }
}
