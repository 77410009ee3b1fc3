using System.Diagnostics;
using Scraper.Cli;

namespace Scraper.Tests.Support;

public sealed record CliResult(int ExitCode, string Out, string Error);

/// <summary>Runs the CLI in-process (fast) or as a real child process (for exit codes, signals and crashes).</summary>
public static class CliRunner
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await ScraperCli.RunAsync(args, stdout, stderr, CancellationToken.None);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The built <c>scraper.dll</c> beside the test binary, run with <c>dotnet</c>.</summary>
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "scraper.dll");

    /// <summary>Starts the CLI as a child process with its output redirected; the caller reads, signals and waits.</summary>
    public static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(CliDll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return Process.Start(info)!;
    }

    /// <summary>Sends a POSIX signal (SIGTERM = 15, SIGINT = 2) to a child process: Process.Kill only sends SIGKILL.</summary>
    public static void Signal(Process process, int signal)
    {
        if (SendSignal(process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({process.Id}, {signal}) failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    public static Task<CliResult> RunProcessAsync(TimeSpan timeout, IDictionary<string, string>? environment, params string[] args) =>
        RunProgramAsync("dotnet", [CliDll, .. args], timeout, environment);

    /// <summary>Runs any program to its end with its output collected; killed, and a <see cref="TimeoutException"/>, after <paramref name="timeout"/>.</summary>
    public static async Task<CliResult> RunProgramAsync(
        string program, IEnumerable<string> args, TimeSpan timeout, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        return await FinishAsync(process, timeout);
    }

    /// <summary>
    /// Reads a started process's remaining output and waits for its end; killed, and a <see cref="TimeoutException"/>,
    /// after <paramref name="timeout"/>.
    /// </summary>
    public static async Task<CliResult> FinishAsync(Process process, TimeSpan timeout)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{process.StartInfo.FileName} {string.Join(' ', process.StartInfo.ArgumentList)} did not finish within {timeout}");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>A temporary folder removed after the test.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("scraper-test-").FullName;

    public string File(string relative) => System.IO.Path.Combine(Path, relative);

    public string Write(string relative, string content)
    {
        var path = File(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public string Write(string relative, byte[] content)
    {
        var path = File(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
