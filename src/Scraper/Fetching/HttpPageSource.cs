using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Scraper.Fetching;

/// <summary>Settings of the network connection itself.</summary>
public sealed record HttpPageSourceOptions
{
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Host names to connect to at a fixed endpoint instead of resolving them, like
    /// <c>curl --resolve</c>: lets a test serve <c>http://en.wuxi.gov.cn/…</c> from 127.0.0.1 with the real
    /// Host header. Empty for live crawls.</summary>
    public IReadOnlyDictionary<string, IPEndPoint> HostOverrides { get; init; } = new Dictionary<string, IPEndPoint>();

    /// <summary>Use the proxy of the environment (HTTP_PROXY, HTTPS_PROXY, NO_PROXY); ignored with host overrides.</summary>
    public bool UseSystemProxy { get; init; } = true;
}

/// <summary>
/// Sends one GET over HTTP(S) with a shared <see cref="SocketsHttpHandler"/>: no automatic redirects (the
/// <see cref="Downloader"/> follows them to enforce scope), gzip/deflate/brotli decompression, no cookies,
/// and a streaming body read that stops at the size limit.
/// </summary>
public sealed class HttpPageSource : IPageSource, IDisposable
{
    private const int ReadChunk = 81920;
    private readonly HttpClient _client;

    public HttpPageSource(HttpPageSourceOptions? options = null)
    {
        options ??= new HttpPageSourceOptions();
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = options.ConnectTimeout,
            UseCookies = false,
            UseProxy = options.UseSystemProxy && options.HostOverrides.Count == 0,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        if (options.HostOverrides.Count > 0)
        {
            var overrides = new Dictionary<string, IPEndPoint>(options.HostOverrides, StringComparer.OrdinalIgnoreCase);
            handler.ConnectCallback = (context, cancellationToken) =>
                ConnectAsync(overrides.TryGetValue(context.DnsEndPoint.Host, out var endpoint) ? endpoint : context.DnsEndPoint,
                    cancellationToken);
        }
        // The per-attempt timeout is the Downloader's cancellation token; HttpClient's own would race it.
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<SourceResponse> SendAsync(SourceRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, request.Url);
        if (request.UserAgent is not null) message.Headers.TryAddWithoutValidation("User-Agent", request.UserAgent);
        if (request.Accept is not null) message.Headers.TryAddWithoutValidation("Accept", request.Accept);
        if (request.IfNoneMatch is not null) message.Headers.TryAddWithoutValidation("If-None-Match", request.IfNoneMatch);
        if (request.IfModifiedSince is not null) message.Headers.TryAddWithoutValidation("If-Modified-Since", request.IfModifiedSince);

        try
        {
            using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
                .ConfigureAwait(false);
            var (body, truncated) = await ReadBodyAsync(response.Content, request.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
            return new SourceResponse((int)response.StatusCode)
            {
                ReasonPhrase = response.ReasonPhrase,
                Location = First(response.Headers, "Location"),
                ContentType = First(response.Content.Headers, "Content-Type"),
                ETag = First(response.Headers, "ETag"),
                LastModified = First(response.Content.Headers, "Last-Modified"),
                RetryAfter = First(response.Headers, "Retry-After"),
                Body = body,
                Truncated = truncated,
                RequestHead = RequestHead(message),
            };
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Classify(e);
        }
        catch (IOException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PageSourceException(FetchErrorKind.ConnectionReset, "connection lost while reading the body: " + OneLine(e), e);
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>
    /// The request as it went out, read back after the send: the handler has added what it adds (Accept-Encoding for
    /// decompression), and writes the Host header first, from the URL, as here. Values joined as HttpClient joins them.
    /// </summary>
    private static string RequestHead(HttpRequestMessage message)
    {
        var url = message.RequestUri!;
        var head = new StringBuilder()
            .Append(message.Method.Method).Append(' ').Append(url.PathAndQuery).Append(" HTTP/").Append(message.Version.ToString(2)).Append("\r\n")
            .Append("Host: ").Append(message.Headers.Host ?? (url.IsDefaultPort ? url.IdnHost : $"{url.IdnHost}:{url.Port}")).Append("\r\n");
        foreach (var (name, values) in message.Headers.NonValidated)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase)) continue;
            head.Append(name).Append(": ").Append(values.ToString()).Append("\r\n");
        }
        return head.Append("\r\n").ToString();
    }

    private static async Task<(byte[] Body, bool Truncated)> ReadBodyAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        var declared = content.Headers.ContentLength;
        var capacity = (int)Math.Min(Math.Min(declared ?? ReadChunk, maxBytes + 1), Array.MaxLength);
        var buffer = new byte[Math.Max(capacity, 16)];
        var length = 0;
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > maxBytes) break;
                Array.Resize(ref buffer, (int)Math.Min(Math.Min((long)buffer.Length * 2, maxBytes + 1), Array.MaxLength));
            }
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0) break;
            length += read;
        }
        // One byte past the limit proves the body is longer than the limit; the rest is never read.
        return length > maxBytes ? (buffer[..(int)maxBytes], true) : (buffer[..length], false);
    }

    private static PageSourceException Classify(HttpRequestException e)
    {
        if (e.InnerException is TimeoutException)
            return new PageSourceException(FetchErrorKind.Timeout, "connect timeout: " + OneLine(e), e);
        var kind = e.HttpRequestError switch
        {
            HttpRequestError.ResponseEnded => FetchErrorKind.ConnectionReset,
            HttpRequestError.InvalidResponse or HttpRequestError.VersionNegotiationError
                or HttpRequestError.ConfigurationLimitExceeded => FetchErrorKind.ProtocolError,
            HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError
                or HttpRequestError.ProxyTunnelError => FetchErrorKind.ConnectionFailed,
            _ when IsReset(e) => FetchErrorKind.ConnectionReset,
            _ => FetchErrorKind.ConnectionFailed,
        };
        var prefix = kind switch
        {
            FetchErrorKind.ConnectionReset => "connection reset",
            FetchErrorKind.ProtocolError => "invalid HTTP response",
            _ => "connection failed",
        };
        return new PageSourceException(kind, prefix + ": " + OneLine(e), e);
    }

    private static bool IsReset(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            if (inner is SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted } or IOException)
                return true;
        return false;
    }

    private static string OneLine(Exception e)
    {
        // The innermost message names the cause (refused, reset); the outer ones repeat "an error occurred".
        var innermost = e;
        while (innermost.InnerException is not null) innermost = innermost.InnerException;
        var text = innermost == e ? e.Message : e.Message.TrimEnd('.') + " (" + innermost.Message.TrimEnd('.') + ")";
        return text.ReplaceLineEndings(" ");
    }

    private static string? First(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static async ValueTask<Stream> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
