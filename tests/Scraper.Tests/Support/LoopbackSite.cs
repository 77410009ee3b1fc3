using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Scraper.Tests.Support;

/// <summary>One request as the server saw it; <see cref="At"/> is measured on the server's <see cref="LoopbackSite.Clock"/>.</summary>
public sealed record LoggedRequest(TimeSpan At, string Method, string Host, string Path, string Query,
    IReadOnlyDictionary<string, string> Headers)
{
    public string PathAndQuery => Path + Query;
    public string? IfNoneMatch => Headers.GetValueOrDefault("If-None-Match");
    public string? IfModifiedSince => Headers.GetValueOrDefault("If-Modified-Since");
    public string? UserAgent => Headers.GetValueOrDefault("User-Agent");
}

/// <summary>
/// A real Kestrel web server on 127.0.0.1 (a free port) serving a folder laid out like <c>samples/</c>
/// (<c>ROOT/&lt;host&gt;/&lt;path&gt;</c>), with scripted answers on chosen paths and a log of every request.
/// The folder is chosen by the Host header, so a client that connects here for <c>en.wuxi.gov.cn</c>
/// (see <c>HttpPageSourceOptions.HostOverrides</c>) gets that site; a request to <c>127.0.0.1:port</c> gets
/// <see cref="DefaultHost"/>. Files are answered with an ETag and Last-Modified and conditional GETs get 304.
/// </summary>
public sealed class LoopbackSite : IAsyncDisposable
{
    private readonly WebApplication _app;
    private TimeProvider _clock = TimeProvider.System;
    private long _clockOrigin = TimeProvider.System.GetTimestamp();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Script> _scripts = new(StringComparer.Ordinal);
    private readonly List<LoggedRequest> _log = [];
    private readonly bool _ownsRoot;

    private LoopbackSite(WebApplication app, string root, bool ownsRoot, string? defaultHost)
    {
        _app = app;
        Root = root;
        _ownsRoot = ownsRoot;
        DefaultHost = defaultHost;
    }

