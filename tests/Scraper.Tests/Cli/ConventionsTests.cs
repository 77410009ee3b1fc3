using System.CommandLine;
using System.Diagnostics;
using System.Runtime.Versioning;
using Scraper.Cli;
using Scraper.Tests.Support;

namespace Scraper.Tests.Cli;

/// <summary>The command-line conventions every command follows: help, short flags, --site, options around arguments, config.</summary>
public sealed class ConventionsTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static RootCommand Tree() => ScraperCli.Build(new CliContext(TextWriter.Null, TextWriter.Null));

    public static TheoryData<string> CommandPaths()
    {
        var paths = new TheoryData<string>();
        foreach (var (_, path) in CommandConventions.Walk(Tree(), "")) paths.Add(path);
        return paths;
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public async Task Every_command_has_examples_and_its_own_exit_codes_in_its_help(string path)
    {
        Assert.True(CommandHelp.Entries.TryGetValue(path, out var entry), $"'{path}' has no entry in CommandHelp");
        Assert.InRange(entry.Examples.Length, 1, 3);
        Assert.All(entry.Examples, e => Assert.StartsWith("scraper ", e));
        var words = path.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var help = await CliRunner.RunAsync([.. words, "--help"]);
        Assert.Equal(0, help.ExitCode);
        var text = help.Out.ReplaceLineEndings("\n");
        Assert.Contains("\nExamples:\n" + string.Concat(entry.Examples.Select(e => "  " + e + "\n")), text);
        Assert.Contains("\nExit codes:\n", text);
        Assert.DoesNotContain("3 archive locked, 4 failed", text); // the old generic sentence
        // scraper help <command> prints the same.
        Assert.Equal(help.Out, (await CliRunner.RunAsync(["help", .. words])).Out);
    }

    [Fact]
    public async Task Each_help_says_a_default_once_and_shows_only_the_commands_exit_codes()
    {
        var crawl = (await CliRunner.RunAsync("crawl", "--help")).Out;
        // Help's columns are as wide as the longest option: any run of spaces between the two.
        Assert.Matches(@"--revisit <all\|due\|none> +Which archived pages to check again: due \(default\), all, none\n", crawl.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("[default: 4]", crawl);
        Assert.Contains("--delay <MS>", crawl);
        var list = (await CliRunner.RunAsync("list", "--help")).Out;
        Assert.DoesNotContain("  3 ", list);
        Assert.DoesNotContain("  1 ", list);
        Assert.Contains("  130 stopped by SIGINT", crawl);
        var show = (await CliRunner.RunAsync("show", "--help")).Out;
        Assert.Contains("  1 unknown page or revision (or run): not in the archive", show);
    }

    [Fact]
    public void Short_flags_mean_the_same_option_everywhere_and_never_clash()
    {
        foreach (var (command, path) in CommandConventions.Walk(Tree(), ""))
        {
            var aliases = command.Options.SelectMany(o => o.Aliases.Append(o.Name)).ToList();
            Assert.True(aliases.Count == aliases.Distinct().Count(), $"'{path}' has an alias twice: {string.Join(' ', aliases)}");
            foreach (var option in command.Options)
                if (CommandConventions.ShortAliases.TryGetValue(option.Name, out var alias))
                    Assert.Contains(alias, option.Aliases);
        }
        Assert.Contains(Tree().Subcommands.Single(c => c.Name == "export").Options, o => o.Name == "--out" && o.Aliases.Contains("-o"));
    }

    public static TheoryData<string[]> SiteCommands()
    {
        var commands = new TheoryData<string[]>();
        foreach (var (command, path) in CommandConventions.Walk(Tree(), ""))
            if (path != "config show" && command.Options.Any(o => o.Name == "--site"))
                commands.Add([.. path.Split(' '), .. command.Arguments.Select(_ => "x")]);
        Assert.True(commands.Count >= 5);
        return commands;
    }

    [Theory]
    [MemberData(nameof(SiteCommands))]
    public async Task An_unknown_site_is_a_usage_error_naming_the_known_sites(string[] command)
    {
        var result = await CliRunner.RunAsync([.. command, "--site", "bogus", "--db", folder.File("none.db")]);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith("scraper: --site 'bogus' is not a known site; known sites: en.wuxi.gov.cn, wnd.gov.cn", result.Error);
    }

    [Fact]
    public async Task Options_go_before_or_after_arguments_and_an_unknown_option_is_never_a_file()
    {
        var page = Path.Combine(RepoPaths.Samples, "en.wuxi.gov.cn", "2023-11", "23", "c_941797.htm");
        var before = await CliRunner.RunAsync("extract", "-f", "text", page);
        var after = await CliRunner.RunAsync("extract", page, "--format", "text");
        Assert.Equal(0, before.ExitCode);
        Assert.Equal(before.Out, after.Out);

        var import = await CliRunner.RunAsync("import", "--format", "json", page, "--db", folder.File("a.db"));
        Assert.Equal(ExitCodes.Usage, import.ExitCode);
        Assert.StartsWith("scraper: unknown option '--format' for 'scraper import'", import.Error);
        Assert.False(File.Exists(folder.File("a.db")));
    }

    [Fact]
    public async Task Config_file_settings_are_defaults_that_the_environment_and_flags_outrank()
    {
        var toml = folder.Write("team/scraper.toml", "# the team's settings\ndb = \"shared.db\"\ndelay = 250  # ms\nuser_agent = 'team-bot/1.0 (+https://example.org)'\n");
        var settings = new Settings(["config", "show", "--config", toml], _ => null);
        var show = await RunWithSettingsAsync(settings, "config", "show", "--config", toml);
        Assert.Equal(0, show.ExitCode);
        Assert.Equal($"db {folder.File("team/shared.db")} config {toml}", Row(show.Out, "db"));
        Assert.Equal($"delay 250 config {toml}", Row(show.Out, "delay"));
        Assert.Contains("team-bot/1.0 (+https://example.org)", show.Out);

        // The environment outranks the file, a flag outranks both.
        var environment = new Settings(["config", "show", "--config", toml], name => name == "SCRAPER_DB" ? "/srv/env.db" : null);
        Assert.Equal("db /srv/env.db environment SCRAPER_DB", Row((await RunWithSettingsAsync(environment, "config", "show", "--config", toml)).Out, "db"));
        var flag = await RunWithSettingsAsync(environment, "config", "show", "--config", toml, "--db", "/srv/flag.db");
        Assert.Equal("db /srv/flag.db flag --db", Row(flag.Out, "db"));

        // The file in the archive's folder is found without --config, and its db becomes every command's archive.
        var found = new Settings(["stats", "--db", folder.File("team/other.db")], _ => null);
        Assert.Equal(toml, found.File!.Path);
        await CliRunner.RunAsync("import", Path.Combine(RepoPaths.Samples, "en.wuxi.gov.cn"), "--db", folder.File("team/shared.db"));
        var stats = await RunWithSettingsAsync(new Settings(["stats", "--config", toml], _ => null), "stats", "--config", toml, "-f", "json");
        Assert.Equal(0, stats.ExitCode);
        Assert.Contains(folder.File("team/shared.db"), stats.Out);
    }

    [Theory]
    [InlineData("delay = \"soon\"\n", "delay = 'soon' is not a whole number")]
    [InlineData("colour = \"blue\"\n", "unknown setting 'colour' (known: db, user_agent, delay, site, notify_url)")]
    [InlineData("[crawl]\ndelay = 5\n", ":1: expected key = value (tables are not used)")]
    public async Task A_bad_config_file_is_one_line_and_a_usage_error(string content, string message)
    {
        var toml = folder.Write("scraper.toml", content);
        var result = await CliRunner.RunAsync("list", "--config", toml);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task The_main_job_leaves_nothing_untracked_in_a_clone()
    {
        var clone = folder.File("clone");
        Assert.Equal(0, (await CliRunner.RunProgramAsync("git", ["clone", "-q", RepoPaths.Root, clone], TimeSpan.FromMinutes(2))).ExitCode);
        File.Copy(Path.Combine(RepoPaths.Root, ".gitignore"), Path.Combine(clone, ".gitignore"), overwrite: true);
        var crawl = await CliRunner.RunProgramAsync("dotnet", [CliRunner.CliDll, "crawl", "--mirror", "samples", "--quiet"], TimeSpan.FromMinutes(2),
            new Dictionary<string, string>(), clone);
        Assert.Equal(0, crawl.ExitCode);
        var status = await CliRunner.RunProgramAsync("git", ["-C", clone, "status", "--porcelain", "--untracked-files=all", "--", ".", ":!.gitignore"], TimeSpan.FromMinutes(1));
        Assert.Equal("", status.Out);
    }

    /// <summary>A row of <c>config show</c>'s table with its columns' padding collapsed.</summary>
    private static string Row(string table, string setting) =>
        System.Text.RegularExpressions.Regex.Replace(table.Split('\n').Single(l => l.StartsWith(setting + " ", StringComparison.Ordinal)), " {2,}", " ").Trim();

    private static async Task<CliResult> RunWithSettingsAsync(Settings settings, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CliContext(stdout, stderr) { Settings = settings };
        var code = await ScraperCli.Build(context).Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }
}
