using System.Runtime.CompilerServices;
using Polly;
using Polly.Retry;

namespace Scraper.Fetching;

/// <summary>
/// The fetching stage's public face, modelled on Scrapy's downloader: every request goes robots.txt →
/// per-host throttle → retries → <see cref="IPageSource"/>, and redirects are followed here (at most
/// <see cref="FetchOptions.MaxRedirects"/>, only to http(s) URLs on hosts in scope), so a mirror crawl and
/// a live crawl take the same path. One instance per run: robots.txt is fetched once per origin per
/// instance and the throttle's memory of each host lives in it. Safe for concurrent use.
/// </summary>
/// <remarks>
/// robots.txt answers: 2xx → its rules; 4xx, or redirects that cannot be followed → everything allowed
/// (RFC 9309 "unavailable"); 5xx, 429 or no answer after the retries → the whole origin disallowed for this
/// run (RFC 9309 "unreachable", Google's rule), so a struggling server is left alone rather than crawled blind.
/// </remarks>
public sealed class Downloader
{
    private const string PageAccept = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8";
    private const string ImageAccept = "image/avif,image/webp,image/png,image/jpeg,image/*;q=0.8,*/*;q=0.5";
    private const string RobotsAccept = "text/plain,*/*;q=0.5";

    private readonly IPageSource _source;
    private readonly TimeProvider _time;
    private readonly HostThrottle _throttle;
    private readonly RobotsCache _robots;
    private readonly ResiliencePipeline<HopOutcome> _retry;

    public Downloader(IPageSource source, FetchOptions? options = null, TimeProvider? timeProvider = null)
    {
        _source = source;
        Options = options ?? new FetchOptions();
        if (Options.MaxRedirects < 0) throw new ArgumentOutOfRangeException(nameof(options), "MaxRedirects cannot be negative.");
        if (Options.MaxBodyBytes < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxBodyBytes must be positive.");
        _time = timeProvider ?? TimeProvider.System;
        _throttle = new HostThrottle(Options.MaxConcurrentPerHost, _time);
        _robots = new RobotsCache(FetchRobotsAsync);
        _retry = BuildRetryPipeline(Options.Retry, _time);
    }

    public FetchOptions Options { get; }

    /// <summary>Origins whose robots.txt this run has fetched.</summary>
    public int RobotsFetched => _robots.Count;

    /// <summary>Raised once per origin when its robots.txt has been fetched (or found unreachable), from the fetching
    /// thread: the crawler records the answer as a capture, and an unreachable robots.txt as the host's error.</summary>
    public event Action<RobotsFetch>? RobotsAnswered;

    /// <summary>The robots.txt rules for a URL's origin, fetched on first use (the crawler reads Sitemap lines here).</summary>
    public Task<RobotsRules> GetRobotsAsync(Uri url, HostScope? scope, CancellationToken cancellationToken) =>
        _robots.GetAsync(url, scope ?? HostScope.Of(url), cancellationToken);

    /// <summary>Downloads one URL. Faults are returned in the result, never thrown; only cancellation throws.</summary>
    public async Task<FetchResult> FetchAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        if (!request.Url.IsAbsoluteUri) throw new ArgumentException("The URL must be absolute: " + request.Url, nameof(request));
        var started = _time.GetTimestamp();
        var requested = WithoutFragment(request.Url);
        var scope = request.Scope ?? HostScope.Of(requested);
        var trace = new Trace(requested, started);

        if (!HostScope.IsHttp(requested))
            return Failed(trace, FetchErrorKind.OutOfScope, "not an http(s) URL: " + requested);
        if (!scope.Contains(requested))
            return Failed(trace, FetchErrorKind.OutOfScope, $"host {requested.Authority} is not among the crawl's hosts");

        while (true)
        {
            var robots = await _robots.GetAsync(trace.Current, scope, cancellationToken).ConfigureAwait(false);
            var verdict = robots.Check(trace.Current);
            if (robots.Unreachable)
                return Failed(trace, FetchErrorKind.RobotsUnreachable, $"not fetched: {robots.Description}; the host is closed for this run");
            if (!verdict.Allowed)
                return Failed(trace, FetchErrorKind.DisallowedByRobots, $"disallowed by {robots.Description} ({verdict.Rule})");

            var sourceRequest = new SourceRequest(trace.Current)
            {
                UserAgent = Options.UserAgent,
                Accept = request.Kind == FetchContentKind.Image ? ImageAccept : PageAccept,
                // The validators of the previous capture are sent on every hop: the crawler keys them by the
                // requested URL, and a redirect's target is what they were recorded from.
                IfNoneMatch = request.IfNoneMatch,
                IfModifiedSince = request.IfModifiedSince,
                MaxBodyBytes = Options.MaxBodyBytes,
            };
            var hop = await SendWithRetriesAsync(sourceRequest, IntervalFor(robots), cancellationToken).ConfigureAwait(false);
            trace.Attempts += hop.Attempts;
            if (hop.Outcome.Response is not { } response)
                return Failed(trace, hop.Outcome.Kind, AfterAttempts(hop.Outcome.Message!, hop.Attempts));

            if (!IsRedirect(response.StatusCode) || response.Location is null)
                return Complete(trace, request, response, hop.Attempts);

            if (!Uri.TryCreate(trace.Current, response.Location.Trim(), out var target))
                return Failed(trace, FetchErrorKind.ProtocolError, $"redirect with an unusable Location: {response.Location}", response);
            target = WithoutFragment(target);
            if (!HostScope.IsHttp(target))
                return Failed(trace, FetchErrorKind.RedirectOutOfScope, $"redirect to a non-http(s) URL: {target}", response);
            if (!scope.Contains(target))
                return Failed(trace, FetchErrorKind.RedirectOutOfScope, $"redirect to {target}, outside the crawl's hosts", response);
            if (target == trace.Requested || trace.Redirects.Contains(target))
                return Failed(trace, FetchErrorKind.RedirectLoop,
                    "redirect loop: " + string.Join(" → ", trace.Chain().Append(target).Select(u => u.PathAndQuery)), response);
            if (trace.Redirects.Count >= Options.MaxRedirects)
                return Failed(trace, FetchErrorKind.TooManyRedirects, $"more than {Options.MaxRedirects} redirects", response);
            trace.Redirects.Add(target);
        }
    }

