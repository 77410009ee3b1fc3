using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Scraper.Cli;

/// <summary>
/// The settings a team fixes once, from a config file: <c>--config FILE</c>, else <c>scraper.toml</c> (or
/// <c>scraper.json</c>) in the archive's folder (that of <c>--db</c> or <c>$SCRAPER_DB</c>, else the current folder).
/// Each becomes the default of the options of that name; a flag on the command line wins, then the environment
/// variable, then the file, then the built-in default.
/// </summary>
public sealed class Settings
{
    public const string ConfigOption = "--config";
    public static readonly string[] FileNames = ["scraper.toml", "scraper.json"];

    /// <summary>A setting: its key in the file, the option it sets, the environment variable that outranks it, what applies without it.</summary>
    public sealed record Known(string Key, string Option, string? Environment, string BuiltIn, bool ValueIsNumber = false);

    public static IReadOnlyList<Known> All { get; } =
    [
        new("db", "--db", ArchiveLocation.EnvironmentVariable, "./" + ArchiveLocation.DefaultPath),
        new("user_agent", "--user-agent", null, "names the project and its URL"),
        new("delay", "--delay", null, "1000 ms between two requests to one host (0 with --mirror)", ValueIsNumber: true),
        new("site", "--site", null, "all (crawl: both sites)"),
        new("notify_url", "--notify", null, "none"),
    ];

    private readonly string[] _args;
    private readonly Func<string, string?> _environment;
    private readonly Lazy<ConfigFile?> _file;

    public Settings(string[] args, Func<string, string?>? environment = null)
    {
        _args = args;
        _environment = environment ?? System.Environment.GetEnvironmentVariable;
        _file = new Lazy<ConfigFile?>(Load);
    }

    /// <summary>The config file in force, or null; a file that cannot be read or parsed is a <see cref="UsageException"/>.</summary>
    public ConfigFile? File => _file.Value;

    public string? Environment(string name) => _environment(name);

    /// <summary>The value of a setting from the environment or the file, with where it came from; null when neither has it.</summary>
    public (string Value, string Source)? FromEnvironmentOrFile(Known setting)
    {
        if (setting.Environment is not null && _environment(setting.Environment) is { Length: > 0 } fromEnvironment)
            return (fromEnvironment, "environment " + setting.Environment);
        if (File?.Values.GetValueOrDefault(setting.Key) is { } fromFile)
            return (fromFile, "config " + File.Path);
        return null;
    }

    /// <summary>Makes the settings the defaults of the matching options of <paramref name="command"/>.</summary>
    public void ApplyDefaults(Command command)
    {
        foreach (var option in command.Options)
        {
            var setting = All.FirstOrDefault(s => s.Option == option.Name);
            if (setting is null) continue;
            // The site a crawl takes is a team's choice; a --site that filters what is shown is not.
            if (setting.Key == "site" && !(option.HasDefaultValue && option.GetDefaultValue() is "all")) continue;
            // The archive's path: the environment variable is read where the archive is opened (ArchiveLocation).
            var fromFileOnly = setting.Key == "db";
            switch (option)
            {
                case Option<string> text:
                    var previousText = text.DefaultValueFactory;
                    text.DefaultValueFactory = result => FileValue(setting, fromFileOnly) ?? previousText?.Invoke(result)!;
                    break;
                case Option<string[]> list:
                    var previousList = list.DefaultValueFactory;
                    list.DefaultValueFactory = result => FileValue(setting, fromFileOnly) is { } value ? [value] : previousList?.Invoke(result) ?? [];
                    break;
                case Option<int?> number:
                    var previousNumber = number.DefaultValueFactory;
                    number.DefaultValueFactory = result => FileValue(setting, fromFileOnly) is { } value
                        ? ParseNumber(setting, value) : previousNumber?.Invoke(result);
                    break;
                case Option<int> number:
                    var previous = number.DefaultValueFactory;
                    number.DefaultValueFactory = result => FileValue(setting, fromFileOnly) is { } value
                        ? ParseNumber(setting, value) : previous is null ? 0 : previous(result);
                    break;
            }
        }
    }

    private string? FileValue(Known setting, bool fromFileOnly)
    {
        if (fromFileOnly && setting.Environment is not null && _environment(setting.Environment) is { Length: > 0 })
            return null;
        return FromEnvironmentOrFile(setting)?.Value;
    }

