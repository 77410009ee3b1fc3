using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Scraper.Archive;

namespace Scraper.Watching;

/// <summary>What a notification's body looks like: scraper's own JSON document, or Slack's <c>{"text": …}</c>.</summary>
public enum NotificationFormat { Json, Slack }

/// <summary>A webhook to tell about each run's new and changed articles.</summary>
public sealed record NotificationTarget(Uri Url, NotificationFormat Format)
{
    /// <exception cref="ArgumentException">Not an absolute http(s) URL.</exception>
    public static NotificationTarget Parse(string url, NotificationFormat format) =>
        Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
            ? new NotificationTarget(parsed, format)
            : throw new ArgumentException($"'{url}' is not an http(s) URL");

    /// <summary>
    /// The URL as it may be shown and stored: scheme, host and port only. A webhook's path and query are its secret
    /// (Slack's <c>/services/T…/B…/…</c>), and the archive holding the error may be shared.
    /// </summary>
    public string Redacted => Url.GetLeftPart(UriPartial.Authority) + (Url.PathAndQuery is "/" or "" ? "/" : "/…");
}

/// <param name="MaxAttempts">Tries per notification, the first included.</param>
/// <param name="BaseDelay">The wait before the second try; it doubles before each further one (with ±20% jitter).</param>
/// <param name="MaxDelay">The longest wait between two tries, also for a receiver's Retry-After.</param>
/// <param name="AttemptTimeout">How long one POST may take.</param>
/// <param name="MaxArticles">Articles listed in one notification; the rest are counted (<c>articles_left_out</c>).</param>
public sealed record NotifyOptions(
    int MaxAttempts = 4,
    TimeSpan? BaseDelay = null,
    TimeSpan? MaxDelay = null,
    TimeSpan? AttemptTimeout = null,
    int MaxArticles = 1000,
    string UserAgent = Fetching.FetchOptions.DefaultUserAgent)
{
    public TimeSpan EffectiveBaseDelay => BaseDelay ?? TimeSpan.FromSeconds(1);
    public TimeSpan EffectiveMaxDelay => MaxDelay ?? TimeSpan.FromSeconds(30);
    public TimeSpan EffectiveAttemptTimeout => AttemptTimeout ?? TimeSpan.FromSeconds(15);
}

/// <summary>How one notification went.</summary>
/// <param name="Error">Why it was not delivered; null when it was.</param>
public sealed record NotificationOutcome(NotificationTarget Target, int Attempts, string? Error)
{
    public bool Delivered => Error is null;
}

/// <summary>
/// Tells webhooks what a crawl run found: after a run that showed new or changed articles, one POST per target of the
/// run's <see cref="RunReport"/> (JSON, or Slack's format). A POST is tried again with exponential backoff after a
/// network failure, a timeout, 408, 429 or a 5xx (a Retry-After is honoured up to <see cref="NotifyOptions.MaxDelay"/>);
/// any other status is final. A notification that fails is recorded in the run's errors (kind <c>notify</c>, the URL
/// without its secret path); the archive and the run's status are untouched, so the crawl's exit code is too.
/// </summary>
public sealed class RunNotifier : IDisposable
{
    private readonly HttpClient _client;
    private readonly IReadOnlyList<NotificationTarget> _targets;
    private readonly NotifyOptions _options;
    private readonly TimeProvider _time;

    public RunNotifier(IReadOnlyList<NotificationTarget> targets, NotifyOptions? options = null, TimeProvider? time = null)
    {
        _targets = targets;
        _options = options ?? new NotifyOptions();
        if (_options.MaxAttempts < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxAttempts must be at least 1.");
        _time = time ?? TimeProvider.System;
        // No redirects: a POST redirected becomes a GET elsewhere; a moved webhook is an error to fix, not to follow.
        _client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, ConnectTimeout = _options.EffectiveAttemptTimeout })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public IReadOnlyList<NotificationTarget> Targets => _targets;

