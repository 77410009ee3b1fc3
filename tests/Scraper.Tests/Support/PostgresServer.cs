using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;

namespace Scraper.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL server for a test: <c>initdb</c> in a temporary folder (C locale, UTF-8, trust on 127.0.0.1),
/// started with <c>pg_ctl</c> on a free port of 127.0.0.1 (its Unix socket in the same folder), stopped and removed on
/// dispose. PostgreSQL refuses to run as root, so where the tests run as root (these machines, CI) the server runs as
/// nobody through <c>setpriv</c>, as <see cref="UnprivilegedCli"/> does; the client (<c>psql</c>) runs as the test.
/// The binaries come from <c>SCRAPER_PG_BIN</c>, else PATH, else Debian's <c>/usr/lib/postgresql/N/bin</c> (newest).
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class PostgresServer : IAsyncDisposable
{
    public const string User = "scraper";
    public const string Install = "apt-get install postgresql, or set SCRAPER_PG_BIN to the folder of initdb and pg_ctl";

    private readonly TempFolder folder;
    private readonly string bin;
    private readonly bool asNobody;

    private PostgresServer(TempFolder folder, string bin, bool asNobody, int port, string? password)
    {
        this.folder = folder;
        this.bin = bin;
        this.asNobody = asNobody;
        Port = port;
        Password = password;
    }

    public int Port { get; }

    /// <summary>The user's password where the server asks for one over TCP (scram-sha-256); null: trust.</summary>
    public string? Password { get; }

    /// <summary>The address of <paramref name="database"/> as <c>--db</c> takes it (without the password).</summary>
    public string Address(string database) => $"postgresql://{User}@127.0.0.1:{Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}/{database}";

    private string DataFolder => folder.File("data");

    /// <summary>The folder holding initdb, pg_ctl and psql together, or null where PostgreSQL is not installed.</summary>
    public static string? BinFolder { get; } = FindBinFolder();

    private static string? FindBinFolder()
    {
        static bool Has(string? dir) => dir is not null && new[] { "initdb", "pg_ctl", "psql" }.All(p => File.Exists(Path.Combine(dir, p)));
        var configured = Environment.GetEnvironmentVariable("SCRAPER_PG_BIN");
        if (!string.IsNullOrEmpty(configured))
            return Has(configured) ? configured : null;
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(Has);
        if (onPath is not null)
            return onPath;
        const string debian = "/usr/lib/postgresql";
        return Directory.Exists(debian)
            ? Directory.GetDirectories(debian).Select(d => Path.Combine(d, "bin")).Where(Has)
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).FirstOrDefault()
            : null;
    }

    /// <summary>Starts a server; fails the test (with the server's log) if it cannot.</summary>
    /// <param name="password">Where given, connections over TCP must log in with it (scram-sha-256); else they are trusted.</param>
    public static async Task<PostgresServer> StartAsync(string? password = null)
    {
        var bin = BinFolder ?? throw new InvalidOperationException("PostgreSQL is not installed: " + Install);
        var folder = new TempFolder();
        var asNobody = UnprivilegedCli.RunningAsRoot;
        try
        {
            File.SetUnixFileMode(folder.Path, UnprivilegedCli.OpenToAll);
            if (asNobody)
                await RunAsync("/bin/chown", [$"{UnprivilegedCli.Nobody}:{UnprivilegedCli.Nobody}", folder.Path], asNobody: false);
            var port = FreePort();
            var server = new PostgresServer(folder, bin, asNobody, port, password);
            string[] auth = ["--auth=trust"];
            if (password is not null)
            {
                var passwordFile = folder.File("password");
                await File.WriteAllTextAsync(passwordFile, password + "\n");
                File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                auth = ["--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile=" + passwordFile];
            }
            await RunAsync(Path.Combine(bin, "initdb"), ["-D", server.DataFolder, "-U", User, .. auth, "--locale=C", "-E", "UTF8", "--no-sync"], asNobody);
            await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", server.DataFolder, "-l", folder.File("server.log"), "-w", "-t", "120",
                "-o", $"-p {port} -c listen_addresses=127.0.0.1 -k {folder.Path} -c fsync=off", "start"], asNobody);
            server.StartWatchdog();
            return server;
        }
        catch (Exception e)
        {
            var log = File.Exists(folder.File("server.log")) ? await File.ReadAllTextAsync(folder.File("server.log")) : "";
            folder.Dispose();
            throw new InvalidOperationException($"could not start a PostgreSQL server from {bin}: {e.Message}\n{log}", e);
        }
    }

    /// <summary>
    /// A shell beside the server that stops it, and removes its folder, once the test process is gone: a test host killed
    /// or ended before the server's dispose (the shared server is stopped at process exit, which a test runner may not
    /// wait for) leaves no server running.
    /// </summary>
    private void StartWatchdog()
    {
        var stop = asNobody
            ? $"{UnprivilegedCli.Setpriv} --reuid={UnprivilegedCli.Nobody} --regid={UnprivilegedCli.Nobody} --clear-groups {Path.Combine(bin, "pg_ctl")}"
            : Path.Combine(bin, "pg_ctl");
        var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 2; done; "
                     + $"{stop} -D '{DataFolder}' -m immediate -w stop >/dev/null 2>&1; rm -rf '{folder.Path}'";
        // In a session of its own (setsid), in the background of a shell that exits at once: neither killing the test
        // host's process tree nor its process group takes the watchdog with it.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"setsid /bin/sh -c {Quoted(script)} </dev/null >/dev/null 2>&1 &");
        using var launcher = Process.Start(start)!;
        launcher.WaitForExit();
    }

    private static string Quoted(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>Creates a database of its own for a test.</summary>
    public async Task CreateDatabaseAsync(string name) =>
        await PsqlAsync("postgres", ["-c", $"CREATE DATABASE \"{name}\""]);

    /// <summary>Runs psql against <paramref name="database"/>, stopping at the first error; returns its output (unaligned, tuples only).</summary>
    public async Task<string> PsqlAsync(string database, IReadOnlyList<string> arguments) =>
        await RunAsync(Path.Combine(bin, "psql"),
            ["-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", User, "-d", database,
                "-v", "ON_ERROR_STOP=1", "-X", "-q", "-A", "-t", .. arguments], asNobody: false,
            Password is null ? null : new Dictionary<string, string> { ["PGPASSWORD"] = Password });

    /// <summary>One SQL command's output (unaligned, tuples only), trimmed.</summary>
    public async Task<string> QueryAsync(string database, string sql) => (await PsqlAsync(database, ["-c", sql])).Trim();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", DataFolder, "-m", "immediate", "-w", "stop"], asNobody);
        }
        catch (InvalidOperationException)
        {
            // Not running (never started, or already stopped): nothing to stop.
        }
        folder.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<string> RunAsync(string program, IReadOnlyList<string> arguments, bool asNobody,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(asNobody ? UnprivilegedCli.Setpriv : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        if (asNobody)
        {
            foreach (var argument in new[] { $"--reuid={UnprivilegedCli.Nobody}", $"--regid={UnprivilegedCli.Nobody}", "--clear-groups", program })
                start.ArgumentList.Add(argument);
        }
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        var result = await CliRunner.FinishAsync(process, TimeSpan.FromMinutes(3));
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(program)} exited with {result.ExitCode}: {result.Error.Trim()}");
        return result.Out;
    }
}

