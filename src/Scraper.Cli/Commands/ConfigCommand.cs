using Scraper.Archive.Postgres;
using System.CommandLine;

namespace Scraper.Cli.Commands;

/// <summary><c>scraper config show</c>: the effective settings and where each came from.</summary>
public static class ConfigCommand
{
    public static Command Create(CliContext context)
    {
        var show = new Command("show", "Print the effective settings (db, user agent, delay, site, notify URL) and where each came from: "
            + "flag, environment, config file or built-in default.");
        var flags = Settings.All.ToDictionary(s => s.Key, s => new Option<string?>(s.Option) { Description = $"As the commands' {s.Option}" });
        foreach (var flag in flags.Values) show.Add(flag);
        show.SetAction(parse =>
        {
            var settings = context.Settings;
            var file = settings.File;
            var table = new TextTable("SETTING", "VALUE", "FROM");
            foreach (var setting in Settings.All)
            {
                var (value, source) = parse.GetValue(flags[setting.Key]) is { } flag ? (flag, "flag " + setting.Option)
                    : settings.FromEnvironmentOrFile(setting) ?? ("-", "built-in: " + setting.BuiltIn);
                if (setting.Key == "db" && value != "-") value = PostgresAddress.IsPostgres(value) ? ArchiveLocation.Display(value) : Path.GetFullPath(value);
                table.Add(setting.Key, value, source);
            }
            context.Out.Write(table.Render());
            context.Out.WriteLine(file is null
                ? $"No config file: none given with --config, and no {string.Join(" or ", Settings.FileNames)} in the archive's folder."
                : $"Config file: {file.Path}");
            return ExitCodes.Ok;
        });
        var command = new Command("config", "Settings a team fixes once, in scraper.toml beside the archive or --config FILE.") { show };
        return command;
    }
}
