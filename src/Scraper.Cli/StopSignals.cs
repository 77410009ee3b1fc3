using System.Runtime.InteropServices;

namespace Scraper.Cli;

/// <summary>
/// SIGINT and SIGTERM as a cancellation, for commands that must stop at a safe point rather than die mid-write (the
/// crawl finishes its pages in flight, an export deletes its temporary file). The process then exits 130 or 143.
/// </summary>
public sealed class StopSignals : IDisposable
{
    public const int InterruptExitCode = 130;
    public const int TerminateExitCode = 143;

    private readonly CancellationTokenSource _stop;
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;
    private volatile int _received;

    public StopSignals(CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Stop(c, InterruptExitCode));
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Stop(c, TerminateExitCode));
    }

    /// <summary>Cancelled by either signal (or by the caller's token).</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>Whether a signal (not the caller's token) asked to stop.</summary>
    public bool Received => _received != 0;

    /// <summary>130 after SIGINT, 143 after SIGTERM; 130 for any other cancellation, as for Ctrl-C.</summary>
    public int ExitCode => _received == 0 ? InterruptExitCode : _received;

    private void Stop(PosixSignalContext context, int exitCode)
    {
        // Handled here: the runtime must not terminate the process before the command reaches its safe point.
        context.Cancel = true;
        _received = exitCode;
        _stop.Cancel();
    }

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _stop.Dispose();
    }
}