    private FetchResult Complete(Trace trace, FetchRequest request, SourceResponse response, int hopAttempts)
    {
        var status = response.StatusCode;
        var statusText = $"HTTP {status}" + (string.IsNullOrEmpty(response.ReasonPhrase) ? "" : " " + response.ReasonPhrase);
        if (status == 304) return Result(trace, FetchErrorKind.None, null, response);
        if (status is < 200 or >= 300)
            return Result(trace, FetchErrorKind.HttpStatus, AfterAttempts(statusText, hopAttempts), response);
        if (response.Truncated)
            return Result(trace, FetchErrorKind.TooLarge,
                $"body larger than the {Options.MaxBodyBytes:N0}-byte limit; kept the first {response.Body.Length:N0} bytes", response);
        if (request.Kind == FetchContentKind.Image && !ContentTypes.IsImage(response.ContentType))
            return Result(trace, FetchErrorKind.UnexpectedContentType,
                $"expected an image, got {ContentTypes.MediaType(response.ContentType) ?? "no Content-Type"}", response);
        return Result(trace, FetchErrorKind.None, null, response);
    }

    private FetchResult Failed(Trace trace, FetchErrorKind kind, string message, SourceResponse? response = null) =>
        Result(trace, kind, message, response);

    private FetchResult Result(Trace trace, FetchErrorKind kind, string? message, SourceResponse? response) => new()
    {
        RequestedUrl = trace.Requested,
        FinalUrl = trace.Current,
        Redirects = trace.Redirects.ToArray(),
        StatusCode = response?.StatusCode,
        Error = kind,
        ErrorMessage = message,
        ContentType = response?.ContentType,
        ETag = response?.ETag,
        LastModified = response?.LastModified,
        RetryAfter = RetryAfterHeader.Parse(response?.RetryAfter, _time.GetUtcNow()),
        Body = response?.Body ?? [],
        RequestHead = response?.RequestHead,
        Truncated = response?.Truncated ?? false,
        Attempts = trace.Attempts,
        Elapsed = _time.GetElapsedTime(trace.Started),
    };

    private static string AfterAttempts(string message, int attempts) =>
        attempts > 1 ? $"{message} (after {attempts} attempts)" : message;

    private TimeSpan IntervalFor(RobotsRules robots)
    {
        var crawlDelay = robots.CrawlDelay is { } d ? (d < Options.MaxCrawlDelay ? d : Options.MaxCrawlDelay) : TimeSpan.Zero;
        return crawlDelay > Options.HostDelay ? crawlDelay : Options.HostDelay;
    }

