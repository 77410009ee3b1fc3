using Npgsql;

namespace Scraper.Bench;

/// <summary>
/// The PostgreSQL server the benchmarks of the PostgreSQL archive use: <c>SCRAPER_BENCH_PG</c>, the address of a
/// server where the user may create databases (<c>postgresql://user@host:port/postgres</c>); the benchmarks create and
/// drop their own databases on it. A throwaway one: see the README's Benchmarks section.
/// </summary>
public static class BenchPostgres
{
    public const string Variable = "SCRAPER_BENCH_PG";

    private static string Server => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } address
        ? address
        : throw new InvalidOperationException($"{Variable} is not set: the address of a PostgreSQL server the benchmarks may create databases on, e.g. postgresql://scraper@127.0.0.1:5432/postgres");

    /// <summary>The address of database <paramref name="name"/> on the server.</summary>
    public static string Database(string name) => Server[..(Server.LastIndexOf('/') + 1)] + name;

    public static bool Exists(string name) => (long)Scalar($"SELECT count(*) FROM pg_database WHERE datname = '{name}'")! == 1;

    /// <summary>Creates database <paramref name="name"/> (dropped first if it is there); returns its address.</summary>
    public static string NewDatabase(string name)
    {
        DropDatabase(name);
        Scalar($"CREATE DATABASE \"{name}\"");
        return Database(name);
    }

    public static void DropDatabase(string name) => Scalar($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");

    private static object? Scalar(string sql)
    {
        var uri = new Uri(Server);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Username = uri.UserInfo.Split(':')[0],
            Database = uri.AbsolutePath.Trim('/'),
            Pooling = false,
        };
        using var connection = new NpgsqlConnection(builder.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