    public static int ParseNumber(Known setting, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= 0
            ? number
            : throw new UsageException($"config: {setting.Key} = '{value}' is not a whole number of 0 or more");

    private ConfigFile? Load()
    {
        var given = OptionValue(ConfigOption);
        if (given is not null)
            return ConfigFile.Read(given);
        var db = OptionValue("--db") ?? OptionValue("-d") ?? _environment(ArchiveLocation.EnvironmentVariable);
        // A PostgreSQL archive has no folder: its config file is the current folder's.
        var folder = string.IsNullOrWhiteSpace(db) || Scraper.Archive.Postgres.PostgresAddress.IsPostgres(db) ? "." : Path.GetDirectoryName(Path.GetFullPath(db))!;
        foreach (var name in FileNames)
        {
            var path = Path.Combine(folder, name);
            if (System.IO.File.Exists(path)) return ConfigFile.Read(path);
        }
        return null;
    }

    /// <summary>The value given to an option on the command line (<c>--db x</c> or <c>--db=x</c>), read before parsing.</summary>
    private string? OptionValue(string name)
    {
        for (var i = 0; i < _args.Length; i++)
        {
            if (_args[i] == "--") break;
            if (_args[i] == name && i + 1 < _args.Length) return _args[i + 1];
            if (_args[i].StartsWith(name + "=", StringComparison.Ordinal)) return _args[i][(name.Length + 1)..];
        }
        return null;
    }
}

/// <summary>A config file's settings: TOML (<c>key = "value"</c>, numbers, # comments) or one JSON object.</summary>
public sealed record ConfigFile(string Path, IReadOnlyDictionary<string, string> Values)
{
    public static ConfigFile Read(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"config {path}: {(e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message)}");
        }
        var full = System.IO.Path.GetFullPath(path);
        var values = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ParseJson(full, text) : ParseToml(full, text);
        foreach (var key in values.Keys)
            if (Settings.All.All(s => s.Key != key))
                throw new UsageException($"config {full}: unknown setting '{key}' (known: {string.Join(", ", Settings.All.Select(s => s.Key))})");
        // A relative archive path is relative to the file, as a team's shared file means it.
        if (values.TryGetValue("db", out var db) && !System.IO.Path.IsPathRooted(db))
            values["db"] = System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!, db));
        foreach (var setting in Settings.All.Where(s => s.ValueIsNumber && values.ContainsKey(s.Key)))
            _ = Settings.ParseNumber(setting, values[setting.Key]);
        return new ConfigFile(full, values);
    }

    private static Dictionary<string, string> ParseToml(string path, string text)
    {
        var values = new Dictionary<string, string>();
        var lineNumber = 0;
        foreach (var raw in text.ReplaceLineEndings("\n").Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var equals = line.IndexOf('=');
            if (equals <= 0)
                throw new UsageException($"config {path}:{lineNumber}: expected key = value" + (line.StartsWith('[') ? " (tables are not used)" : ""));
            var key = line[..equals].Trim();
            var value = TomlValue(line[(equals + 1)..].Trim())
                ?? throw new UsageException($"config {path}:{lineNumber}: {key}'s value is not a quoted string or a number");
            if (!values.TryAdd(key, value))
                throw new UsageException($"config {path}:{lineNumber}: {key} is set twice");
        }
        return values;
    }

    /// <summary>A basic ("…", with \" \\ \t \n escapes) or literal ('…') string, or a bare number or boolean; a trailing comment is allowed.</summary>
    private static string? TomlValue(string text)
    {
        if (text.StartsWith('\''))
        {
            var end = text.IndexOf('\'', 1);
            return end > 0 && IsEndOfValue(text[(end + 1)..]) ? text[1..end] : null;
        }
        if (text.StartsWith('"'))
        {
            var value = new System.Text.StringBuilder();
            for (var i = 1; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '"') return IsEndOfValue(text[(i + 1)..]) ? value.ToString() : null;
                if (c == '\\' && i + 1 < text.Length)
                {
                    i++;
                    value.Append(text[i] switch { 'n' => '\n', 't' => '\t', '"' => '"', '\\' => '\\', _ => '\uFFFD' });
                    continue;
                }
                value.Append(c);
            }
            return null;
        }
        var hash = text.IndexOf('#');
        var bare = (hash >= 0 ? text[..hash] : text).Trim();
        return bare.Length > 0 && bare.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '+' or '_' or '.') ? bare.Replace("_", "") : null;
    }

    private static bool IsEndOfValue(string rest) => rest.Trim() is "" || rest.TrimStart().StartsWith('#');

    private static Dictionary<string, string> ParseJson(string path, string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new UsageException($"config {path}: expected one JSON object of settings");
            var values = new Dictionary<string, string>();
            foreach (var property in document.RootElement.EnumerateObject())
                values[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString()!,
                    JsonValueKind.Number => property.Value.GetRawText(),
                    _ => throw new UsageException($"config {path}: {property.Name}'s value is not a string or a number"),
                };
            return values;
        }
        catch (JsonException e)
        {
            throw new UsageException($"config {path}: not valid JSON: {e.Message}");
        }
    }
}
