using System.Net;

namespace Scraper.Fetching;

/// <summary>A fetched page: where it ended up, its bytes and declared type.</summary>
public sealed record WebPage(Uri Url, byte[] Body, string? ContentType);

/// <summary>One-off page fetches for <c>scraper extract URL</c>: identifiable, size-capped, timed out.</summary>
public sealed class WebPageSource : IDisposable
{
    public const string DefaultUserAgent = "scraper/0.1 (+https://github.com/wuxi-archive/scraper; archive of en.wuxi.gov.cn and wnd.gov.cn English news)";
    private const int MaxBytes = 10 * 1024 * 1024;
    private readonly HttpClient _client;

    public WebPageSource(string? userAgent = null)
    {
        _client = new HttpClient(new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            MaxAutomaticRedirections = 5,
        }) { Timeout = TimeSpan.FromSeconds(60) };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent ?? DefaultUserAgent);
    }

    public async Task<WebPage> GetAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxBytes) throw new HttpRequestException($"the body is larger than {MaxBytes / 1048576} MB");
                buffer.Write(chunk, 0, read);
            }
            return new WebPage(response.RequestMessage?.RequestUri ?? url, buffer.ToArray(), response.Content.Headers.ContentType?.ToString());
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException("timed out");
        }
    }

    public void Dispose() => _client.Dispose();
}
