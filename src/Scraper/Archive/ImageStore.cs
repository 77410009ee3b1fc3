namespace Scraper.Archive;

/// <summary>How an image was fetched: when, the answer's status and the request as sent (null from a mirror).</summary>
public sealed record ImageFetch(DateTimeOffset FetchedAt, int HttpStatus, string? RequestHead);

/// <summary>The figures' images: each stored once by its sha256, every figure showing its address linked to it.</summary>
public sealed class ImageStore : ArchiveRole
{
    internal ImageStore(ArchiveDatabase database) : base(database)
    {
    }

    /// <summary>Distinct image addresses of figures (of these sites' pages) that have no stored image yet.</summary>
    public async Task<IReadOnlyList<string>> ListFiguresWithoutImageAsync(IReadOnlyCollection<string> sites, CancellationToken cancellationToken = default) =>
        await GuardAsync(async () =>
        {
            var sources = new List<string>();
            foreach (var site in sites)
            {
                var command = Command("""
                    SELECT DISTINCT f.src FROM figures f
                    JOIN revisions r ON r.id = f.revision_id JOIN pages p ON p.id = r.page_id
                    WHERE f.image_sha256 IS NULL AND p.site = $site AND NOT EXISTS
                        (SELECT 1 FROM figures g WHERE g.src = f.src AND g.image_sha256 IS NOT NULL)
                    ORDER BY f.src
                    """, ("$site", site));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) sources.Add(reader.GetString(0));
            }
            return sources;
        });

    /// <summary>The sha256 of an image already stored for <paramref name="src"/>, if any.</summary>
    public async Task<string?> FindImageAsync(string src, CancellationToken cancellationToken = default) =>
        await GuardAsync(() => ScalarAsync<string?>(
            "SELECT image_sha256 FROM figures WHERE src = $src AND image_sha256 IS NOT NULL LIMIT 1", cancellationToken, ("$src", src)));

    /// <summary>Stores an image once by its sha256 and links every figure showing <paramref name="src"/> to it.</summary>
    /// <param name="fetch">How <paramref name="src"/> was fetched, kept for the WARC export (schema version 4).</param>
    public async Task<string> StoreImageAsync(string src, byte[] data, string? contentType, CancellationToken cancellationToken = default,
        ImageFetch? fetch = null)
    {
        EnsureWritable();
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data));
        await GuardAsync(() => InTransactionAsync(async ct =>
        {
            await ExecuteAsync("INSERT INTO images (sha256, content_type, size, data) VALUES ($sha, $type, $size, $data) ON CONFLICT (sha256) DO NOTHING", ct,
                ("$sha", sha), ("$type", contentType), ("$size", data.Length), ("$data", data));
            await ExecuteAsync("UPDATE figures SET image_sha256 = $sha WHERE src = $src AND image_sha256 IS NULL", ct, ("$sha", sha), ("$src", src));
            if (fetch is not null)
                await ExecuteAsync(
                    """
                    INSERT INTO image_fetches (url, sha256, fetched_at, http_status, content_type, request)
                    VALUES ($src, $sha, $at, $status, $type, $request)
                    ON CONFLICT (url) DO UPDATE SET sha256 = excluded.sha256, fetched_at = excluded.fetched_at,
                        http_status = excluded.http_status, content_type = excluded.content_type, request = excluded.request
                    """, ct, ("$src", src), ("$sha", sha), ("$at", FormatTime(fetch.FetchedAt)), ("$status", fetch.HttpStatus),
                    ("$type", contentType), ("$request", fetch.RequestHead));
            return 0;
        }, cancellationToken));
        return sha;
    }

    /// <summary>Links figures showing <paramref name="src"/> to an image already stored.</summary>
    public async Task LinkImageAsync(string src, string sha256, CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        await GuardAsync(() => InTransactionAsync(async ct =>
        {
            await ExecuteAsync("UPDATE figures SET image_sha256 = $sha WHERE src = $src AND image_sha256 IS NULL", ct, ("$sha", sha256), ("$src", src));
            return 0;
        }, cancellationToken));
    }
}
