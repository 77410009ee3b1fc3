using System.CommandLine;
using Scraper.Archive;
using Scraper.Watching;

namespace Scraper.Cli;

/// <summary><c>crawl --notify URL [--notify-format json|slack]</c>: the options and the step after each run (see <see cref="RunNotifier"/>).</summary>
public static class CrawlNotifications
{
    /// <summary>How long notifications may take after a stop signal, so that the crawl still exits promptly.</summary>
    private static readonly TimeSpan StoppingBudget = TimeSpan.FromSeconds(10);

    public static Option<string[]> CreateNotifyOption() => new("--notify")
    {
        Description = "POST a JSON document to this URL after each run that found new or changed articles (repeatable); "
                      + "a failed notification is recorded in the run's errors and does not change the exit code",
        HelpName = "URL",
    };

    public static Option<string> CreateFormatOption()
    {
        var format = new Option<string>("--notify-format")
        {
            Description = "json (default: the run's summary and each article) or slack ({\"text\": …} for a Slack incoming webhook)",
            DefaultValueFactory = _ => "json",
        };
        format.AcceptOnlyFromAmong("json", "slack");
        return format;
    }

    /// <summary>The notifier for the given URLs, or null when there are none.</summary>
    public static RunNotifier? Create(string[] urls, string format)
    {
        if (urls.Length == 0) return null;
        var kind = format == "slack" ? NotificationFormat.Slack : NotificationFormat.Json;
        var targets = new List<NotificationTarget>();
        foreach (var url in urls)
        {
            try { targets.Add(NotificationTarget.Parse(url, kind)); }
            catch (ArgumentException e) { throw new UsageException($"--notify {e.Message}"); }
        }
        return new RunNotifier(targets);
    }

    /// <summary>After a run: notifies, and says on stderr what failed (and, unless quiet, what was sent).</summary>
    public static async Task SendAsync(CliContext context, RunNotifier? notifier, ArchiveStore store, long runId, bool quiet, CancellationToken stop)
    {
        if (notifier is null) return;
        using var budget = stop.IsCancellationRequested ? new CancellationTokenSource(StoppingBudget) : null;
        IReadOnlyList<NotificationOutcome> outcomes;
        try
        {
            outcomes = await notifier.NotifyAsync(store, runId, budget?.Token ?? stop);
        }
        catch (ArchiveException e)
        {
            // The run is stored whatever happens here; the notification is what failed.
            context.Error.WriteLine($"scraper: notifications for run {runId} not sent: {e.Message}");
            return;
        }
        foreach (var outcome in outcomes)
        {
            if (!outcome.Delivered)
                context.Error.WriteLine($"scraper: {outcome.Error}; recorded in the errors of run {runId}");
            else if (!quiet)
                context.Error.WriteLine($"notified {outcome.Target.Redacted} ({outcome.Target.Format.ToString().ToLowerInvariant()})");
        }
    }
}
