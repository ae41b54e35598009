"""Measure cqfacts against the targets of issues 6 and 11 and print each figure against its bound.

    python benchmarks/bench.py                   # everything: start-up, then 1,000 / 10,000 / 100,000 facts
    python benchmarks/bench.py --startup-only    # the start-up ratios only (a few seconds)
    python benchmarks/bench.py --sizes 10000     # start-up, then one size

Start-up: each command and its floor (a minimal one-command Typer app; for --version, ``python -c pass``)
run alternately in the same loop, so a noisy machine slows them alike; the figure is the ratio of the
medians of the CPU time each process used (user + system, from wait4), which other jobs on the machine
hardly change; the wall-time ratio is printed beside it.
Scale: a generated base (benchmarks/generate.py, kept in --work between runs) is indexed once by a first
run, timed and with its progress bar on a pseudo-terminal, then each query runs in fresh processes; the
figure is the median wall time and the largest peak memory (max RSS of the child). Caches go to a folder
of their own under --work, never to ~/.cache. Exit status 1 when a figure misses its bound.
"""

from __future__ import annotations

import argparse
import os
import pty
import resource
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import QUERIES, generate

QUERY_BOUNDS = {10_000: 0.3, 100_000: 0.5}  # seconds, a fresh process with the cache built
MEMORY_BOUND_MB = {100_000: 300}
FIRST_RUN_BOUND = {100_000: 30.0}  # seconds to build the cache


def cqfacts_command() -> list[str]:
    """The installed entry point, as a user runs it (the script beside this Python), else python -m."""
    script = Path(sys.executable).with_name("cqfacts")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cqfacts"]


def run_measured(argv: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """Run once; wall time, max RSS of that child in MB, exit code, stderr."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.stderr:
        proc.stderr.close()
    return wall, usage.ru_maxrss / 1024, proc.returncode, err.decode("utf-8", "replace")


def run_cpu(argv: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """Run once; wall time, CPU time of that child (user + system), exit code, stderr."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if proc.stderr:
        proc.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status), err.decode("utf-8", "replace")


