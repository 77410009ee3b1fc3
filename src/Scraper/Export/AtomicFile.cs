namespace Scraper.Export;

/// <summary>
/// A file written in full or not at all: the content goes to a temporary file beside the target, which replaces the
/// target only on <see cref="CommitAsync"/> (a rename, atomic on one file system). Disposed without a commit, after a
/// failure or a cancellation, the temporary file is deleted and the target is as it was.
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
        var temporary = System.IO.Path.Combine(folder, $".{System.IO.Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 64 * 1024, useAsync: true);
        return new AtomicFile(fullPath, temporary, stream);
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
