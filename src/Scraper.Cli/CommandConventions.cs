using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Invocation;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using Scraper.Sites;

namespace Scraper.Cli;

/// <summary>
/// The conventions every command follows, applied to the whole command tree in one place (so a command file only
/// declares its options): short aliases for the common options, typed placeholders, each default said once,
/// <c>--site</c> checked against the known sites, settings from the config file as defaults, and help that ends with
/// the command's examples and exit codes (<see cref="CommandHelp"/>).
/// </summary>
public static class CommandConventions
{
    /// <summary>Short forms of the common options: the same letter means the same option in every command.</summary>
    public static IReadOnlyDictionary<string, string> ShortAliases { get; } = new Dictionary<string, string>
    {
        ["--out"] = "-o", ["--format"] = "-f", ["--quiet"] = "-q", ["--db"] = "-d", ["--input-file"] = "-i", ["--jobs"] = "-j",
    };

    /// <summary>What an option's value is, in help and usage lines (<c>--delay &lt;MS&gt;</c>), where the command did not say.</summary>
    private static readonly Dictionary<string, string> Placeholders = new()
    {
        ["--db"] = "PATH", ["--site"] = "SITE", ["--since"] = "DATE", ["--until"] = "DATE", ["--changed-since"] = "DATE",
        ["--delay"] = "MS", ["--limit"] = "N", ["--last"] = "N", ["--run"] = "N", ["--revision"] = "N", ["--from"] = "REV",
        ["--to"] = "REV", ["--max-pages"] = "N", ["--concurrency"] = "N", ["--out"] = "FILE", ["--url"] = "URL",
        ["--rules"] = "FILE", ["--user-agent"] = "UA", ["--start"] = "URL", ["--mirror"] = "DIR", ["--sections"] = "NAMES",
        ["--config"] = "FILE", ["--every"] = "DURATION", ["--notify"] = "URL", ["--log-file"] = "FILE",
    };

    /// <summary>The option of every command that names a site family; the value must be one of the known sites.</summary>
    public const string SiteOption = "--site";

    public static void Apply(RootCommand root, CliContext context)
    {
        foreach (var (command, path) in Walk(root, ""))
        {
            command.Description = WithoutGenericExitCodes(command.Description);
            foreach (var option in command.Options)
            {
                if (option is HelpOption or VersionOption) continue;
                if (ShortAliases.TryGetValue(option.Name, out var alias) && !command.Options.Any(o => o.Aliases.Contains(alias)))
                    option.Aliases.Add(alias);
                if (option.HelpName is null && option.ValueType != typeof(bool) && !HasFixedValues(option))
                    option.HelpName = Placeholders.GetValueOrDefault(option.Name) ?? option.Name.TrimStart('-').ToUpperInvariant();
                if (option.Name == SiteOption && path != "config show")
                    CheckSites(command, option);
            }
            if (path != "config show")
                context.Settings.ApplyDefaults(command);
        }
        foreach (var option in root.Options.OfType<HelpOption>())
            option.Action = new HelpWithExamples(root, option, option.Action!);
    }

