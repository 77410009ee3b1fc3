using System.Diagnostics;
using System.Text.RegularExpressions;
using Scraper.Cli;
using Scraper.Tests.Support;

namespace Scraper.Tests.Cli;

/// <summary>The README's crontab lines and systemd units work as written: their scraper commands parse, the units verify.</summary>
public sealed partial class ReadmeScheduleTests
{
    private const string SystemdAnalyze = "/usr/bin/systemd-analyze";
    private const string ToolPath = "/opt/scraper/scraper";

    private static readonly string Readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));

    [GeneratedRegex(@"```crontab\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CrontabBlock();

    [GeneratedRegex(@"`(scraper-crawl\.(?:service|timer))`:\n\n```ini\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex UnitBlock();

    /// <summary>The scraper arguments of every command the README schedules.</summary>
    public static TheoryData<string, string> ScheduledCommands()
    {
        var commands = new TheoryData<string, string>();
        var crontab = CrontabBlock().Match(Readme);
        Assert.True(crontab.Success, "README has no crontab block");
        foreach (var line in crontab.Groups[1].Value.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#') && !l.Contains('=')))
        {
            // Five time fields, then the command: the tool's path, its arguments, then the shell's redirections.
            var command = Regex.Split(line.Trim(), @"\s+").Skip(5).ToList();
            Assert.EndsWith("/scraper", command[0]);
            commands.Add("crontab", string.Join(' ', command.Skip(1).TakeWhile(a => !a.StartsWith(">>") && !a.StartsWith("2>"))));
        }
        foreach (Match mail in Regex.Matches(Readme, @"`0 7 \* \* \* \$HOME/\.dotnet/tools/scraper ([^`]+)`"))
            commands.Add("daily report", mail.Groups[1].Value);
        foreach (Match unit in UnitBlock().Matches(Readme))
            foreach (Match exec in Regex.Matches(unit.Groups[2].Value, @"^ExecStart=(\S+) (.*)$", RegexOptions.Multiline))
            {
                Assert.Equal(ToolPath, exec.Groups[1].Value);
                commands.Add(unit.Groups[1].Value, exec.Groups[2].Value);
            }
        Assert.True(commands.Count >= 3, "expected the crontab line, the daily report and the service's ExecStart");
        return commands;
    }

    [Theory]
    [MemberData(nameof(ScheduledCommands))]
    public void Every_scheduled_command_parses(string origin, string arguments)
    {
        var root = ScraperCli.Build(new CliContext(TextWriter.Null, TextWriter.Null));
        var parse = root.Parse(arguments.Split(' '));
        Assert.True(parse.Errors.Count == 0, $"{origin}: scraper {arguments}: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
    }

    [RequiresFileFact(SystemdAnalyze)]
    public async Task The_systemd_units_verify()
    {
        using var temp = new TempFolder();
        var units = UnitBlock().Matches(Readme).ToList();
        Assert.Equal(2, units.Count);
        var paths = new List<string>();
        foreach (var unit in units)
            // The tool is not installed here; verify checks that ExecStart names an executable, so point it at one.
            paths.Add(temp.Write(unit.Groups[1].Value, unit.Groups[2].Value.Replace(ToolPath, "/bin/true")));
        var info = new ProcessStartInfo(SystemdAnalyze) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("verify");
        info.ArgumentList.Add("--man=no");
        foreach (var path in paths) info.ArgumentList.Add(path);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await stdout + await stderr);
        Assert.Equal("", (await stderr).Trim());
    }
}
