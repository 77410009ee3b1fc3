using System.Text;
using Scraper.Export;

namespace Scraper.Cli;

/// <summary>
/// Where a command that writes one document (a feed, a report) puts it: the standard output, or <c>--out FILE</c> written
/// in full or not at all (<see cref="AtomicFile"/>). The file is opened before any work, so an <c>--out</c> that cannot be
/// written is a usage error before the archive is read.
/// </summary>
public sealed class OutputFile : IAsyncDisposable
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private readonly AtomicFile? file;

    private OutputFile(string? path, AtomicFile? file)
    {
        Path = path;
        this.file = file;
    }

    /// <summary>The file's path as given; null for the standard output.</summary>
    public string? Path { get; }

    /// <param name="path">A file path; null or <c>-</c> for the standard output.</param>
    public static OutputFile Open(string? path, string optionName = "--out")
    {
        if (path is null or "-")
            return new OutputFile(null, null);
        if (string.IsNullOrWhiteSpace(path))
            throw new UsageException($"{optionName} is empty: give a file path, or - for the standard output");
        try
        {
            return new OutputFile(path, AtomicFile.Create(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{optionName} '{path}' cannot be written ({e.Message.TrimEnd('.')})");
        }
    }

    /// <summary>Writes the whole document and, for a file, moves it into place.</summary>
    public async Task WriteAsync(CliContext context, string text, CancellationToken cancellationToken)
    {
        if (file is null)
        {
            await context.Out.WriteAsync(text);
            await context.Out.FlushAsync(cancellationToken);
            return;
        }
        try
        {
            await file.Stream.WriteAsync(Utf8.GetBytes(text), cancellationToken);
            await file.CommitAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandFailedException($"writing {Path} failed ({e.Message.TrimEnd('.')}); it was left as it was");
        }
    }

    public ValueTask DisposeAsync() => file?.DisposeAsync() ?? ValueTask.CompletedTask;
}
