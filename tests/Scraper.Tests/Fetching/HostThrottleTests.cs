using Microsoft.Extensions.Time.Testing;
using Scraper.Fetching;
using Scraper.Tests.Support;

namespace Scraper.Tests.Fetching;

public sealed class HostThrottleTests
{
    [Fact]
    public async Task Starts_on_one_host_are_spaced_by_the_interval()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var throttle = new HostThrottle(timeProvider: time);
        (await throttle.AcquireAsync("a.test", TimeSpan.FromMilliseconds(150), CancellationToken.None)).Dispose();

        // The next start waits the interval, measured on the throttle's clock, not the machine's.
        var second = throttle.AcquireAsync("a.test", TimeSpan.FromMilliseconds(150), CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromMilliseconds(149));
        await Task.Delay(50);
        Assert.False(second.IsCompleted, "started before the interval was over");
        time.Advance(TimeSpan.FromMilliseconds(1));
        (await second.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
    }

    [Fact]
    public async Task One_host_allows_one_request_in_flight_by_default()
    {
        var throttle = new HostThrottle();
        var first = await throttle.AcquireAsync("a.test", TimeSpan.Zero, CancellationToken.None);

        var second = throttle.AcquireAsync("a.test", TimeSpan.Zero, CancellationToken.None).AsTask();
        await Task.Delay(100);
        Assert.False(second.IsCompleted);

        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public async Task Other_hosts_do_not_wait()
    {
        var throttle = new HostThrottle();
        using var held = await throttle.AcquireAsync("a.test", TimeSpan.FromSeconds(30), CancellationToken.None);

        var other = throttle.AcquireAsync("b.test", TimeSpan.FromSeconds(30), CancellationToken.None).AsTask();

        (await other.WaitAsync(TimeSpan.FromSeconds(2))).Dispose();
    }

    [Fact]
    public async Task A_wait_cancelled_during_the_interval_gives_its_place_back()
    {
        var time = new RecordingClock();
        var throttle = new HostThrottle(timeProvider: time);
        (await throttle.AcquireAsync("a.test", TimeSpan.FromMilliseconds(300), CancellationToken.None)).Dispose();
        using var cancel = new CancellationTokenSource();

        // This waiter holds the host's only slot while it waits out the interval, and is cancelled there.
        var waiting = throttle.AcquireAsync("a.test", TimeSpan.Zero, cancel.Token).AsTask();
        Assert.NotNull(await time.NextTimerAsync(due => due == TimeSpan.FromMilliseconds(300), waiting));
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        // A leaked slot would keep the next waiter out for good; it waits for the rest of the interval only.
        var next = time.DriveAsync(throttle.AcquireAsync("a.test", TimeSpan.Zero, CancellationToken.None).AsTask(), ignore: _ => false);
        (await next.WaitAsync(RecordingClock.Patience)).Dispose();
        Assert.Equal(TimeSpan.FromMilliseconds(300), time.GetUtcNow() - time.Start);
    }

    [Fact]
    public async Task Defer_holds_the_host_back()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var throttle = new HostThrottle(timeProvider: time);
        throttle.Defer("a.test", TimeSpan.FromMilliseconds(300));

        var held = throttle.AcquireAsync("a.test", TimeSpan.Zero, CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromMilliseconds(299));
        await Task.Delay(50);
        Assert.False(held.IsCompleted, "started before the deferral was over");
        time.Advance(TimeSpan.FromMilliseconds(1));
        (await held.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
    }

    [Fact]
    public async Task A_zero_interval_does_not_wait()
    {
        // The clock never moves: any wait at all would never end.
        var throttle = new HostThrottle(timeProvider: new FakeTimeProvider(DateTimeOffset.UnixEpoch));
        for (var i = 0; i < 20; i++)
            (await throttle.AcquireAsync("a.test", TimeSpan.Zero, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
    }
}
