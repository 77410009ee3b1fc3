using System.CommandLine;
using System.CommandLine.Help;
using System.Text;

namespace Scraper.Cli;

/// <summary>
/// Completion scripts for bash, zsh, fish and PowerShell, written from the command tree: every command path with its
/// subcommands and options, and the values of options that take one of a fixed set (formats, sites). Static scripts:
/// completing never starts the scraper. zsh uses the bash script through its bashcompinit.
/// </summary>
public static class CompletionScripts
{
    public static readonly string[] Shells = ["bash", "zsh", "fish", "powershell"];

    private sealed record Node(string Path, string Description, IReadOnlyList<string> Subcommands, IReadOnlyList<OptionInfo> Options, IReadOnlyList<string> ArgumentValues);

    private sealed record OptionInfo(string Name, IReadOnlyList<string> Aliases, string Description, bool TakesValue, IReadOnlyList<string> Values);

    public static string For(string shell, RootCommand root) => shell switch
    {
        "bash" => Bash(Nodes(root)),
        "zsh" => "#compdef scraper\n# scraper's completion for zsh, through zsh's bash-completion support.\nautoload -U +X bashcompinit && bashcompinit\n"
                 + Bash(Nodes(root)),
        "fish" => Fish(Nodes(root)),
        "powershell" => PowerShell(Nodes(root)),
        _ => throw new UsageException($"no completion for shell '{shell}' (use {string.Join(", ", Shells)})"),
    };

