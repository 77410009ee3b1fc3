using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Scraper.Tests.Watching;

/// <summary>One request a <see cref="WebhookReceiver"/> got; <see cref="At"/> is measured from the receiver's start.</summary>
public sealed record ReceivedPost(TimeSpan At, string Method, string Path, string? ContentType, string? UserAgent, string Body);

/// <summary>
/// A webhook endpoint on 127.0.0.1 (a real Kestrel server on a free port): it logs every request with its body and
/// answers with scripted statuses, one per request, the last repeating.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private readonly List<ReceivedPost> _posts = [];
    private (int Status, string? RetryAfter)[] _answers = [(204, null)];
    private int _next;

    private WebhookReceiver(WebApplication app) => _app = app;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddLogging(logging => logging.ClearProviders());
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.Port = new Uri(address).Port;
        return receiver;
    }

    public int Port { get; private set; }

    /// <summary>A URL on this receiver, with a secret-looking path as Slack's webhooks have.</summary>
    public Uri Url(string path = "/services/T000/B000/s3cr3t") => new($"http://127.0.0.1:{Port}{path}");

    public IReadOnlyList<ReceivedPost> Posts
    {
        get { lock (_gate) return _posts.ToArray(); }
    }

    /// <summary>The statuses to answer with, in order; the last one repeats.</summary>
    public void Answer(params (int Status, string? RetryAfter)[] answers)
    {
        lock (_gate)
        {
            _answers = answers;
            _next = 0;
        }
    }

    public void Answer(params int[] statuses) => Answer(statuses.Select(s => (s, (string?)null)).ToArray());

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        (int Status, string? RetryAfter) answer;
        lock (_gate)
        {
            _posts.Add(new ReceivedPost(_clock.Elapsed, context.Request.Method, context.Request.Path.Value ?? "/",
                context.Request.ContentType, context.Request.Headers.UserAgent.ToString(), body));
            answer = _answers[Math.Min(_next++, _answers.Length - 1)];
        }
        context.Response.StatusCode = answer.Status;
        if (answer.RetryAfter is not null) context.Response.Headers.RetryAfter = answer.RetryAfter;
    }

    public async ValueTask DisposeAsync()
    {
        using (var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
            await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }
}
