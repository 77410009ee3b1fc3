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
        // A file of known size is read into an array of that size, which is returned as it is: most pages are large
        // objects to the GC, and a copy of each one made collections of the whole heap more frequent. One more byte is
        // asked for at the end, as the file may have grown since.
        var known = KnownLength(stream);
        var buffer = new byte[(int)Math.Min(known > 0 ? known : 64 * 1024, maxBytes + 1)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > maxBytes) break;
                var next = new byte[1];
                if (await stream.ReadAsync(next, cancellationToken) == 0) return buffer;
                Array.Resize(ref buffer, (int)Math.Min(Math.Max((long)buffer.Length * 2, 64 * 1024), maxBytes + 1));
                buffer[length++] = next[0];
                continue;
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
        try { return stream.CanSeek ? stream.Length : 0; }
        catch (IOException) { return 0; }
        catch (NotSupportedException) { return 0; }
    }
}
