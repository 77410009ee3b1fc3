using System.Reflection;

namespace Scraper.Cli;

/// <summary>The version of this build, as files it writes name their generator (WARC's warcinfo, the Atom feed).</summary>
public static class ScraperVersion
{
    /// <summary>The package version without the source revision: <c>0.1.0</c>.</summary>
    public static string Number
    {
        get
        {
            var version = typeof(ScraperVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";
            var plus = version.IndexOf('+');
            return plus < 0 ? version : version[..plus];
        }
    }

    /// <summary><c>scraper 0.1.0</c>.</summary>
    public static string Software => "scraper " + Number;
}