    private static List<Node> Nodes(RootCommand root) =>
        [.. CommandConventions.Walk(root, "").Select(entry => new Node(
            entry.Path,
            FirstLine(entry.Command.Description),
            [.. entry.Command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name)],
            [.. entry.Command.Options.Concat(Recursive(entry.Command)).Where(o => !o.Hidden).DistinctBy(o => o.Name).Select(o => new OptionInfo(
                o.Name,
                [.. o.Aliases.Where(a => a != o.Name)],
                FirstLine(o.Description),
                o is not HelpOption and not VersionOption && o.ValueType != typeof(bool),
                CommandConventions.FixedValues(o)))],
            [.. entry.Command.Arguments.SelectMany(a => a.GetCompletions(System.CommandLine.Completions.CompletionContext.Empty)).Select(c => c.Label)]))];

    /// <summary>Options declared on an ancestor for every command below it (--help, --config).</summary>
    private static IEnumerable<Option> Recursive(Command command) =>
        command.Parents.OfType<Command>().SelectMany(p => p.Options.Concat(Recursive(p))).Where(o => o.Recursive);

    private static string FirstLine(string? text) => (text ?? "").Split('\n')[0].Trim();

    private static string Words(IEnumerable<string> words) => string.Join(' ', words);

    private static string Bash(List<Node> nodes)
    {
        var s = new StringBuilder();
        s.Append("""
            # scraper's completion for bash: eval "$(scraper completion bash)", or save it as
            # ~/.local/share/bash-completion/completions/scraper
            _scraper() {
                local cur prev path word i children opts values
                cur="${COMP_WORDS[COMP_CWORD]}"
                prev="${COMP_WORDS[COMP_CWORD-1]}"
                path=""
                for ((i = 1; i < COMP_CWORD; i++)); do
                    word="${COMP_WORDS[i]}"
                    [[ $word == -* ]] && continue
                    _scraper_children "$path"
                    [[ " $children " == *" $word "* ]] && path="${path:+$path }$word"
                done
                _scraper_children "$path"
                _scraper_options "$path"
                values=""
                if _scraper_values "$path" "$prev"; then
                    if [[ -n $values ]]; then
                        COMPREPLY=($(compgen -W "$values" -- "$cur"))
                    else
                        COMPREPLY=($(compgen -f -- "$cur"))
                    fi
                    return 0
                fi
                if [[ $cur == -* ]]; then
                    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
                elif [[ -n $children ]]; then
                    COMPREPLY=($(compgen -W "$children" -- "$cur"))
                elif _scraper_arguments "$path"; then
                    COMPREPLY=($(compgen -W "$values" -- "$cur"))
                else
                    COMPREPLY=($(compgen -f -- "$cur"))
                fi
                return 0
            }

            """);
        s.Append("_scraper_children() {\n    case \"$1\" in\n");
        foreach (var node in nodes)
            s.Append($"        '{node.Path}') children='{Words(node.Subcommands)}' ;;\n");
        s.Append("        *) children='' ;;\n    esac\n}\n");
        s.Append("_scraper_options() {\n    case \"$1\" in\n");
        foreach (var node in nodes)
            s.Append($"        '{node.Path}') opts='{Words(node.Options.SelectMany(o => o.Aliases.Prepend(o.Name)))}' ;;\n");
        s.Append("        *) opts='' ;;\n    esac\n}\n");
        s.Append("# Succeeds when the option before the cursor takes a value; sets values to its choices (none: file names).\n");
        s.Append("_scraper_values() {\n    case \"$1|$2\" in\n");
        foreach (var node in nodes)
            foreach (var option in node.Options.Where(o => o.TakesValue))
                s.Append($"        {string.Join('|', option.Aliases.Prepend(option.Name).Select(n => $"'{node.Path}|{n}'"))}) values='{Words(option.Values)}'; return 0 ;;\n");
        s.Append("    esac\n    return 1\n}\n");
        s.Append("# Succeeds when the command's arguments take one of a fixed set; sets values to it.\n");
        s.Append("_scraper_arguments() {\n    case \"$1\" in\n");
        foreach (var node in nodes.Where(n => n.ArgumentValues.Count > 0))
            s.Append($"        '{node.Path}') values='{Words(node.ArgumentValues)}'; return 0 ;;\n");
        s.Append("    esac\n    return 1\n}\n");
        s.Append("complete -o default -o bashdefault -F _scraper scraper\n");
        return s.ToString();
    }

    private static string Fish(List<Node> nodes)
    {
        var s = new StringBuilder("# scraper's completion for fish: scraper completion fish > ~/.config/fish/completions/scraper.fish\n");
        s.Append("complete -c scraper -f\n");
        s.Append("function __scraper_path\n    set -l words (commandline -opc)\n    set -l path\n    for word in $words[2..-1]\n"
                 + "        string match -q -- '-*' $word; and continue\n        set -l candidate (string join ' ' $path $word)\n"
                 + "        contains -- $candidate $__scraper_paths; and set path $path $word\n    end\n    string join ' ' $path\nend\n");
        s.Append("set -g __scraper_paths " + string.Join(' ', nodes.Where(n => n.Path.Length > 0).Select(n => Quote(n.Path, '\''))) + "\n");
        foreach (var node in nodes)
        {
            var condition = $"-n '[ \"(__scraper_path)\" = \"{node.Path}\" ]'";
            if (node.ArgumentValues.Count > 0)
                s.Append($"complete -c scraper {condition} -a {Quote(Words(node.ArgumentValues), '\'')}\n");
            foreach (var sub in nodes.Where(n => n.Path.Length > 0 && Parent(n.Path) == node.Path))
                s.Append($"complete -c scraper {condition} -a {Quote(sub.Path.Split(' ')[^1], '\'')} -d {Quote(sub.Description, '\'')}\n");
            foreach (var option in node.Options)
            {
                s.Append($"complete -c scraper {condition} -l {option.Name.TrimStart('-')}");
                foreach (var alias in option.Aliases.Where(a => a.Length == 2))
                    s.Append($" -s {alias[1]}");
                if (option.TakesValue)
                    s.Append(option.Values.Count > 0 ? $" -x -a {Quote(Words(option.Values), '\'')}" : " -r -F");
                s.Append($" -d {Quote(option.Description, '\'')}\n");
            }
        }
        return s.ToString();
    }

    private static string PowerShell(List<Node> nodes)
    {
        var s = new StringBuilder("# scraper's completion for PowerShell: scraper completion powershell | Out-String | Invoke-Expression\n");
        s.Append("$__scraperTree = @{\n");
        foreach (var node in nodes)
            s.Append($"    {Quote(node.Path, '\'')} = @({string.Join(", ", node.Subcommands.Concat(node.ArgumentValues).Concat(node.Options.SelectMany(o => o.Aliases.Prepend(o.Name))).Select(w => Quote(w, '\'')))})\n");
        s.Append("}\n$__scraperValues = @{\n");
        foreach (var node in nodes)
            foreach (var option in node.Options.Where(o => o.Values.Count > 0))
                foreach (var name in option.Aliases.Prepend(option.Name))
                    s.Append($"    {Quote(node.Path + "|" + name, '\'')} = @({string.Join(", ", option.Values.Select(v => Quote(v, '\'')))})\n");
        s.Append("""
            }
            Register-ArgumentCompleter -Native -CommandName scraper -ScriptBlock {
                param($wordToComplete, $commandAst, $cursorPosition)
                $words = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() })
                if ($wordToComplete -ne '' -and $words.Count -gt 0) { $words = $words[0..($words.Count - 2)] }
                $path = ''
                $previous = ''
                foreach ($word in $words) {
                    $candidate = if ($path) { "$path $word" } else { $word }
                    if (-not $word.StartsWith('-') -and $__scraperTree.ContainsKey($candidate)) { $path = $candidate }
                    $previous = $word
                }
                $choices = $__scraperValues["$path|$previous"]
                if (-not $choices) { $choices = $__scraperTree[$path] }
                $choices | Where-Object { $_ -like "$wordToComplete*" } |
                    ForEach-Object { [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_) }
            }

            """);
        return s.ToString();
    }

    private static string Parent(string path) => path.Contains(' ') ? path[..path.LastIndexOf(' ')] : "";

    /// <summary>A single-quoted word for fish and PowerShell; an apostrophe inside becomes a typographic one.</summary>
    private static string Quote(string text, char quote) => $"{quote}{text.Replace(quote, '\u2019')}{quote}";
}
