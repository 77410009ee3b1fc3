using System.Globalization;
using System.Text.RegularExpressions;

namespace Scraper.Archive.Postgres;

/// <summary>
/// The PostgreSQL schema embedded from <c>archive-schema.postgres.sql</c> beside this file: the same tables and columns
/// as the SQLite schema (<see cref="Sqlite.ArchiveSchema"/>), at the same version, which the file declares in its
/// <c>archive_schema</c> row.
/// </summary>
public static partial class PostgresSchema
{
    public static string Sql { get; } = LoadEmbeddedSchema();

    /// <summary>The schema version the file describes.</summary>
    public static int Version { get; } = int.Parse(VersionRow().Match(Sql).Groups[1].Value, CultureInfo.InvariantCulture);

    /// <summary>
    /// The upgrade from each version to the next, as <see cref="Sqlite.ArchiveSchema.Migrations"/> (each step ends by
    /// setting <c>archive_schema.version</c>). Empty so far: version 5 is the first schema on PostgreSQL.
    /// </summary>
    public static IReadOnlyDictionary<int, string> Migrations { get; } = new Dictionary<int, string>();

    /// <summary>The tables only PostgreSQL has: the schema's own marker (SQLite keeps it in PRAGMAs).</summary>
    public static IReadOnlyList<string> EngineTables { get; } = ["archive_schema"];

    private static string LoadEmbeddedSchema()
    {
        using var stream = typeof(PostgresSchema).Assembly.GetManifestResourceStream("Scraper.Archive.archive-schema.postgres.sql")
            ?? throw new InvalidOperationException("archive-schema.postgres.sql is not embedded in this build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^\s*INSERT\s+INTO\s+archive_schema\s*\(application,\s*version\)\s*VALUES\s*\('scraper',\s*(\d+)\)\s*;", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex VersionRow();
}
