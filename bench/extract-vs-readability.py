#!/usr/bin/env python3
"""`scraper extract` beside readability-lxml, whole process, on the same real pages in the same run.

    python3 bench/extract-vs-readability.py [--runs N] [--scraper PATH] [--jobs N] [CORPUS ...]

CORPUS is `readability` (the 130 pages of ../shared/corpora/readability-test-pages) or `trafilatura` (the 990 pages
of ../shared/corpora/trafilatura-eval); both by default. Each run extracts every page of the corpus, once with the
scraper (`scraper extract FILE...`, JSON Lines to /dev/null) and once with ../shared/peers/readability-lxml-run.py
(Debian's python3-readability: `apt-get install python3-readability`), in turn, N times (default 5) after a warm-up
of each. Reported: each one's median wall time and pages/s, and the median of the per-run ratios (readability's time
over the scraper's), which holds when the machine's speed drifts between runs. The scraper timed is --scraper PATH,
else the native binary `dotnet publish` gives (published first).
"""
import argparse
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wholeprocess as wp  # noqa: E402


def corpus_files(shared, name):
    if name == "readability":
        return sorted(glob.glob(os.path.join(shared, "corpora", "readability-test-pages", "*", "source.html")))
    if name == "trafilatura":
        root = os.path.join(shared, "corpora", "trafilatura-eval")
        return sorted(glob.glob(os.path.join(root, "cache", "*.html")) + glob.glob(os.path.join(root, "eval", "*.html")))
    sys.exit(f"unknown corpus {name} (readability or trafilatura)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scraper", help="the scraper to time (default: publish the native binary first)")
    parser.add_argument("--jobs", type=int, help="pass --jobs N to scraper extract (default: its own, one per core)")
    parser.add_argument("corpora", nargs="*", default=["readability", "trafilatura"])
    args = parser.parse_args()
    repo = wp.repo_root()
    shared = os.path.join(repo, "..", "shared")
    peer = os.path.join(shared, "peers", "readability-lxml-run.py")
    if not os.path.exists(peer):
        sys.exit(f"{peer} is absent: the shared folder is needed beside the repository")
    if wp.run_once(["/usr/bin/python3", "-c", "import readability"])[2] != 0:
        sys.exit("readability-lxml is not installed: apt-get install python3-readability")
    scraper = os.path.abspath(args.scraper) if args.scraper else wp.publish_native(repo)
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []

    print(f"cores: {os.cpu_count()}; runs: {args.runs} each, in turn; scraper: {scraper}")
    for name in args.corpora:
        files = corpus_files(shared, name)
        if not files:
            print(f"{name}: no pages found under {shared}/corpora; skipped")
            continue
        ours = [scraper, "extract", *jobs, *files]
        theirs = ["/usr/bin/python3", peer, *files]
        wp.run_once(ours)
        wp.run_once(theirs)
        our_times, their_times, ratios = [], [], []
        for _ in range(args.runs):
            our_wall, _, code = wp.run_once(ours)
            if code not in (0, 1):  # 1: some pages gave no article; the others were extracted
                sys.exit(f"scraper extract exited {code}")
            their_wall, _, code = wp.run_once(theirs)
            if code != 0:
                sys.exit(f"readability-lxml-run.py exited {code}")
            our_times.append(our_wall)
            their_times.append(their_wall)
            ratios.append(their_wall / our_wall)
        n = len(files)
        ours_median, theirs_median = wp.median(our_times), wp.median(their_times)
        print(f"{name} ({n} pages): scraper {ours_median:.2f} s, {n / ours_median:.0f} pages/s; "
              f"readability-lxml {theirs_median:.2f} s, {n / theirs_median:.1f} pages/s; "
              f"ratio (median of runs) {wp.median(ratios):.1f}x [{min(ratios):.1f}-{max(ratios):.1f}]")


if __name__ == "__main__":
    main()
