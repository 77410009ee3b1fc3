#!/usr/bin/env python3
"""Start-up of the read commands as a user meets it: whole process, several runs, median.

    python3 bench/startup.py [--runs N] [--scraper PATH] [--also 'LABEL=COMMAND PREFIX' ...]

Makes the bundled samples' archive (`crawl --mirror samples` into a temporary folder), then times `--help`, `list`,
`show 1`, `search semiconductor` and `stats` in it, each N times (default 20) after one warm-up run. The scraper
timed is --scraper PATH, else the native binary `dotnet publish` gives (published first). --also adds another way
of running the same commands, e.g. --also 'dll=dotnet src/Scraper.Cli/bin/Release/net10.0/scraper.dll'.
"""
import argparse
import os
import shlex
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wholeprocess as wp  # noqa: E402

COMMANDS = [["--help"], ["list"], ["show", "1"], ["search", "semiconductor"], ["stats"]]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--scraper", help="the scraper to time (default: publish the native binary first)")
    parser.add_argument("--also", action="append", default=[], metavar="LABEL=COMMAND")
    args = parser.parse_args()
    repo = wp.repo_root()
    scraper = args.scraper or wp.publish_native(repo)
    runners = [("native", [os.path.abspath(scraper)])]
    for also in args.also:
        label, _, command = also.partition("=")
        # Paths are taken from where the script is started; the commands run in the archive's folder.
        runners.append((label, [os.path.abspath(w) if os.path.exists(w) else w for w in shlex.split(command)]))

    with tempfile.TemporaryDirectory(prefix="scraper-startup-") as folder:
        crawl = subprocess.run(runners[0][1] + ["crawl", "--mirror", os.path.join(repo, "samples"), "--quiet"],
                               cwd=folder, capture_output=True, text=True)
        if crawl.returncode != 0:
            sys.exit(f"crawl of the samples failed ({crawl.returncode}): {crawl.stderr.strip()}")
        print(f"{'runner':<8} {'command':<22} {'median ms':>10} {'min ms':>8} {'max ms':>8} {'cpu ms':>8}  runs={args.runs}")
        for label, prefix in runners:
            for command in COMMANDS:
                argv = prefix + command
                wp.run_once(argv, cwd=folder)  # warm-up: file cache
                walls, cpus = [], []
                for _ in range(args.runs):
                    wall, cpu, code = wp.run_once(argv, cwd=folder)
                    if code != 0:
                        sys.exit(f"{' '.join(argv)} exited {code}")
                    walls.append(wall * 1000)
                    cpus.append(cpu * 1000)
                print(f"{label:<8} {' '.join(command):<22} {wp.median(walls):>10.1f} {min(walls):>8.1f} {max(walls):>8.1f} "
                      f"{wp.median(cpus):>8.1f}")


if __name__ == "__main__":
    main()
