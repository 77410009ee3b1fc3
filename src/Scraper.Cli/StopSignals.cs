using System.Runtime.InteropServices;

namespace Scraper.Cli;

/// <summary>
/// SIGINT and SIGTERM as a cancellation, for commands that must stop at a safe point rather than die mid-write (the
/// crawl cancels its requests in flight and records the run, an export deletes its temporary file). The process then
/// exits 130 or 143. A second signal while the command is stopping exits at once, with the code of the first: the
/// archive is consistent at every instant (each write is one transaction), and the next crawl marks the run interrupted.
/// </summary>
public sealed class StopSignals : IDisposable
{
    public const int InterruptExitCode = 130;
    public const int TerminateExitCode = 143;

    private readonly CancellationTokenSource _stop;
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;
    private readonly TextWriter? _error;
    private int _received;

    /// <param name="error">Where to say that a second signal ends the process at once.</param>
    public StopSignals(CancellationToken cancellationToken, TextWriter? error = null)
    {
        _error = error;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Stop(c, InterruptExitCode));
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Stop(c, TerminateExitCode));
    }

    /// <summary>Cancelled by either signal (or by the caller's token).</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>Whether a signal (not the caller's token) asked to stop.</summary>
    public bool Received => Volatile.Read(ref _received) != 0;

    /// <summary>130 after SIGINT, 143 after SIGTERM; 130 for any other cancellation, as for Ctrl-C.</summary>
    public int ExitCode => Volatile.Read(ref _received) is var code and not 0 ? code : InterruptExitCode;

    private void Stop(PosixSignalContext context, int exitCode)
    {
        // Handled here: the runtime must not terminate the process before the command reaches its safe point.
        context.Cancel = true;
        var first = Interlocked.CompareExchange(ref _received, exitCode, 0);
        if (first != 0)
        {
            // The user asked twice: no more waiting for the safe point.
            try
            {
                _error?.WriteLine("scraper: stopped at once (second signal); the next crawl records this run as interrupted");
                _error?.Flush();
            }
            catch (IOException) { }
            Environment.Exit(first);
        }
        _stop.Cancel();
    }

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _stop.Dispose();
    }
}
