using System.CommandLine;
using Scraper.Cli;
using Scraper.Tests.Support;

namespace Scraper.Tests.Cli;

/// <summary>A value an option cannot take is one line in the user's terms, exit 2: never a .NET type name.</summary>
public sealed class OptionValueTests
{
    [Theory]
    [InlineData("option '--revision' expects a whole number, not 'abc'", "show", "7", "--revision", "abc")]
    [InlineData("option '--from' expects a whole number, not 'abc'", "diff", "x", "--from", "abc")]
    [InlineData("option '--to' expects a whole number, not '2.5'", "diff", "x", "--to", "2.5")]
    [InlineData("option '--run' expects a whole number, not 'latest'", "errors", "--run", "latest")]
    [InlineData("option '--limit' expects a whole number, not 'ten'", "search", "investment", "--limit", "ten")]
    [InlineData("option '--last' expects a whole number from -2147483648 to 2147483647, not '3000000000'", "runs", "--last", "3000000000")]
    [InlineData("option '--max-pages' expects a whole number, not '1e3'", "crawl", "--max-pages", "1e3")]
    public async Task A_bad_number_is_one_line_naming_the_option_and_the_value(string message, params string[] args)
    {
        var result = await CliRunner.RunAsync(args);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal("", result.Out);
        var lines = result.Error.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal(["scraper: " + message, "Run 'scraper --help' for usage."], lines);
    }

    /// <summary>Every whole-number option of every command, so a new one cannot bring the type names back.</summary>
    public static TheoryData<string, string> WholeNumberOptions()
    {
        var options = new TheoryData<string, string>();
        foreach (var command in ScraperCli.Build(new CliContext(TextWriter.Null, TextWriter.Null)).Subcommands)
            foreach (var option in command.Options)
                if ((Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType) is var type && (type == typeof(int) || type == typeof(long)))
                    options.Add(command.Name, option.Name);
        Assert.True(options.Count >= 9, $"found only {options.Count} whole-number options");
        return options;
    }

    [Theory]
    [MemberData(nameof(WholeNumberOptions))]
    public async Task Every_whole_number_option_says_what_it_expects(string command, string option)
    {
        var root = ScraperCli.Build(new CliContext(TextWriter.Null, TextWriter.Null));
        var arguments = root.Subcommands.Single(c => c.Name == command).Arguments.Select(_ => "x");
        var result = await CliRunner.RunAsync([command, .. arguments, option, "abc"]);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains($"scraper: option '{option}' expects a whole number, not 'abc'\n", result.Error.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("System.", result.Error);
        Assert.DoesNotContain("expected type", result.Error);
    }
}
