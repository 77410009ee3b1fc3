namespace Scraper.Cli;

/// <summary>The exit codes every command shares; README and <c>--help</c> document them.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Some inputs or URLs failed; the others were processed.</summary>
    public const int Partial = 1;
    /// <summary>
    /// The page, revision or run asked for is not in the archive (<c>show</c>, <c>history</c>, <c>diff</c>, <c>errors</c>): the
    /// archive was read, the answer is "not there", so 1 like a partial result rather than 4 (nothing could be done).
    /// </summary>
    public const int NotFound = 1;
    public const int Usage = 2;
    public const int Locked = 3;
    /// <summary>Nothing could be done (no input could be read, nothing fetched).</summary>
    public const int Failed = 4;
}
