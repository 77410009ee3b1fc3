namespace Scraper.Extraction;

/// <summary>
/// Bounds the bytes of the pages being extracted at once. A page's extraction takes many times its size (its text,
/// its parsed tree, the extractors' copies), so several large pages read side by side would multiply the peak: pages
/// are admitted first come, first served while their bytes fit, and a page larger than the whole allowance is read
/// alone. Small pages are not held back: a hundred pages of 100 KB fit beside each other.
/// </summary>
public sealed class ExtractionMemoryGate(long maxBytes)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<(long Bytes, TaskCompletionSource<IDisposable> Admitted)> _waiting = new();
    private long _inUse;

    public long MaxBytes { get; } = maxBytes > 0 ? maxBytes : throw new ArgumentOutOfRangeException(nameof(maxBytes));

    /// <summary>Waits until a page of <paramref name="bytes"/> fits; disposing the answer lets the next pages in.</summary>
    public Task<IDisposable> EnterAsync(long bytes, CancellationToken cancellationToken)
    {
        bytes = Math.Clamp(bytes, 1, MaxBytes);
        LinkedListNode<(long, TaskCompletionSource<IDisposable>)> node;
        lock (_gate)
        {
            if (_waiting.Count == 0 && _inUse + bytes <= MaxBytes)
            {
                _inUse += bytes;
                return Task.FromResult<IDisposable>(new Admission(this, bytes));
            }
            node = _waiting.AddLast((bytes, new TaskCompletionSource<IDisposable>(TaskCreationOptions.RunContinuationsAsynchronously)));
        }
        var admitted = node.Value.Item2;
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() =>
            {
                lock (_gate)
                {
                    if (node.List is null) return; // admitted meanwhile: the caller gets it and releases it
                    _waiting.Remove(node);
                }
                admitted.TrySetCanceled(cancellationToken);
                Release(0);
            });
            _ = admitted.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        }
        return admitted.Task;
    }

    private void Release(long bytes)
    {
        var admitted = new List<(TaskCompletionSource<IDisposable> Source, long Bytes)>();
        lock (_gate)
        {
            _inUse -= bytes;
            while (_waiting.First is { } first && _inUse + first.Value.Bytes <= MaxBytes)
            {
                _waiting.RemoveFirst();
                _inUse += first.Value.Bytes;
                admitted.Add((first.Value.Admitted, first.Value.Bytes));
            }
        }
        foreach (var (source, size) in admitted)
            source.SetResult(new Admission(this, size));
    }

    private sealed class Admission(ExtractionMemoryGate gate, long bytes) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release(bytes);
        }
    }
}
