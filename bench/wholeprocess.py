"""Whole-process timing shared by bench/startup.py and bench/extract-vs-readability.py.

A command is run as a user runs it (a new process each time, output to /dev/null); each run's wall time is taken
with a monotonic clock and its CPU time (user + sys of the process and its children) from wait4.
"""
import os
import statistics
import subprocess
import sys
import time


def run_once(argv, cwd=None, env=None):
    """Runs argv to its end; returns (wall seconds, cpu seconds, exit code)."""
    with open(os.devnull, "wb") as null:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=null, stderr=null, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, process.returncode


def median(values):
    return statistics.median(values)


def publish_native(repo):
    """Publishes the CLI as users get it (native AOT for this machine) into a temporary folder; returns the binary."""
    out = os.path.join(os.environ.get("TMPDIR", "/tmp"), "scraper-bench-native")
    print(f"publishing the native scraper into {out} (a few minutes on a busy machine)...", file=sys.stderr)
    subprocess.run(["dotnet", "publish", os.path.join(repo, "src", "Scraper.Cli"), "-c", "Release", "-o", out,
                    "-r", rid(), "--nologo", "-v", "q"], check=True, stdout=sys.stderr)
    return os.path.join(out, "scraper")


def rid():
    machine = {"x86_64": "x64", "aarch64": "arm64", "arm64": "arm64"}[os.uname().machine]
    system = {"Linux": "linux", "Darwin": "osx"}[os.uname().sysname]
    return f"{system}-{machine}"


def repo_root():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
