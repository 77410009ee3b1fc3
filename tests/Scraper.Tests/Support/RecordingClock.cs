using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace Scraper.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that keeps a log of every timer the code under test asks it for (Task.Delay,
/// CancellationTokenSource timeouts, Polly's retry delays all come here), so a test can wait until the code is
/// waiting on the clock, see how long it asked to wait, and move time on by exactly that. Time moves only when the
/// test moves it: a loaded machine changes how long a test takes, never what it sees.
/// </summary>
public sealed class RecordingClock : FakeTimeProvider
{
    /// <summary>How long a test waits, in real time, for the code to ask for its next timer.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly Lock _gate = new();
    private readonly List<RequestedTimer> _timers = [];
    private int _next;
    private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts at a whole second (HTTP dates have one-second resolution), 2026-01-01T00:00:00Z.</summary>
    public RecordingClock()
        : base(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>A timer asked for at <see cref="At"/> (on this clock), due <see cref="Due"/> later.</summary>
    public sealed record RequestedTimer(DateTimeOffset At, TimeSpan Due)
    {
        public DateTimeOffset FiresAt => At + Due;
    }

    /// <summary>Every timer asked for so far, in order.</summary>
    public IReadOnlyList<RequestedTimer> Timers
    {
        get
        {
            lock (_gate)
            {
                return _timers.ToArray();
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        TaskCompletionSource added;
        lock (_gate)
        {
            _timers.Add(new RequestedTimer(GetUtcNow(), dueTime));
            added = _added;
            _added = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        added.TrySetResult();
        return timer;
    }

    /// <summary>
    /// The next timer (after the one this returned last) whose due time matches, once the code has asked for it;
    /// null when <paramref name="running"/> ended without asking. Fails after <see cref="Patience"/> of real time.
    /// </summary>
    public async Task<RequestedTimer?> NextTimerAsync(Func<TimeSpan, bool> match, Task running)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            Task added;
            var ended = running.IsCompleted;
            lock (_gate)
            {
                for (; _next < _timers.Count; _next++)
                {
                    if (_timers[_next].Due >= TimeSpan.Zero && match(_timers[_next].Due)) return _timers[_next++];
                }
                added = _added.Task;
            }
            if (ended) return null;
            var left = Patience - waited.Elapsed;
            if (left <= TimeSpan.Zero)
                throw new Xunit.Sdk.XunitException(
                    $"no matching timer was asked for within {Patience.TotalSeconds} s; asked for: {string.Join(", ", Timers.Select(t => t.Due))}");
            await Task.WhenAny(added, running, Task.Delay(left));
        }
    }

    /// <summary>
    /// Lets <paramref name="running"/> run to its end, moving this clock to each timer it asks for as it asks for it
    /// (except those <paramref name="ignore"/> picks out, e.g. a request's timeout, which must not fire), and returns it.
    /// </summary>
    public async Task<T> DriveAsync<T>(Task<T> running, Func<TimeSpan, bool> ignore)
    {
        while (await NextTimerAsync(due => !ignore(due), running) is { } timer)
        {
            if (timer.FiresAt > GetUtcNow()) SetUtcNow(timer.FiresAt);
        }
        return await running;
    }
}