    /// <param name="root">Folder with one subfolder per host; null for a new empty temp folder (deleted on dispose).</param>
    /// <param name="defaultHost">The host folder served to requests addressed to 127.0.0.1 itself.</param>
    public static async Task<LoopbackSite> StartAsync(string? root = null, string? defaultHost = null)
    {
        var ownsRoot = root is null;
        root ??= Directory.CreateTempSubdirectory("loopback-site-").FullName;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = root });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddLogging(logging => logging.ClearProviders());
        var app = builder.Build();
        var site = new LoopbackSite(app, root, ownsRoot, defaultHost);
        app.Run(site.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        site.Port = new Uri(address).Port;
        return site;
    }

    public string Root { get; }

    /// <summary>The clock that stamps requests (<see cref="LoggedRequest.At"/>, from when it was set): a test that runs the
    /// downloader on a fake clock sets the same one here, so gaps between requests are the waits the code asked for.</summary>
    public TimeProvider Clock
    {
        get => _clock;
        set
        {
            lock (_gate)
            {
                _clock = value;
                _clockOrigin = value.GetTimestamp();
            }
        }
    }

    public int Port { get; private set; }

    /// <summary>The host folder for requests addressed to 127.0.0.1 (or localhost) itself.</summary>
    public string? DefaultHost { get; set; }

    /// <summary>Whether answers carry ETag and Last-Modified and conditional GETs get 304.</summary>
    public bool Validators { get; set; } = true;

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    public Uri BaseUri => new($"http://127.0.0.1:{Port}/");

    /// <summary>An absolute URL on this server, addressed to 127.0.0.1.</summary>
    public Uri Url(string pathAndQuery) => new(BaseUri, pathAndQuery);

    /// <summary>Writes a file into the served folder.</summary>
    public string AddFile(string host, string path, byte[] content)
    {
        var full = System.IO.Path.Combine(Root, host, path.TrimStart('/').Replace('/', System.IO.Path.DirectorySeparatorChar));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
        return full;
    }

    public string AddFile(string host, string path, string content) => AddFile(host, path, Encoding.UTF8.GetBytes(content));

    /// <summary>Scripts the answers to a path (any host): each request takes the next answer, the last repeats.
    /// Replaces an earlier script for the path, so a test can change a page between two crawls.</summary>
    public LoopbackSite On(string path, params LoopbackResponse[] answers) => On(null, path, answers);

    /// <summary>Scripts the answers to a path on one host only (a host script wins over an any-host one).</summary>
    public LoopbackSite On(string? host, string path, params LoopbackResponse[] answers)
    {
        if (answers.Length == 0) throw new ArgumentException("At least one answer.", nameof(answers));
        lock (_gate) _scripts[ScriptKey(host, path)] = new Script(answers);
        return this;
    }

    public LoopbackSite Robots(string text, string? host = null) =>
        On(host, "/robots.txt", LoopbackResponse.Content(Encoding.UTF8.GetBytes(text), "text/plain; charset=utf-8"));

    public IReadOnlyList<LoggedRequest> Requests
    {
        get { lock (_gate) return _log.ToArray(); }
    }

    public IReadOnlyList<LoggedRequest> RequestsTo(string path) => Requests.Where(r => r.Path == path).ToArray();

    public void ClearLog()
    {
        lock (_gate) _log.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        using (var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
            await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
        if (_ownsRoot)
        {
            try { Directory.Delete(Root, recursive: true); }
            catch (IOException) { }
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var host = HostFolder(request.Host.Host);
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        LoopbackResponse answer;
        lock (_gate)
        {
            _log.Add(new LoggedRequest(_clock.GetElapsedTime(_clockOrigin), request.Method, request.Host.Value ?? "", request.Path.Value ?? "/",
                request.QueryString.Value ?? "", headers));
            var script = _scripts.GetValueOrDefault(ScriptKey(host, request.Path.Value ?? "/"))
                ?? _scripts.GetValueOrDefault(ScriptKey(null, request.Path.Value ?? "/"));
            answer = script?.Next() ?? LoopbackResponse.FromFolder;
        }
        try
        {
            await answer.WriteAsync(context, this, host);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up (timeout, size limit): nothing more to send.
        }
    }

    internal string? FileFor(string? host, string path)
    {
        if (host is null) return null;
        var relative = Uri.UnescapeDataString(path).TrimStart('/');
        if (relative.Length == 0 || relative.EndsWith('/')) relative += "index.html";
        var hostRoot = System.IO.Path.GetFullPath(System.IO.Path.Combine(Root, host));
        var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(hostRoot, relative));
        return full.StartsWith(hostRoot + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(full) ? full : null;
    }

    /// <summary>Writes a body with validators, or a 304 when the request's validators match.</summary>
    internal async Task WriteBodyAsync(HttpContext context, byte[] body, string contentType, DateTimeOffset lastModified, int status = 200)
    {
        var response = context.Response;
        if (Validators)
        {
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(body))[..16] + "\"";
            var modified = lastModified.ToString("r", CultureInfo.InvariantCulture);
            response.Headers.ETag = etag;
            response.Headers.LastModified = modified;
            var request = context.Request.Headers;
            var notModified = request.IfNoneMatch.Count > 0
                ? request.IfNoneMatch.ToString().Split(',').Any(t => t.Trim() == etag || t.Trim() == "*")
                : request.IfModifiedSince.Count > 0
                  && DateTimeOffset.TryParse(request.IfModifiedSince.ToString(), CultureInfo.InvariantCulture,
                      DateTimeStyles.AssumeUniversal, out var since)
                  && lastModified <= since;
            if (notModified && status == 200)
            {
                response.StatusCode = 304;
                return;
            }
        }
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    private string? HostFolder(string requestHost) =>
        requestHost is "127.0.0.1" or "localhost" or "[::1]" ? DefaultHost : requestHost.ToLowerInvariant();

    private static string ScriptKey(string? host, string path) => (host?.ToLowerInvariant() ?? "*") + " " + path;

    private sealed class Script(LoopbackResponse[] answers)
    {
        private int _next;

        public LoopbackResponse Next() => answers[Math.Min(_next++, answers.Length - 1)];
    }
}

/// <summary>A scripted answer of a <see cref="LoopbackSite"/>.</summary>
public abstract class LoopbackResponse
{
    /// <summary>The file from the served folder (404 when there is none).</summary>
    public static LoopbackResponse FromFolder { get; } = new FolderResponse();

    /// <summary>A bare status, e.g. 500, or 429 with <c>Retry-After</c>.</summary>
    public static LoopbackResponse Status(int status, string? retryAfter = null) => new StatusResponse(status, retryAfter);

    /// <summary>Aborts the connection (a reset), before any byte or after <paramref name="afterBodyBytes"/> of a body.</summary>
    public static LoopbackResponse Reset(int afterBodyBytes = 0) => new ResetResponse(afterBodyBytes);

    /// <summary>Waits before answering (with <paramref name="then"/>, or the folder's file).</summary>
    public static LoopbackResponse Slow(TimeSpan delay, LoopbackResponse? then = null) => new SlowResponse(delay, then ?? FromFolder);

    public static LoopbackResponse Redirect(string location, int status = 302) => new RedirectResponse(status, location);

    /// <summary>Fixed bytes with a fixed Content-Type (an image as text/html, a GBK page…), with validators.</summary>
    public static LoopbackResponse Content(byte[] body, string contentType) => new ContentResponse(body, contentType, Now());

    public static LoopbackResponse Html(string html, string contentType = "text/html; charset=utf-8") =>
        Content(Encoding.UTF8.GetBytes(html), contentType);

    /// <summary>A body sent gzip-compressed (Content-Encoding: gzip), as most servers send HTML.</summary>
    public static LoopbackResponse Gzip(byte[] body, string contentType) => new GzipResponse(body, contentType);

    /// <summary>A generated body of <paramref name="length"/> bytes, streamed (with or without Content-Length).</summary>
    public static LoopbackResponse Large(long length, string contentType = "text/html", bool announceLength = true) =>
        new LargeResponse(length, contentType, announceLength);

    internal abstract Task WriteAsync(HttpContext context, LoopbackSite site, string? host);

    // Validators have one-second resolution: a page changed within the second must still get a new Last-Modified.
    private static DateTimeOffset Now()
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }

    private sealed class FolderResponse : LoopbackResponse
    {
        internal override async Task WriteAsync(HttpContext context, LoopbackSite site, string? host)
        {
            var file = site.FileFor(host, context.Request.Path.Value ?? "/");
            if (file is null)
            {
                context.Response.StatusCode = 404;
                return;
            }
            var modified = File.GetLastWriteTimeUtc(file);
            var lastModified = new DateTimeOffset(modified.Ticks - modified.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
            await site.WriteBodyAsync(context, await File.ReadAllBytesAsync(file, context.RequestAborted),
                Scraper.Fetching.ContentTypes.ForFileName(file), lastModified);
        }
    }

    private sealed class StatusResponse(int status, string? retryAfter) : LoopbackResponse
    {
        internal override Task WriteAsync(HttpContext context, LoopbackSite site, string? host)
        {
            context.Response.StatusCode = status;
            if (retryAfter is not null) context.Response.Headers.RetryAfter = retryAfter;
            return Task.CompletedTask;
        }
    }

    private sealed class ResetResponse(int afterBodyBytes) : LoopbackResponse
    {
        internal override async Task WriteAsync(HttpContext context, LoopbackSite site, string? host)
        {
            if (afterBodyBytes > 0)
            {
                context.Response.ContentType = "text/html";
                context.Response.ContentLength = afterBodyBytes * 2L;
                await context.Response.Body.WriteAsync(new byte[afterBodyBytes], context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
            context.Abort();
        }
    }

    private sealed class SlowResponse(TimeSpan delay, LoopbackResponse then) : LoopbackResponse
    {
        internal override async Task WriteAsync(HttpContext context, LoopbackSite site, string? host)
        {
            await Task.Delay(delay, context.RequestAborted);
            await then.WriteAsync(context, site, host);
        }
    }

    private sealed class RedirectResponse(int status, string location) : LoopbackResponse
    {
        internal override Task WriteAsync(HttpContext context, LoopbackSite site, string? host)
        {
            context.Response.StatusCode = status;
            context.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }

    private sealed class ContentResponse(byte[] body, string contentType, DateTimeOffset lastModified) : LoopbackResponse
    {
        internal override Task WriteAsync(HttpContext context, LoopbackSite site, string? host) =>
            site.WriteBodyAsync(context, body, contentType, lastModified);
    }

    private sealed class GzipResponse(byte[] body, string contentType) : LoopbackResponse
    {
        internal override async Task WriteAsync(HttpContext context, LoopbackSite site, string? host)
        {
            using var compressed = new MemoryStream();
            await using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
                await gzip.WriteAsync(body);
            context.Response.ContentType = contentType;
            context.Response.Headers.ContentEncoding = "gzip";
            context.Response.ContentLength = compressed.Length;
            await context.Response.Body.WriteAsync(compressed.ToArray(), context.RequestAborted);
        }
    }

    private sealed class LargeResponse(long length, string contentType, bool announceLength) : LoopbackResponse
    {
        internal override async Task WriteAsync(HttpContext context, LoopbackSite site, string? host)
        {
            context.Response.ContentType = contentType;
            if (announceLength) context.Response.ContentLength = length;
            var chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("<p>filler filler filler</p>\n", 2400)));
            for (long sent = 0; sent < length;)
            {
                var count = (int)Math.Min(chunk.Length, length - sent);
                await context.Response.Body.WriteAsync(chunk.AsMemory(0, count), context.RequestAborted);
                sent += count;
            }
        }
    }
}
