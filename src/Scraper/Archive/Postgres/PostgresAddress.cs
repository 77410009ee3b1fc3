using System.Globalization;
using Npgsql;

namespace Scraper.Archive.Postgres;

/// <summary>
/// A PostgreSQL archive as the user names it: <c>postgresql://user[:password]@host[:port]/dbname[?sslmode=…]</c> (or
/// <c>postgres://</c>), libpq's URI form. What the URI leaves out comes from libpq's environment as psql takes it
/// (<c>PGUSER</c>, <c>PGPASSWORD</c>, <c>~/.pgpass</c> or <c>PGPASSFILE</c>, <c>PGSSLMODE</c>…), which Npgsql reads.
/// <see cref="Display"/> is the address without its password: the only form messages, logs and <c>stats</c> show.
/// </summary>
public sealed record PostgresAddress(string Host, int Port, string? User, string? Password, string Database, string? SslMode, int ConnectTimeoutSeconds)
{
    public const int DefaultPort = 5432;

    /// <summary>The address as shown to the user: never the password.</summary>
    public string Display => $"postgresql://{(User is null ? "" : Uri.EscapeDataString(User) + "@")}{HostForUri}{(Port == DefaultPort ? "" : ":" + Port.ToString(CultureInfo.InvariantCulture))}/{Uri.EscapeDataString(Database)}";

    private string HostForUri => Host.Contains(':') && !Host.StartsWith('[') ? $"[{Host}]" : Host;

    /// <summary>Whether <paramref name="location"/> names a PostgreSQL database rather than an SQLite file.</summary>
    public static bool IsPostgres(string? location) =>
        location is not null
        && (location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads the URI; a malformed one is <see cref="ArchiveFailure.BadPath"/> (a usage error), the password never repeated.</summary>
    public static PostgresAddress Parse(string location)
    {
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || uri.Host.Length == 0 && !HasHostParameter(uri))
            throw Bad(location, "it is not postgresql://user[:password]@host[:port]/dbname[?sslmode=…]");
        string? user = null, password = null;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':');
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            if (user.Length == 0) user = null;
        }
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0 || database.Contains('/'))
            throw Bad(location, "it names no database (postgresql://user@host/dbname)");
        var host = uri.Host.Trim('[', ']');
        string? sslMode = null;
        var connectTimeout = 10;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = Uri.UnescapeDataString(equals < 0 ? "" : pair[(equals + 1)..]);
            switch (name)
            {
                case "sslmode":
                    if (!Enum.TryParse<SslMode>(value.Replace("-", ""), ignoreCase: true, out _))
                        throw Bad(location, $"sslmode={value} is not one of disable, allow, prefer, require, verify-ca, verify-full");
                    sslMode = value;
                    break;
                case "connect_timeout":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out connectTimeout) || connectTimeout < 1)
                        throw Bad(location, $"connect_timeout={value} is not a number of seconds");
                    break;
                case "host":
                    host = value;
                    break;
                case "user":
                    user = value;
                    break;
                case "password":
                    password = value;
                    break;
                default:
                    throw Bad(location, $"unknown parameter {name} (known: sslmode, connect_timeout, host, user, password)");
            }
        }
        return new PostgresAddress(host, uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port, user, password, database, sslMode, connectTimeout);
    }

    private static bool HasHostParameter(Uri uri) => uri.Query.Contains("host=", StringComparison.Ordinal);

    /// <summary>The message names the address without its password (a URI that does not parse is not repeated at all).</summary>
    private static ArchiveException Bad(string location, string why)
    {
        var shown = Uri.TryCreate(location, UriKind.Absolute, out var uri) && uri.UserInfo.Contains(':')
            ? location.Replace(uri.UserInfo, uri.UserInfo[..uri.UserInfo.IndexOf(':')] + ":***", StringComparison.Ordinal)
            : location.Contains('@') ? "the PostgreSQL address given" : location;
        return new ArchiveException(ArchiveFailure.BadPath, $"{shown} is not a usable PostgreSQL address: {why}");
    }

    /// <summary>
    /// Npgsql's settings. No pooling: the connection closes when the store does, and with it its session's advisory
    /// locks (a crawl's lock, its run's). A password left out of the URI is Npgsql's to find (PGPASSWORD, the passfile).
    /// </summary>
    internal string ConnectionString(string applicationName)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Database = Database,
            Pooling = false,
            Timeout = ConnectTimeoutSeconds,
            // Long statements are a copy's or a migration's; a hung server is the connection's keepalive's to find.
            CommandTimeout = 600,
            KeepAlive = 30,
            ApplicationName = applicationName,
            // The roles run the same statements page after page: prepared once per connection, as SQLite's are
            // (ArchiveDatabase.Command sets a reused command's parameter values in place, which a prepared one binds).
            MaxAutoPrepare = 128,
            AutoPrepareMinUsages = 2,
        };
        if (User is not null) builder.Username = User;
        if (Password is not null) builder.Password = Password;
        if (SslMode is not null) builder.SslMode = Enum.Parse<SslMode>(SslMode.Replace("-", ""), ignoreCase: true);
        return builder.ConnectionString;
    }
}
