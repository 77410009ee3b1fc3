namespace Scraper.Cli;

/// <summary>
/// Each command's examples and the exit codes it can return, shown at the end of its help (<see cref="CommandConventions"/>).
/// Keyed by the command's path (<c>"config show"</c>). A new command gets a line here; a test fails until it has one.
/// </summary>
public static class CommandHelp
{
    public sealed record Entry(string[] Examples, (int Code, string Meaning)[] ExitCodes);

    private static readonly (int, string) Ok = (0, "ok");
    private static readonly (int, string) Usage = (2, "usage: a bad option, argument or value");
    private static readonly (int, string) Locked = (3, "the archive is locked by a crawl");
    private static readonly (int, string) NoArchive = (4, "failed: no archive, or it cannot be read");
    private static readonly (int, string) NotFound = (1, "unknown page or revision (or run): not in the archive");
    private static readonly (int, string) Interrupted = (130, "stopped by SIGINT (143: SIGTERM)");

    public static IReadOnlyDictionary<string, Entry> Entries { get; } = new Dictionary<string, Entry>
    {
        [""] = new(
            ["scraper crawl --mirror samples", "scraper search semiconductor --site wnd.gov.cn", "scraper help export"],
            [Ok, (1, "partial: some inputs or URLs failed, the others were done"), Usage, Locked,
             (4, "failed: nothing could be done"), Interrupted]),
        ["extract"] = new(
            ["scraper extract samples/en.wuxi.gov.cn/2023-11/23/c_941797.htm",
             "scraper extract saved.html --url https://www.wndonline.cn/2019-06/04/c_346512.htm -f markdown",
             "scraper extract -i pages.txt -f text > articles.txt"],
            [Ok, (1, "some inputs could not be extracted (one line each on stderr); the others were"), Usage]),
        ["import"] = new(
            ["scraper import samples", "scraper import saved.html --url https://en.wuxi.gov.cn/2023-11/23/c_941797.htm"],
            [Ok, (1, "some files could not be imported; the others were"), Usage, Locked, (4, "failed: nothing could be imported")]),
        ["list"] = new(["scraper list", "scraper list --site wnd.gov.cn --since 2024-01-01 -f json"], [Ok, Usage, NoArchive]),
        ["show"] = new(
            ["scraper show 12", "scraper show https://en.wuxi.gov.cn/2023-11/23/c_941797.htm --revision 1 -f text"],
            [Ok, NotFound, Usage, NoArchive]),
        ["history"] = new(["scraper history 12", "scraper history https://en.wuxi.gov.cn/2023-11/23/c_941797.htm -f json"],
            [Ok, NotFound, Usage, NoArchive]),
        ["search"] = new(
            ["scraper search semiconductor", "scraper search '\"integrated circuit\" OR chip*' --site wnd.gov.cn --limit 5 -f json"],
            [Ok, Usage, NoArchive]),
        ["stats"] = new(["scraper stats", "scraper stats -f json -d /var/lib/scraper/archive.db"], [Ok, Usage, NoArchive]),
        ["reextract"] = new(["scraper reextract", "scraper reextract -d /var/lib/scraper/archive.db"],
            [Ok, (1, "some captures could not be extracted again; the others were"), Usage, Locked, (4, "failed: nothing could be done")]),
        ["crawl"] = new(
            ["scraper crawl --mirror samples", "scraper crawl --site wnd.gov.cn --max-pages 200 -q", "scraper crawl --every 6h -f json"],
            [Ok, (1, "partial: some URLs failed, the rest was archived"), Usage, (3, "another crawl holds the archive (see --wait)"),
             (4, "failed: nothing could be fetched"), Interrupted]),
        ["diff"] = new(
            ["scraper diff 12", "scraper diff 12 --from 1 --to 3 -f json", "scraper diff 12 -f html -o /tmp/diff.html"],
            [Ok, NotFound, Usage, NoArchive]),
        ["export"] = new(
            ["scraper export -o articles.csv --bom", "scraper export --site wnd.gov.cn --since 2024-01-01 -f jsonl > wnd-2024.jsonl",
             "scraper export -f warc --all-revisions -o archive.warc.gz"],
            [Ok, (2, "usage: a bad option or value, or an --out that cannot be written"), Locked,
             (4, "failed: nothing matched the selection, no archive, or writing failed"), Interrupted]),
        ["copy"] = new(
            ["scraper copy --from archive.db --to postgresql://scraper@db.example.org/wuxi",
             "scraper copy --from postgresql://scraper@db.example.org/wuxi --to backup.db -f json",
             "scraper copy --from archive.db --to postgresql://scraper@db.example.org/wuxi --append -q"],
            [Ok, (2, "usage: a bad option or address, or --from and --to the same archive"), (3, "the destination is locked by a writer"),
             (4, "failed: no source archive, a server that cannot be reached or refuses the login, a destination that is not an archive, "
                 + "not empty (without --append) or holding other rows, or the verification found a difference")]),
        ["runs"] = new(["scraper runs", "scraper runs --last 5 -f json"], [Ok, Usage, NoArchive]),
        ["errors"] = new(["scraper errors", "scraper errors --run 12 -f json"], [Ok, NotFound, Usage, NoArchive]),
        ["changes"] = new(
            ["scraper changes", "scraper changes --since 7d --site wnd.gov.cn -f json",
             "scraper changes --since 30d -f atom -o changes.atom --exit-code"],
            [Ok, (1, "with --exit-code: there were changes (0: none)"), Usage, NoArchive]),
        ["report"] = new(
            ["scraper report -o report.html", "scraper report --since 2024-01-01 --site wnd.gov.cn -o wnd.html"],
            [Ok, Usage, NoArchive]),
        ["sections"] = new(["scraper sections", "scraper sections --site wnd.gov.cn -f json"], [Ok, Usage, NoArchive]),
        ["completion"] = new(
            ["scraper completion bash > ~/.local/share/bash-completion/completions/scraper",
             "scraper completion zsh > \"${fpath[1]}/_scraper\"", "scraper completion fish > ~/.config/fish/completions/scraper.fish"],
            [Ok, Usage]),
        ["rules"] = new(["scraper rules check", "scraper rules check --site wnd.gov.cn --since 7d -f json"], [Ok, Usage, NoArchive]),
        ["rules check"] = new(
            ["scraper rules check", "scraper rules check --site wnd.gov.cn --since 7d -f json", "scraper rules check --rules fixed-rules.json"],
            [Ok, Usage, (4, "nothing to check (no page captured in the window), or no archive")]),
        ["help"] = new(["scraper help", "scraper help export", "scraper help config show"], [Ok, Usage]),
        ["config"] = new(["scraper config show", "scraper config show --config team.toml"], [Ok, Usage]),
        ["config show"] = new(["scraper config show", "scraper config show --config team.toml -d other.db"], [Ok, Usage]),
    };
}
