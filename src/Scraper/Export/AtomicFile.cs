namespace Scraper.Export;

/// <summary>
/// A file written in full or not at all: the content goes to a temporary file beside the target, which replaces the
/// target only on <see cref="CommitAsync"/> (a rename, atomic on one file system). Disposed without a commit, after a
/// failure or a cancellation, the temporary file is deleted and the target is as it was. A process killed outright
/// (kill -9, power cut) cannot delete it: the temporary file is held under an exclusive lock (flock) while it is
/// written, so the next <see cref="Create"/> in that folder removes every one of ours that no live writer holds.
/// </summary>
public sealed class AtomicFile : IAsyncDisposable
{
    private readonly FileStream stream;
    private bool committed;

    private AtomicFile(string path, string temporaryPath, FileStream stream)
    {
        Path = path;
        TemporaryPath = temporaryPath;
        this.stream = stream;
    }

    /// <summary>The target's full path.</summary>
    public string Path { get; }

    public string TemporaryPath { get; }

    /// <summary>Where to write the content.</summary>
    public Stream Stream => stream;

    /// <summary>Creates the temporary file in the target's folder (so the final rename stays on one file system).</summary>
    /// <exception cref="IOException">The folder is missing, or the file cannot be created there.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to create a file there.</exception>
    public static AtomicFile Create(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
            throw new IOException($"{path} is a folder");
        var folder = System.IO.Path.GetDirectoryName(fullPath)!;
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"folder {folder} does not exist");
        RemoveAbandoned(folder);
        var temporary = System.IO.Path.Combine(folder, $".{System.IO.Path.GetFileName(fullPath)}.{Guid.NewGuid():N}{Suffix}");
        // FileShare.None takes an exclusive flock on Unix: it tells a later export that this file's writer is alive.
        var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 64 * 1024, useAsync: true);
        return new AtomicFile(fullPath, temporary, stream);
    }

    private const string Suffix = ".tmp";

    /// <summary>Temporary files of ours (<c>.NAME.&lt;32 hex digits&gt;.tmp</c>) whose writer is gone.</summary>
    internal static IReadOnlyList<string> RemoveAbandoned(string folder)
    {
        var removed = new List<string>();
        IEnumerable<string> candidates;
        try { candidates = Directory.EnumerateFiles(folder, "." + "*" + Suffix).Where(IsOurs).ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return removed; }
        foreach (var candidate in candidates)
        {
            try
            {
                // Opening it with FileShare.None fails while its writer holds it; an abandoned one opens, and goes.
                using (new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }
                File.Delete(candidate);
                removed.Add(candidate);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return removed;
    }

    private static bool IsOurs(string path)
    {
        var name = System.IO.Path.GetFileName(path);
        if (!name.StartsWith('.') || !name.EndsWith(Suffix, StringComparison.Ordinal)) return false;
        var stem = name[..^Suffix.Length];
        var dot = stem.LastIndexOf('.');
        return dot > 1 && stem.Length - dot - 1 == 32 && stem[(dot + 1)..].All(char.IsAsciiHexDigitLower);
    }

    /// <summary>Flushes the content to disk and moves it into place, replacing any file there.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        await stream.FlushAsync(cancellationToken);
        // On disk before the rename: a crash must leave the old file or the whole new one, never an empty one.
        stream.Flush(flushToDisk: true);
        await stream.DisposeAsync();
        File.Move(TemporaryPath, Path, overwrite: true);
        committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync();
        if (!committed)
        {
            try { File.Delete(TemporaryPath); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