    /// <summary>
    /// Sends the run's report to every target if the run found new or changed articles; returns each outcome (none when
    /// there was nothing to tell). Failures are recorded in the run's errors before this returns.
    /// </summary>
    /// <param name="cancellationToken">Cuts the tries short (a stop signal); the failure is still recorded.</param>
    public async Task<IReadOnlyList<NotificationOutcome>> NotifyAsync(ArchiveStore store, long runId, CancellationToken cancellationToken = default)
    {
        var report = await RunReport.ReadAsync(store, runId, CancellationToken.None);
        if (report is null) return [];
        var outcomes = new List<NotificationOutcome>();
        foreach (var target in _targets)
        {
            var body = target.Format == NotificationFormat.Slack ? report.ToSlack(_options.MaxArticles) : report.ToJson(_options.MaxArticles);
            var outcome = await SendAsync(target, body, cancellationToken);
            if (!outcome.Delivered)
                await store.Runs.RecordErrorAsync(runId, target.Redacted, new CrawlError("notify", outcome.Error!), CancellationToken.None);
            outcomes.Add(outcome);
        }
        return outcomes;
    }

    /// <summary>POSTs one body, trying again as the class remarks say; never throws but for a bug.</summary>
    public async Task<NotificationOutcome> SendAsync(NotificationTarget target, string body, CancellationToken cancellationToken = default)
    {
        var what = $"notification ({target.Format.ToString().ToLowerInvariant()}) to {target.Redacted}";
        string failure = "not sent";
        var attempt = 0;
        while (attempt < _options.MaxAttempts)
        {
            attempt++;
            TimeSpan? retryAfter = null;
            bool transient;
            try
            {
                using var timeout = new CancellationTokenSource(_options.EffectiveAttemptTimeout, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                using var request = new HttpRequestMessage(HttpMethod.Post, target.Url)
                {
                    Content = new StringContent(body, new UTF8Encoding(false), new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" }),
                };
                request.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
                var status = (int)response.StatusCode;
                if (status is >= 200 and < 300)
                    return new NotificationOutcome(target, attempt, null);
                failure = $"HTTP {status}" + (string.IsNullOrEmpty(response.ReasonPhrase) ? "" : " " + response.ReasonPhrase)
                          + (status is >= 300 and < 400 && response.Headers.Location is { } location ? $" (redirected to {location.GetLeftPart(UriPartial.Authority)})" : "");
                transient = status is 408 or 429 || status >= 500;
                retryAfter = RetryAfter(response.Headers.RetryAfter);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return new NotificationOutcome(target, attempt, $"{what} stopped after {Attempts(attempt)}: the crawl was stopping");
            }
            catch (OperationCanceledException)
            {
                failure = $"no answer within {_options.EffectiveAttemptTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
                transient = true;
            }
            catch (HttpRequestException e)
            {
                failure = OneLine(e);
                transient = true;
            }
            if (!transient || attempt == _options.MaxAttempts)
                break;
            try
            {
                await Task.Delay(Backoff(attempt, retryAfter), _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return new NotificationOutcome(target, attempt, $"{what} stopped after {Attempts(attempt)} ({failure}): the crawl was stopping");
            }
        }
        return new NotificationOutcome(target, attempt, $"{what} failed after {Attempts(attempt)}: {failure}");
    }

    /// <summary>The wait before try <paramref name="attempt"/> + 1: the receiver's Retry-After if it gave one, else exponential with jitter.</summary>
    internal TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var max = _options.EffectiveMaxDelay;
        if (retryAfter is { } wait) return wait < max ? wait : max;
        var exponential = _options.EffectiveBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        var jittered = exponential * (0.8 + 0.4 * Random.Shared.NextDouble());
        return TimeSpan.FromMilliseconds(Math.Min(jittered, max.TotalMilliseconds));
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - _time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static string Attempts(int n) => n == 1 ? "1 attempt" : $"{n} attempts";

    private static string OneLine(Exception e)
    {
        var innermost = e;
        while (innermost.InnerException is not null) innermost = innermost.InnerException;
        var text = innermost == e ? e.Message : e.Message.TrimEnd('.') + " (" + innermost.Message.TrimEnd('.') + ")";
        return text.ReplaceLineEndings(" ");
    }

    public void Dispose() => _client.Dispose();
}
