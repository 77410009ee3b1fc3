using System.CommandLine;

namespace Scraper.Cli.Commands;

/// <summary><c>scraper completion bash|zsh|fish|powershell</c>: prints a completion script made from the command tree.</summary>
public static class CompletionCommand
{
    public static Command Create(CliContext context, RootCommand root)
    {
        var shell = new Argument<string>("shell") { Description = "The shell to complete in" };
        shell.AcceptOnlyFromAmong(CompletionScripts.Shells);
        var command = new Command("completion", "Print a shell completion script for scraper (commands, options, their values).") { shell };
        command.SetAction(parse =>
        {
            context.Out.Write(CompletionScripts.For(parse.GetValue(shell)!, root));
            return ExitCodes.Ok;
        });
        return command;
    }
}