def run_in_pty(argv: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run with stdout and stderr on a pseudo-terminal (as a person sees it); wall time, exit code, output."""
    leader, follower = pty.openpty()
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    proc.wait()
    wall = time.perf_counter() - start
    os.close(leader)
    return wall, proc.returncode, b"".join(chunks).decode("utf-8", "replace")


class Report:
    def __init__(self) -> None:
        self.failed = 0

    def line(self, name: str, figure: float, bound: float, unit: str) -> None:
        ok = figure <= bound
        self.failed += not ok
        shown = f"{figure:.2f}x" if unit == "x" else f"{figure:.3f} s" if unit == "s" else f"{figure:.0f} MB"
        limit = f"{bound:.1f}x" if unit == "x" else f"{bound:.1f} s" if unit == "s" else f"{bound:.0f} MB"
        print(f"  {'ok  ' if ok else 'MISS'} {name:<54} {shown:>10}   bound {limit}", flush=True)


# A hello world of Typer: the floor a Typer command cannot go under (issue 11 measures against it).
MINIMAL_TYPER_APP = """\
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    print(f"hello {name}")


app()
"""


def startup(report: Report, env: dict[str, str], rounds: int, work: Path) -> None:
    """Each command against its floor, in the same loop: floors and commands take turns, round after round."""
    cq = cqfacts_command()
    minimal = work / "minimal_typer_app.py"
    minimal.write_text(MINIMAL_TYPER_APP, "utf-8")
    floors = {"python -c pass": [sys.executable, "-c", "pass"],
              "minimal Typer app": [sys.executable, str(minimal)]}
    fact = "nev-production-sales-2023"
    # name: (argv, floor, bound as a multiple of the floor)
    commands = {
        "search --json": ([*cq, "search", "Tianmu", "--json"], "minimal Typer app", 1.1),
        "list --json": ([*cq, "list", "--json"], "minimal Typer app", 1.1),
        "show --json": ([*cq, "show", fact, "--json"], "minimal Typer app", 1.1),
        "cite": ([*cq, "cite", fact], "minimal Typer app", 1.1),
        "search --format table": ([*cq, "search", "Tianmu", "--format", "table"], "minimal Typer app", 1.5),
        "--version": ([*cq, "--version"], "python -c pass", 2.0),
    }
    table_env = {**env, "FORCE_COLOR": "1", "COLUMNS": "120"}
    for argv, _, _ in commands.values():  # warm up: disk cache, and the fact base cache built once
        run_cpu(argv, env)
    cpu: dict[str, list[float]] = {name: [] for name in [*floors, *commands]}
    wall: dict[str, list[float]] = {name: [] for name in cpu}
    for _ in range(rounds):
        for name, (argv, run_env) in [*((n, (a, env)) for n, a in floors.items()),
                                      *((n, (a, table_env if "table" in n else env)) for n, (a, _, _) in
                                        commands.items())]:
            seconds, used, code, err = run_cpu(argv, run_env)
            if code != 0:
                raise SystemExit(f"{name} failed ({code}): {err}")
            wall[name].append(seconds)
            cpu[name].append(used)
    median = {name: statistics.median(times) for name, times in cpu.items()}
    walls = {name: statistics.median(times) for name, times in wall.items()}
    print(f"Start-up on the shipped base, {rounds} alternating rounds, median CPU time (wall): "
          + ", ".join(f"{name} {median[name] * 1000:.1f} ms ({walls[name] * 1000:.0f} ms)" for name in floors))
    for name, (_, floor, bound) in commands.items():
        report.line(f"{name} ({median[name] * 1000:.0f} ms; wall {walls[name] / walls[floor]:.2f}x) / {floor}",
                    median[name] / median[floor], bound, "x")


def scale(report: Report, size: int, work: Path, env: dict[str, str], rounds: int) -> None:
    cq = cqfacts_command()
    base = work / f"base-{size}"
    if not (base / "facts-001.toml").exists():
        print(f"Generating {size:,} facts in {base} ...", flush=True)
        generate(size, base)
    shutil.rmtree(env["CQFACTS_CACHE_DIR"], ignore_errors=True)
    print(f"{size:,} facts ({sum(p.stat().st_size for p in base.glob('*.toml')) / 2**20:.0f} MB of TOML):")
    first_argv = [*cq, "--facts", str(base), "search", QUERIES["single-word"], "--json"]
    wall, code, shown = run_in_pty(first_argv, {**env, "COLUMNS": "100"})
    if code != 0:
        raise SystemExit(f"first run failed ({code}): {shown[-2000:]}")
    bar = "━" in shown or "█" in shown
    print(f"  first run (builds the cache): {wall:.1f} s; progress bar on the terminal: {'yes' if bar else 'NO'}")
    if size in FIRST_RUN_BOUND:
        report.line("first run, cache built", wall, FIRST_RUN_BOUND[size], "s")
        report.failed += not bar
    # The same first run with stderr not a terminal prints nothing there.
    peak_rss = 0.0
    for kind, query in QUERIES.items():
        argv = [*cq, "--facts", str(base), "search", query, "--json"]
        walls = []
        for _ in range(rounds):
            wall, rss, code, err = run_measured(argv, env)
            if code != 0 or err:
                raise SystemExit(f"{kind} query {query!r}: exit {code}, stderr {err!r}")
            walls.append(wall)
            peak_rss = max(peak_rss, rss)
        median = statistics.median(walls)
        if size in QUERY_BOUNDS:
            report.line(f"{kind}: {query!r}", median, QUERY_BOUNDS[size], "s")
        else:
            print(f"       {kind + ': ' + repr(query):<46} {median:.3f} s")
    if size in MEMORY_BOUND_MB:
        report.line("peak memory of a query", peak_rss, MEMORY_BOUND_MB[size], "MB")
    else:
        print(f"       peak memory of a query {peak_rss:>31.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[1_000, 10_000, 100_000])
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "cqfacts-bench")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--startup-only", action="store_true")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    # Installed packages run from bytecode (pip compiles it); PYTHONDONTWRITEBYTECODE would make every run
    # compile cqfacts from source, which no user's install does.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CQFACTS_") and k not in ("FORCE_COLOR", "PYTHONDONTWRITEBYTECODE")}
    env["CQFACTS_CACHE_DIR"] = str(args.work / "cache")
    report = Report()
    startup(report, env, args.rounds, args.work)
    if not args.startup_only:
        for size in args.sizes:
            scale(report, size, args.work, env, max(5, args.rounds // 3))
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"{'all targets met' if not report.failed else f'{report.failed} target(s) missed'}"
          f" (children's max RSS over the whole run: {children.ru_maxrss / 1024:.0f} MB)")
    sys.exit(1 if report.failed else 0)


if __name__ == "__main__":
    main()
