using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Scraper.Tests.Support;

/// <summary>
/// Runs the CLI as a real child process under an unprivileged user, for what file permissions decide. The tests run as
/// root on these machines, and root ignores permissions, so a test of an unwritable folder must drop to another user:
/// <c>setpriv</c> (util-linux) runs <c>dotnet scraper.dll</c> as nobody (uid and gid 65534, no groups). A test process
/// that is not root already runs the CLI as itself: permissions apply to it as they are.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class UnprivilegedCli : IDisposable
{
    public const string Setpriv = "/usr/bin/setpriv";
    public const int Nobody = 65534;

    private readonly string cliDll;
    private readonly TempFolder? copy;

    private UnprivilegedCli(string cliDll, TempFolder? copy)
    {
        this.cliDll = cliDll;
        this.copy = copy;
    }

    public static bool RunningAsRoot => GetEffectiveUserId() == 0;

    /// <summary>
    /// Checks that nobody can run the built CLI where it is; if a folder on the way is closed to other users, copies the
    /// test binaries to a temporary folder everyone may read, and uses that copy.
    /// </summary>
    public static async Task<UnprivilegedCli> PrepareAsync()
    {
        if (!RunningAsRoot || await CanRunAsync(CliRunner.CliDll))
            return new UnprivilegedCli(CliRunner.CliDll, null);
        var copy = new TempFolder();
        foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory, "*", SearchOption.AllDirectories))
        {
            var target = copy.File(Path.GetRelativePath(AppContext.BaseDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        foreach (var directory in Directory.EnumerateDirectories(copy.Path, "*", SearchOption.AllDirectories).Append(copy.Path))
            File.SetUnixFileMode(directory, OpenToAll);
        var copied = copy.File(Path.GetFileName(CliRunner.CliDll));
        if (!await CanRunAsync(copied))
        {
            copy.Dispose();
            Assert.Fail($"uid {Nobody} cannot run dotnet {copied} even from a copy readable by all: is the .NET install readable by all users?");
        }
        return new UnprivilegedCli(copied, copy);
    }

    /// <summary>rwxr-xr-x: what a folder needs for another user to read what is in it.</summary>
    public const UnixFileMode OpenToAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>r-xr-xr-x: a folder nobody may create files in (root still can).</summary>
    public const UnixFileMode ReadOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>r--r--r--</summary>
    public const UnixFileMode ReadOnlyFile = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(cliDll, args);

    public void Dispose() => copy?.Dispose();

    private static async Task<bool> CanRunAsync(string dll) => (await RunAsync(dll, "--version")).ExitCode == 0;

    private static Task<CliResult> RunAsync(string dll, params string[] args) =>
        RunningAsRoot
            ? CliRunner.RunProgramAsync(Setpriv, [$"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "dotnet", dll, .. args], TimeSpan.FromSeconds(120))
            : CliRunner.RunProgramAsync("dotnet", [dll, .. args], TimeSpan.FromSeconds(120));

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();
}
