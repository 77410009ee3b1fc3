namespace Scraper.Extraction;

/// <summary>
/// Reads a saved page from any path (a file, a FIFO, a device such as <c>/dev/zero</c>, a process substitution), taking
/// at most the one-page size limit plus one byte: a size on disk cannot be trusted (a FIFO has none, <c>/dev/zero</c> never
/// ends), so the limit is enforced on what is read, and memory stays bounded whatever the input.
/// </summary>
public static class PageFile
{
    /// <exception cref="UnreadablePageException">The input is longer than <paramref name="maxBytes"/>.</exception>
    /// <exception cref="IOException">It cannot be read (missing, a folder, an I/O error).</exception>
    public static async Task<byte[]> ReadAsync(string path, long maxBytes, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path)) throw new IOException("is a folder, not an HTML file");
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, useAsync: false);
        var buffer = new byte[(int)Math.Min(Math.Max(KnownLength(stream), 64 * 1024), maxBytes + 1)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > maxBytes) break;
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, maxBytes + 1));
            }
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0) break;
            length += read;
        }
        if (length > maxBytes)
            throw new UnreadablePageException($"larger than the {maxBytes / 1048576} MB limit for one page");
        return length == buffer.Length ? buffer : buffer[..length];
    }

    private static long KnownLength(FileStream stream)
    {
        try { return stream.CanSeek ? stream.Length + 1 : 0; }
        catch (IOException) { return 0; }
        catch (NotSupportedException) { return 0; }
    }
}