/// <summary>
/// One server for the whole test run, started by the first test that needs it and stopped when the test process
/// exits; each test takes a database of its own (<see cref="NewDatabaseAsync"/>), so tests stay apart and run in parallel.
/// </summary>
[UnsupportedOSPlatform("windows")]
public static class SharedPostgres
{
    private static readonly Lazy<Task<PostgresServer>> server = new(StartAsync);

    private static async Task<PostgresServer> StartAsync()
    {
        var started = await PostgresServer.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => started.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return started;
    }

    public static Task<PostgresServer> ServerAsync() => server.Value;

    /// <summary>A new empty database on the shared server, as <c>--db</c> takes it.</summary>
    public static async Task<string> NewDatabaseAsync()
    {
        var shared = await server.Value;
        var name = "t" + Guid.NewGuid().ToString("N")[..16];
        await shared.CreateDatabaseAsync(name);
        return shared.Address(name);
    }

    /// <summary>The database name of an address <see cref="NewDatabaseAsync"/> gave.</summary>
    public static string DatabaseOf(string address) => address[(address.LastIndexOf('/') + 1)..];
}

/// <summary>
/// A fact that needs PostgreSQL's server binaries (see <see cref="PostgresServer"/>): skipped where they are absent,
/// saying so, except under CI, which installs them (.ci/run): there it runs and fails without them.
/// </summary>
public sealed class RequiresPostgresFactAttribute : FactAttribute
{
    public RequiresPostgresFactAttribute()
    {
        Skip = OperatingSystem.IsWindows()
            ? "PostgreSQL tests run on Linux"
            : MachineFiles.SkipReason("PostgreSQL (initdb, pg_ctl)", PostgresServer.BinFolder is not null, failInCi: true,
                Environment.GetEnvironmentVariable("CI"), PostgresServer.Install);
    }
}
