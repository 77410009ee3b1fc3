#!/usr/bin/env python3
"""Peak memory (resident set) of whole scraper processes on the largest pages it accepts.

    python3 bench/memory.py [--scraper 'COMMAND PREFIX'] [--runs N] [--pages N]

Cases:
  extract site     `extract` of a 19.5 MB article page of en.wuxi.gov.cn (the seed sample, its body grown with
                   distinct paragraphs), read with the site's rules
  extract generic  the same bytes under an unknown host's URL, read by the generic extractor
  crawl            `crawl` at the default concurrency (4) of a 127.0.0.1 server whose section list links --pages
                   (default 12) article pages of 9.5 MB each (the download limit is 10 MB)
Each case runs --runs times (default 3); the peak resident set of each process is taken from wait4 (ru_maxrss, the
kernel's high-water mark, so short spikes count) and the largest is printed. The scraper run is --scraper (a command
prefix), else the Release build of scraper.dll under `dotnet` (built first), as the tests run it.
"""
import argparse
import http.server
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wholeprocess as wp  # noqa: E402

SEED = os.path.join("en.wuxi.gov.cn", "2023-11", "23", "c_941797.htm")
SEED_URL = "https://en.wuxi.gov.cn/2023-11/23/c_941797.htm"
BODY_ANCHOR = "<p>Over 100 high-level executives"
LIST_ANCHOR = '<li><a href="/2023-11/23/c_941797.htm"'


def grown_page(repo, size):
    """The seed article with distinct paragraphs added to its body until the page is `size` bytes."""
    with open(os.path.join(repo, "samples", SEED), encoding="utf-8") as f:
        seed = f.read()
    at = seed.index(BODY_ANCHOR)
    head, tail = seed[:at], seed[at:]
    room = size - len(head.encode()) - len(tail.encode())
    parts, used, n = [], 0, 0
    while True:
        n += 1
        paragraph = (f"<p>Paragraph {n} of the report: the district's {n} new projects cover integrated circuits, "
                     f"biomedicine and new energy, with an investment of {n * 7 % 1000} million yuan this year.</p>\n")
        if used + len(paragraph) > room:
            break
        parts.append(paragraph)
        used += len(paragraph)
    page = head + "".join(parts) + tail
    return page.encode()


def measure(argv, cwd=None):
    """Runs argv to its end; returns (peak resident set in MB, its standard output)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        out.seek(0)
        err.seek(0)
        output, error = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{' '.join(argv)} exited {code}: {error.strip()[-500:]} {output.strip()[-500:]}")
    return usage.ru_maxrss / 1024, output


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder):
    handler = lambda *a, **k: QuietHandler(*a, directory=folder, **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scraper", help="command prefix that runs the scraper (default: dotnet <Release scraper.dll>)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", type=int, default=12)
    args = parser.parse_args()
    repo = wp.repo_root()
    if args.scraper:
        scraper = [os.path.abspath(w) if os.path.exists(w) else w for w in shlex.split(args.scraper)]
    else:
        subprocess.run(["dotnet", "build", os.path.join(repo, "src", "Scraper.Cli"), "-c", "Release", "--nologo", "-v", "q"],
                       check=True, stdout=sys.stderr)
        scraper = ["dotnet", os.path.join(repo, "src", "Scraper.Cli", "bin", "Release", "net10.0", "scraper.dll")]

    with tempfile.TemporaryDirectory(prefix="scraper-memory-") as folder:
        page = os.path.join(folder, "page.htm")
        with open(page, "wb") as f:
            f.write(grown_page(repo, 19_500_000))
        cases = [
            ("extract site", scraper + ["extract", page, "--url", SEED_URL, "--format", "text"], None),
            ("extract generic", scraper + ["extract", page, "--url", "https://example.org/news/1.html", "--format", "text"], None),
        ]

        # The served site: the samples' section list of en.wuxi.gov.cn linking the grown article pages.
        site = os.path.join(folder, "site")
        shutil.copytree(os.path.join(repo, "samples", "en.wuxi.gov.cn"), site)
        with open(os.path.join(site, "bizupdates.html"), encoding="utf-8") as f:
            listing = f.read()
        line_start = listing.index(LIST_ANCHOR)
        line = listing[line_start:listing.index("</li>", line_start) + len("</li>")]
        big = grown_page(repo, 9_500_000)
        items = []
        os.makedirs(os.path.join(site, "2024-05", "01"))
        for n in range(1, args.pages + 1):
            with open(os.path.join(site, "2024-05", "01", f"c_{9_000_000 + n}.htm"), "wb") as f:
                f.write(big.replace(b"Paragraph 1 of", f"Page {n}, paragraph 1 of".encode(), 1))
            items.append(line.replace("/2023-11/23/c_941797.htm", f"/2024-05/01/c_{9_000_000 + n}.htm"))
        # Only the grown pages: the list's other items and its pager are dropped.
        listing = listing[:line_start] + "{items}" + listing[line_start + len(line):]
        listing = re.sub(r'<li><a href="/20[^"]*"[^\n]*?</li>', "", listing).replace("bizupdates_2.html", "bizupdates.html")
        listing = listing.replace("{items}", "\n".join(items))
        with open(os.path.join(site, "bizupdates.html"), "w", encoding="utf-8") as f:
            f.write(listing)
        server = serve(site)
        port = server.server_address[1]

        print(f"{'case':<16} {'peak RSS MB':>12}  runs={args.runs}  scraper: {' '.join(scraper)}")
        for label, argv, cwd in cases:
            peaks = [measure(argv, cwd)[0] for _ in range(args.runs)]
            print(f"{label:<16} {max(peaks):>12.0f}", flush=True)
        peaks = []
        for run in range(args.runs):
            db = os.path.join(folder, f"crawl-{run}.db")
            peak, summary = measure(scraper + ["crawl", "--site", "en.wuxi.gov.cn", "--start", f"http://127.0.0.1:{port}/bizupdates.html",
                                               "--delay", "0", "--quiet", "--db", db])
            # The pages must have been fetched and archived, or the figure means nothing.
            if f" {args.pages} new," not in summary:
                sys.exit(f"the crawl did not archive the {args.pages} pages: {summary.strip()}")
            peaks.append(peak)
        print(f"{'crawl':<16} {max(peaks):>12.0f}  ({args.pages} pages of 9.5 MB, concurrency 4)", flush=True)
        server.shutdown()


if __name__ == "__main__":
    main()
