using System.Diagnostics;

namespace Scraper.Crawling;

/// <summary>The archive is being crawled by another process.</summary>
public sealed class ArchiveLockedException(string message) : Exception(message);

/// <summary>
/// One crawl per archive: an exclusive lock on <c>&lt;archive&gt;.lock</c>. The operating system holds the lock
/// (flock), so a crawl killed by any means releases it, and the next crawl takes over a stale lock file without
/// guessing from PIDs. The file records who holds it, for the message the second crawl prints.
/// </summary>
public sealed class CrawlLock : IDisposable
{
    private readonly FileStream _stream;

    private CrawlLock(FileStream stream) => _stream = stream;

    public static string PathFor(string archivePath) => Path.GetFullPath(archivePath) + ".lock";

    /// <summary>Takes the lock, or, when another process holds it, waits for it or fails at once.</summary>
    /// <exception cref="ArchiveLockedException">Held by another crawl and <paramref name="wait"/> is false.</exception>
    public static async Task<CrawlLock> AcquireAsync(string archivePath, bool wait, CancellationToken cancellationToken)
    {
        var path = PathFor(archivePath);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryOpen(path) is { } stream)
            {
                stream.SetLength(0);
                using (var writer = new StreamWriter(stream, leaveOpen: true))
                    writer.Write($"pid {Environment.ProcessId} since {DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ} on {Environment.MachineName}\n");
                stream.Flush(true);
                return new CrawlLock(stream);
            }
            if (!wait)
                throw new ArchiveLockedException($"{archivePath} is being crawled by another scraper ({Holder(path)}); use --wait to wait for it");
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    private static FileStream? TryOpen(string path)
    {
        try
        {
            // FileShare.None takes an exclusive flock on Unix; it fails at once if another process holds it.
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (File.Exists(path))
        {
            return null;
        }
    }

    private static string Holder(string path)
    {
        try
        {
            using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var text = new StreamReader(reader);
            return text.ReadLine()?.Trim() is { Length: > 0 } line ? line : "holder unknown";
        }
        catch (IOException) { return "holder unknown"; }
        catch (UnauthorizedAccessException) { return "holder unknown"; }
    }

    public void Dispose()
    {
        // The lock file stays: deleting it would race with a process opening it; an unlocked file is free.
        _stream.Dispose();
    }
}
