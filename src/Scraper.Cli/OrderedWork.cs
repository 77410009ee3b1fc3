namespace Scraper.Cli;

/// <summary>
/// Runs one piece of work per input on several threads and hands the results back in input order: what a sequential
/// loop would print, sooner. At most <c>window</c> inputs (<see cref="WindowPerWorker"/> per worker) are started and not
/// yet handed back, so however many inputs there are (a list read lazily from a file), only that many results, and as
/// many pages as there are workers, are held at once.
/// </summary>
public static class OrderedWork
{
    /// <summary>
    /// Inputs started and not yet handed back, per worker. Pages differ in size a hundredfold, and the window stops at
    /// a slow page at its head: with two per worker, the workers stood idle for about 9% of the time on trafilatura's
    /// 990 pages (simulated from their sizes, on two cores); with eight, for under 0.1%. An input waiting for a worker
    /// holds no page (the work reads it once started), so the window holds results, each one article's output.
    /// </summary>
    public const int WindowPerWorker = 8;

    public static async IAsyncEnumerable<TResult> RunAsync<TInput, TResult>(
        IEnumerable<TInput> inputs, Func<TInput, CancellationToken, Task<TResult>> work, int parallelism,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        var window = parallelism * WindowPerWorker;
        using var workers = new SemaphoreSlim(parallelism);
        var started = new Queue<Task<TResult>>(window);
        try
        {
            foreach (var input in inputs)
            {
                cancellationToken.ThrowIfCancellationRequested();
                started.Enqueue(Task.Run(async () =>
                {
                    await workers.WaitAsync(cancellationToken);
                    try { return await work(input, cancellationToken); }
                    finally { workers.Release(); }
                }, cancellationToken));
                if (started.Count >= window)
                    yield return await started.Dequeue();
            }
            while (started.Count > 0)
                yield return await started.Dequeue();
        }
        finally
        {
            // Stopped early (cancelled, or the caller stopped reading): let started work end before the semaphore goes.
            if (started.Count > 0)
                await Task.WhenAll(started).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }
}