    /// <summary>
    /// A word that looks like an option but is no option of the command (<c>import --format json FILE</c>) would be
    /// taken as an argument (a file named "--format"): it is a usage error instead. A file whose name starts with
    /// <c>-</c> goes after <c>--</c>. Returns the error, or null.
    /// </summary>
    public static string? UnknownOptionTakenAsArgument(ParseResult parse)
    {
        var tokens = parse.Tokens.ToList();
        var dashDash = tokens.FindIndex(t => t.Type == TokenType.DoubleDash);
        var literal = dashDash < 0 ? [] : tokens.Skip(dashDash + 1).ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var argument in parse.CommandResult.Children.OfType<ArgumentResult>())
            foreach (var token in argument.Tokens)
                if (token.Value.Length > 1 && token.Value[0] == '-' && !double.TryParse(token.Value, out _) && !literal.Contains(token))
                    return $"unknown option '{token.Value}' for '{("scraper " + PathOf(parse.CommandResult.Command)).Trim()}' "
                        + "(a file whose name starts with - goes after --)";
        return null;
    }

    /// <summary>Every command with its path from the root (<c>""</c>, <c>"list"</c>, <c>"config show"</c>).</summary>
    public static IEnumerable<(Command Command, string Path)> Walk(Command command, string path)
    {
        yield return (command, path);
        foreach (var sub in command.Subcommands)
            foreach (var inner in Walk(sub, path.Length == 0 ? sub.Name : path + " " + sub.Name))
                yield return inner;
    }

    public static string PathOf(Command command)
    {
        var names = new List<string>();
        for (var c = command; c is not null and not RootCommand; c = c.Parents.OfType<Command>().FirstOrDefault())
            names.Insert(0, c.Name);
        return string.Join(' ', names);
    }

    /// <summary>The values an option accepts when it accepts only some (<c>AcceptOnlyFromAmong</c>, the known sites).</summary>
    public static IReadOnlyList<string> FixedValues(Option option) =>
        option.ValueType == typeof(bool) ? [] : [.. option.GetCompletions(CompletionContext.Empty).Select(c => c.Label)];

    private static bool HasFixedValues(Option option) => option.Name != SiteOption && FixedValues(option).Count > 0;

    /// <summary>
    /// Commands used to end their description with one generic exit-code sentence; the command's own list (in help's
    /// last section) replaces it.
    /// </summary>
    private static string? WithoutGenericExitCodes(string? description)
    {
        if (description is null) return null;
        var at = description.IndexOf("Exit codes:", StringComparison.Ordinal);
        return at < 0 ? description : description[..at].TrimEnd();
    }

    /// <summary>
    /// <c>--site bogus</c> is a usage error naming the known sites, in every command: a filter naming no site would
    /// otherwise match nothing, silently. With <c>--rules FILE</c>, the sites it adds are known too; a command whose
    /// default is <c>all</c> (crawl) accepts <c>all</c>.
    /// </summary>
    private static void CheckSites(Command command, Option option)
    {
        option.HelpName = "SITE";
        option.Validators.Clear();
        option.CompletionSources.Clear();
        var acceptsAll = option.HasDefaultValue && option.GetDefaultValue() is "all";
        option.CompletionSources.Add(_ => [.. SiteCatalog.Default.Rules.Select(r => r.Site), .. acceptsAll ? new[] { "all" } : []]);
        var rules = command.Options.FirstOrDefault(o => o.Name == "--rules");
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0) return;
            var value = result.Tokens[^1].Value;
            if (acceptsAll && value == "all") return;
            var sites = SiteCatalog.Default;
            if (rules is not null && result.Parent is CommandResult parent && parent.GetValue<string?>(rules.Name) is string rulesFile)
            {
                try { sites = sites.WithRulesFile(rulesFile); }
                catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException) { return; } // the command says what is wrong with the file
            }
            if (sites.Find(value) is null)
                result.AddError($"{SiteOption} '{value}' is not a known site; known sites: "
                    + string.Join(", ", sites.Rules.Select(r => r.Site).Concat(acceptsAll ? ["all"] : [])));
        });
    }

    /// <summary>
    /// System.CommandLine's help, then the command's examples and exit codes. A description that already says the
    /// default (it depends on other options, or reads better in words) loses System.CommandLine's "[default: …]".
    /// </summary>
    private sealed class HelpWithExamples(RootCommand root, HelpOption option, CommandLineAction standard) : SynchronousCommandLineAction
    {
        /// <summary>As System.CommandLine's help: <c>show --help</c> is help, not a missing argument.</summary>
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var command = parseResult.CommandResult.Command;
            // System.CommandLine's own help, written to a string: its help writer is not public, its help action is.
            var text = new StringWriter();
            option.Action = standard;
            try
            {
                var path = PathOf(command);
                root.Parse([.. path.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"])
                    .Invoke(new InvocationConfiguration { Output = text, Error = text });
            }
            finally
            {
                option.Action = this;
            }
            var output = parseResult.InvocationConfiguration.Output;
            foreach (var line in text.ToString().ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'))
                output.WriteLine(SaidOnce(line));
            if (!CommandHelp.Entries.TryGetValue(PathOf(command), out var entry))
                return 0;
            output.WriteLine();
            output.WriteLine("Examples:");
            foreach (var example in entry.Examples)
                output.WriteLine("  " + example);
            output.WriteLine();
            output.WriteLine("Exit codes:");
            foreach (var (code, meaning) in entry.ExitCodes)
                output.WriteLine($"  {code} {meaning}");
            return 0;
        }

        private static string SaidOnce(string line)
        {
            var at = line.LastIndexOf(" [default: ", StringComparison.Ordinal);
            return at > 0 && line[..at].Contains("default", StringComparison.OrdinalIgnoreCase) ? line[..at] : line;
        }
    }
}
