using System.Runtime.InteropServices;
using Scraper.Archive;
using Scraper.Archive.Postgres;

namespace Scraper.Crawling;

/// <summary>The archive is being crawled by another process.</summary>
public sealed class ArchiveLockedException(string message) : Exception(message);

/// <summary>
/// One crawl at a time. On SQLite, one per archive: an exclusive lock on <c>&lt;archive&gt;.lock</c>. The operating
/// system holds the lock (flock), so a crawl killed by any means releases it, and the next crawl takes over a stale lock
/// file without guessing from PIDs. The file records who holds it, for the message the second crawl prints. On
/// PostgreSQL, one per site (<see cref="PostgresCrawlLock"/>: advisory locks the server holds for the crawler's
/// session), so crawls of different sites, from any machines, write one archive side by side.
/// </summary>
public sealed class CrawlLock : IDisposable
{
    private readonly IDisposable _held;

    private CrawlLock(IDisposable held) => _held = held;

    public static string PathFor(string archivePath) => Path.GetFullPath(archivePath) + ".lock";

    /// <summary>
    /// Takes the lock, or, when another process holds it, waits for it or fails at once. A file the archive refuses
    /// (not a scraper archive, or of a newer build) is refused first, so that no lock file is left beside it.
    /// </summary>
    /// <exception cref="ArchiveLockedException">Held by another crawl and <paramref name="wait"/> is false.</exception>
    /// <exception cref="ArchiveException">The archive would refuse the file (see <see cref="ArchiveStore.CheckAsync"/>).</exception>
    /// <param name="sites">The sites the crawl works on: on PostgreSQL, the locks taken (on SQLite the archive's one lock).</param>
    public static async Task<CrawlLock> AcquireAsync(string archivePath, IReadOnlyCollection<string> sites, bool wait, CancellationToken cancellationToken)
    {
        await ArchiveStore.CheckAsync(archivePath, ArchiveAccess.ReadWrite, cancellationToken);
        if (PostgresAddress.IsPostgres(archivePath))
        {
            var address = PostgresAddress.Parse(archivePath);
            var (held, heldBy) = await PostgresCrawlLock.TryAcquireAsync(address, sites, wait, cancellationToken);
            return held is not null ? new CrawlLock(held)
                : throw new ArchiveLockedException($"{address.Display}: {heldBy}; use --wait to wait for it");
        }
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

    /// <summary>
    /// What the holder wrote into the lock file. .NET's own file APIs cannot read it: on Unix every FileStream open
    /// takes an flock too, and the holder's exclusive one refuses it. A plain open(2) and read(2) takes no lock.
    /// </summary>
    private static string Holder(string path)
    {
        const string unknown = "holder unknown";
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD()) return unknown;
        try
        {
            var fd = Posix.Open(path, 0 /* O_RDONLY */);
            if (fd < 0) return unknown;
            try
            {
                var buffer = new byte[512];
                var read = Posix.Read(fd, buffer, buffer.Length);
                if (read <= 0) return unknown;
                var line = System.Text.Encoding.UTF8.GetString(buffer, 0, (int)read).Split('\n')[0].Trim();
                return line.Length > 0 ? line : unknown;
            }
            finally
            {
                Posix.Close(fd);
            }
        }
        catch (DllNotFoundException) { return unknown; }
        catch (EntryPointNotFoundException) { return unknown; }
    }

    private static class Posix
    {
        [DllImport("libc", EntryPoint = "open", CharSet = CharSet.Ansi, BestFitMapping = false)]
        internal static extern int Open(string path, int flags);

        [DllImport("libc", EntryPoint = "read")]
        internal static extern nint Read(int fd, [Out] byte[] buffer, nint count);

        [DllImport("libc", EntryPoint = "close")]
        internal static extern int Close(int fd);
    }

    public void Dispose()
    {
        // The lock file stays: deleting it would race with a process opening it; an unlocked file is free.
        _held.Dispose();
    }
}
