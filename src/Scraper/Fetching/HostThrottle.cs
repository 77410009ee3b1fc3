using System.Collections.Concurrent;

namespace Scraper.Fetching;

/// <summary>
/// Per-host politeness for one run: at most <c>maxConcurrentPerHost</c> requests in flight to a host, and
/// each request to a host starts at least the interval the caller gives (the larger of <c>--delay</c> and
/// the host's Crawl-delay) after the previous one started and after it finished, so a slow server is not
/// sent the next request the moment it answers. Hosts do not wait for each other.
/// </summary>
public sealed class HostThrottle(int maxConcurrentPerHost = 1, TimeProvider? timeProvider = null)
{
    private readonly ConcurrentDictionary<string, HostSlot> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly int _maxConcurrent = maxConcurrentPerHost >= 1
        ? maxConcurrentPerHost
        : throw new ArgumentOutOfRangeException(nameof(maxConcurrentPerHost), "At least one request per host.");

    /// <summary>The throttle key of a URL: its host, and its port when not the scheme's default, so
    /// http and https of one host share the key while two test servers on 127.0.0.1 do not.</summary>
    public static string KeyOf(Uri url) => url.Authority.ToLowerInvariant();

    /// <summary>Waits for the host's turn; dispose the lease when the answer has been read.</summary>
    public async ValueTask<IDisposable> AcquireAsync(string host, TimeSpan minInterval, CancellationToken cancellationToken)
    {
        var slot = _hosts.GetOrAdd(host, _ => new HostSlot(_maxConcurrent));
        await slot.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            TimeSpan wait;
            lock (slot)
            {
                var now = _time.GetUtcNow();
                var start = slot.NextStart > now ? slot.NextStart : now;
                slot.NextStart = start + (minInterval > TimeSpan.Zero ? minInterval : TimeSpan.Zero);
                wait = start - now;
            }
            if (wait > TimeSpan.Zero) await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            return new Lease(this, slot, minInterval);
        }
        catch
        {
            slot.Gate.Release();
            throw;
        }
    }

    /// <summary>Keeps every request to the host waiting for <paramref name="delay"/> from now (a server's
    /// Retry-After), in addition to the usual spacing.</summary>
    public void Defer(string host, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero) return;
        var slot = _hosts.GetOrAdd(host, _ => new HostSlot(_maxConcurrent));
        lock (slot)
        {
            var until = _time.GetUtcNow() + delay;
            if (until > slot.NextStart) slot.NextStart = until;
        }
    }

    private sealed class HostSlot(int maxConcurrent)
    {
        public SemaphoreSlim Gate { get; } = new(maxConcurrent, maxConcurrent);
        public DateTimeOffset NextStart { get; set; } = DateTimeOffset.MinValue;
    }

    private void Release(HostSlot slot, TimeSpan minInterval)
    {
        if (minInterval > TimeSpan.Zero)
        {
            lock (slot)
            {
                var next = _time.GetUtcNow() + minInterval;
                if (next > slot.NextStart) slot.NextStart = next;
            }
        }
        slot.Gate.Release();
    }

    private sealed class Lease(HostThrottle throttle, HostSlot slot, TimeSpan minInterval) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) throttle.Release(slot, minInterval);
        }
    }
}
