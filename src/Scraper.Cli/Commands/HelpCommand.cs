using System.CommandLine;

namespace Scraper.Cli.Commands;

/// <summary><c>scraper help [command]</c>: the same help as <c>scraper [command] --help</c>.</summary>
public static class HelpCommand
{
    public static Command Create(CliContext context, RootCommand root)
    {
        var names = new Argument<string[]>("command") { Description = "A command (or command and subcommand)", Arity = ArgumentArity.ZeroOrMore, HelpName = "COMMAND" };
        var command = new Command("help", "Show the help of scraper or of one of its commands.") { names };
        command.SetAction((parse, cancellationToken) =>
        {
            var words = parse.GetValue(names) ?? [];
            Command target = root;
            foreach (var word in words)
                target = target.Subcommands.FirstOrDefault(c => c.Name == word || c.Aliases.Contains(word))
                    ?? throw new UsageException($"no command '{string.Join(' ', words)}'; commands: {string.Join(", ", target.Subcommands.Select(c => c.Name))}");
            return root.Parse([.. words, "--help"]).InvokeAsync(new InvocationConfiguration { Output = context.Out, Error = context.Error }, cancellationToken);
        });
        return command;
    }
}