    private async Task<Hop> SendWithRetriesAsync(SourceRequest request, TimeSpan interval, CancellationToken cancellationToken)
    {
        var attempts = new StrongBox<int>();
        var outcome = await _retry.ExecuteAsync(
            async token =>
            {
                attempts.Value++;
                return await AttemptAsync(request, interval, token).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return new Hop(outcome, attempts.Value);
    }

    private async ValueTask<HopOutcome> AttemptAsync(SourceRequest request, TimeSpan interval, CancellationToken cancellationToken)
    {
        var host = HostThrottle.KeyOf(request.Url);
        using var lease = await _throttle.AcquireAsync(host, interval, cancellationToken).ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(Options.AttemptTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var response = await _source.SendAsync(request, linked.Token).ConfigureAwait(false);
            if (response.StatusCode is 429 or 503 && RetryAfterHeader.Parse(response.RetryAfter, _time.GetUtcNow()) is { } wait)
                _throttle.Defer(host, Min(wait, Options.Retry.MaxRetryAfter));
            return new HopOutcome(response, FetchErrorKind.None, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HopOutcome(null, FetchErrorKind.Timeout, $"timeout: no complete answer within {Options.AttemptTimeout.TotalSeconds:0.###} s");
        }
        catch (PageSourceException e)
        {
            return new HopOutcome(null, e.Kind, e.Message);
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or UriFormatException)
        {
            // HttpClient refuses some URLs that Uri accepts; one odd link must not end the crawl.
            return new HopOutcome(null, FetchErrorKind.SourceError, "request not sendable: " + e.Message.ReplaceLineEndings(" "));
        }
    }

    private async Task<RobotsRules> FetchRobotsAsync(Uri robotsUrl, HostScope scope, CancellationToken cancellationToken)
    {
        var current = robotsUrl;
        for (var redirects = 0; ; redirects++)
        {
            var request = new SourceRequest(current)
            {
                UserAgent = Options.UserAgent,
                Accept = RobotsAccept,
                MaxBodyBytes = Options.MaxRobotsBytes,
            };
            var hop = await SendWithRetriesAsync(request, Options.HostDelay, cancellationToken).ConfigureAwait(false);
            if (hop.Outcome.Response is not { } response)
                return Answered(robotsUrl, current, RobotsRules.DisallowAll($"robots.txt unreachable: {hop.Outcome.Message}"), null);

            var status = response.StatusCode;
            if (IsRedirect(status) && response.Location is not null)
            {
                if (redirects >= Options.MaxRedirects
                    || !Uri.TryCreate(current, response.Location.Trim(), out var target)
                    || !scope.Contains(target))
                    return Answered(robotsUrl, current, RobotsRules.AllowAll($"no robots.txt (redirected out of reach, HTTP {status})"), response);
                current = WithoutFragment(target);
                continue;
            }
            // Whatever part of an oversized robots.txt arrived is parsed, as RFC 9309 §2.5 allows.
            var rules = status switch
            {
                >= 200 and < 300 => RobotsRules.Parse(CharsetDecoder.Decode(response.Body, response.ContentType), Options.RobotsProductToken),
                429 or >= 500 => RobotsRules.DisallowAll($"robots.txt unreachable: HTTP {status}"),
                _ => RobotsRules.AllowAll($"no robots.txt (HTTP {status})"),
            };
            return Answered(robotsUrl, current, rules, response);
        }
    }

    private RobotsRules Answered(Uri robotsUrl, Uri answeredBy, RobotsRules rules, SourceResponse? response)
    {
        RobotsAnswered?.Invoke(new RobotsFetch(robotsUrl, answeredBy, rules, _time.GetUtcNow(), response));
        return rules;
    }

    private static ResiliencePipeline<HopOutcome> BuildRetryPipeline(RetryOptions options, TimeProvider time)
    {
        if (options.MaxAttempts < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxAttempts must be at least 1.");
        if (options.MaxAttempts == 1) return ResiliencePipeline<HopOutcome>.Empty;
        return new ResiliencePipelineBuilder<HopOutcome> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HopOutcome>
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxBackoff,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } outcome && IsTransient(outcome)),
                // A server's own Retry-After beats the computed backoff (bounded, so one header cannot stall the crawl).
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result?.Response is { StatusCode: 429 or 503 } response
                    && RetryAfterHeader.Parse(response.RetryAfter, time.GetUtcNow()) is { } wait
                        ? Min(wait, options.MaxRetryAfter)
                        : (TimeSpan?)null),
            })
            .Build();
    }

    private static bool IsTransient(HopOutcome outcome) => outcome.Response is { } response
        ? response.StatusCode is 408 or 429 || response.StatusCode >= 500 && response.StatusCode is not (501 or 505)
        : outcome.Kind is FetchErrorKind.Timeout or FetchErrorKind.ConnectionReset or FetchErrorKind.ConnectionFailed;

    private static bool IsRedirect(int status) => status is 301 or 302 or 303 or 307 or 308;

    private static Uri WithoutFragment(Uri url) => url.Fragment.Length == 0 ? url : new Uri(url.GetLeftPart(UriPartial.Query));

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>One request's answer or the fault that replaced it.</summary>
    private sealed record HopOutcome(SourceResponse? Response, FetchErrorKind Kind, string? Message);

    private sealed record Hop(HopOutcome Outcome, int Attempts);

    /// <summary>The state of one fetch as it follows redirects.</summary>
    private sealed class Trace(Uri requested, long started)
    {
        public Uri Requested { get; } = requested;
        public long Started { get; } = started;
        public List<Uri> Redirects { get; } = [];
        public int Attempts { get; set; }
        public Uri Current => Redirects.Count == 0 ? Requested : Redirects[^1];
        public IEnumerable<Uri> Chain() => Redirects.Prepend(Requested);
    }
}

/// <summary>One origin's robots.txt as a run found it.</summary>
/// <param name="Url">The robots.txt URL of the origin.</param>
/// <param name="AnsweredBy">The URL that gave the final answer (after redirects).</param>
/// <param name="Response">The final answer; null when none came (network failure, timeouts after the retries).</param>
public sealed record RobotsFetch(Uri Url, Uri AnsweredBy, RobotsRules Rules, DateTimeOffset FetchedAt, SourceResponse? Response);
