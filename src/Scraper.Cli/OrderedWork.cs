namespace Scraper.Cli;

/// <summary>
/// Runs one piece of work per input on several threads and hands the results back in input order: what a sequential
/// loop would print, sooner. At most <c>window</c> inputs are started and not yet handed back, so however many inputs
/// there are (a list read lazily from a file), only that many pages and results are held at once.
/// </summary>
public static class OrderedWork
{
    public static async IAsyncEnumerable<TResult> RunAsync<TInput, TResult>(
        IEnumerable<TInput> inputs, Func<TInput, CancellationToken, Task<TResult>> work, int parallelism,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        // Twice the workers: a slow page at the head of the window does not leave the others idle for long.
        var window = parallelism * 2;
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
