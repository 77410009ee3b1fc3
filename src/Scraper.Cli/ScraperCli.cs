using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using Scraper.Cli.Commands;

namespace Scraper.Cli;

/// <summary>Builds the command tree and runs it; used by <c>Program</c> and, in-process, by the tests.</summary>
public static class ScraperCli
{
    public const string ExitCodeHelp =
        "Exit codes: 0 ok, 1 partial (some inputs or URLs failed), 2 usage, 3 archive locked, 4 failed (nothing could be done).";

    /// <summary>For the commands that look one page up (show, history): 1 is the page or revision not being in the archive.</summary>
    public const string LookupExitCodeHelp =
        "Exit codes: 0 ok, 1 unknown page or revision, 2 usage, 3 archive locked, 4 failed (nothing could be done).";

    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand(
            "scraper: fetch, extract, archive, export and diff the English news of en.wuxi.gov.cn and wnd.gov.cn.")
        {
            // The program's name in help, whatever hosts it (the tests run it inside testhost).
            HelpName = "scraper",
        };
        // One line per command; each command lives in Commands/<Name>Command.cs.
        root.Add(ExtractCommand.Create(context));
        root.Add(ImportCommand.Create(context));
        root.Add(ListCommand.Create(context));
        root.Add(ShowCommand.Create(context));
        root.Add(HistoryCommand.Create(context));
        root.Add(SearchCommand.Create(context));
        root.Add(StatsCommand.Create(context));
        root.Add(ReextractCommand.Create(context));
        root.Add(CrawlCommand.Create(context));
        root.Add(DiffCommand.Create(context));
        root.Add(ExportCommand.Create(context));
        root.Add(CopyCommand.Create(context));
        root.Add(RunsCommand.Create(context));
        root.Add(ErrorsCommand.Create(context));
        root.Add(ChangesCommand.Create(context));
        root.Add(ReportCommand.Create(context));
        root.Add(RulesCommand.Create(context));
        root.Add(SectionsCommand.Create(context));
        root.Add(ConfigCommand.Create(context));
        root.Add(CompletionCommand.Create(context, root));
        root.Add(HelpCommand.Create(context, root));
        root.Add(new Option<string?>(Settings.ConfigOption)
        {
            Description = $"A config file of settings (default: {string.Join(" or ", Settings.FileNames)} in the archive's folder)",
            Recursive = true,
        });
        CommandConventions.Apply(root, context);
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var context = new CliContext(stdout, stderr) { Settings = new Settings(args) };
        var root = Build(context);
        ParseResult parse;
        try
        {
            // A config file that cannot be read is one line and exit 2 before anything runs.
            _ = context.Settings.File;
            parse = root.Parse(args);
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"scraper: {e.Message}");
            return ExitCodes.Usage;
        }
        var invocation = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false,
            // The crawl handles SIGINT/SIGTERM itself, to finish the page in flight and record the run.
            ProcessTerminationTimeout = null,
        };
        if (parse.Errors.Count == 0 && CommandConventions.UnknownOptionTakenAsArgument(parse) is { } unknown)
        {
            stderr.WriteLine($"scraper: {unknown}");
            stderr.WriteLine("Run 'scraper --help' for usage.");
            return ExitCodes.Usage;
        }
        if (parse.Errors.Count > 0)
        {
            // One line per error, then where to read more.
            foreach (var error in parse.Errors)
                stderr.WriteLine($"scraper: {Describe(error)}");
            // An unknown site's line already lists what is accepted.
            if (!parse.Errors.All(e => e.Message.StartsWith(CommandConventions.SiteOption + " '", StringComparison.Ordinal)))
                stderr.WriteLine("Run 'scraper --help' for usage.");
            return ExitCodes.Usage;
        }
        try
        {
            return await parse.InvokeAsync(invocation, cancellationToken);
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"scraper: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (CommandFailedException e)
        {
            stderr.WriteLine($"scraper: {e.Message}");
            return e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("scraper: cancelled");
            return 130;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("SCRAPER_DEBUG") != "1")
        {
            // A bug of ours still ends in one line; SCRAPER_DEBUG=1 lets the stack trace through.
            stderr.WriteLine($"scraper: internal error: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")} (set SCRAPER_DEBUG=1 for details)");
            return ExitCodes.Failed;
        }
    }

    /// <summary>
    /// A parse error as one line. A value that does not convert to an option's type is said in the user's terms:
    /// System.CommandLine names the .NET type instead ("as expected type 'System.Nullable`1[System.Int32]'").
    /// </summary>
    internal static string Describe(ParseError error)
    {
        var option = error.SymbolResult switch
        {
            OptionResult result => result.Option,
            ArgumentResult { Parent: OptionResult result } => result.Option,
            _ => null,
        };
        if (option is not null && error.SymbolResult!.Tokens is [var token]
            && ExpectedValue(Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType, token.Value) is { } expected)
            return $"option '{option.Name}' expects {expected}, not '{token.Value}'";
        // System.CommandLine lists the accepted values of an option on lines of their own.
        return string.Join(' ', error.Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>What an option of <paramref name="type"/> accepts, if <paramref name="text"/> is not such a value; otherwise null.</summary>
    private static string? ExpectedValue(Type type, string text)
    {
        if (type == typeof(bool))
            return bool.TryParse(text, out _) ? null : "true or false";
        (BigInteger Min, BigInteger Max)? range = type == typeof(int) ? (int.MinValue, int.MaxValue)
            : type == typeof(long) ? (long.MinValue, long.MaxValue)
            : null;
        if (range is not (var min, var max))
            return null;
        if (!BigInteger.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
            return "a whole number";
        return number < min || number > max ? $"a whole number from {min} to {max}" : null;
    }
}

/// <summary>What a command needs from its host: where to write, and standard input. Tests pass string writers and streams.</summary>
public sealed record CliContext(TextWriter Out, TextWriter Error)
{
    /// <summary>Opens standard input (<c>extract -</c>, <c>--input-file -</c>).</summary>
    public Func<Stream> OpenInput { get; init; } = Console.OpenStandardInput;

    /// <summary>The settings of the config file and environment, which become the options' defaults.</summary>
    public Settings Settings { get; init; } = new([]);
}

/// <summary>A bad combination of arguments found after parsing; exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>A command that cannot go on; the message is printed as one line.</summary>
public sealed class CommandFailedException(string message, int exitCode = ExitCodes.Failed) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
