using System.CommandLine;
using Scraper.Sites;

namespace Scraper.Cli;

/// <summary><c>--rules FILE</c>, shared by every command that reads pages: the embedded site rules, with a file's rules added or overriding.</summary>
public static class SiteRulesOption
{
    public static Option<string?> Create() =>
        new("--rules") { Description = "A JSON file of site rules that adds or overrides sites (one rule object or an array)", HelpName = "FILE" };

    /// <summary>The rules in force; a file that cannot be read or is not rules JSON is a usage error.</summary>
    public static SiteCatalog Load(string? file)
    {
        if (file is null) return SiteCatalog.Default;
        try { return SiteCatalog.Default.WithRulesFile(file); }
        catch (InvalidDataException e) { throw new UsageException(e.Message); }
    }
}
