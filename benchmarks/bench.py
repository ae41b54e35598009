"""Measure cqfacts against the targets of issues 6, 10 and 11 and print each figure against its bound.

    python benchmarks/bench.py                   # everything: start-up, then 100,000 and 1,000,000 facts
    python benchmarks/bench.py --startup-only    # the start-up ratios only (a few seconds)
    python benchmarks/bench.py --sizes 100000    # start-up, then one size
    python benchmarks/bench.py --sizes 1000000 --rebuild   # the million-fact cache built again even if fresh

Start-up: each command and its floor (a minimal one-command Typer app; for --version, ``python -c pass``)
run alternately in the same loop, so a noisy machine slows them alike; the figure is the ratio of the
medians of the CPU time each process used (user + system, from wait4), which other jobs on the machine
hardly change; the wall-time ratio is printed beside it.
Scale: a generated base (benchmarks/generate.py, kept in --work between runs) is indexed once by a first
run, timed and its progress bar checked on a pseudo-terminal; another first run's peak memory is sampled (with
its workers: the sum of their PSS, so that the pages a forked worker shares with the builder count once; their
RSS summed is printed beside it; sampling slows a build, so it is not the timed one);
stdlib tomllib parses the same files in the same run; then each query runs in fresh processes, alternately
with the same query on the shipped base; each figure is a ratio of the two medians (issue 10), and the
peak memory of the warm queries is each process's max RSS (wait4). Caches go to a folder of each size's
own under --work, never to ~/.cache; from 1,000,000 facts a cache there that is still fresh is used as it
is (a build takes over two minutes), its build's figures as recorded when it was built, unless --rebuild.
Exit status 1 when a figure misses its bound.
"""

from __future__ import annotations

import argparse
import json
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
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from generate import QUERIES, generate


def cqfacts_command() -> list[str]:
    """The installed entry point, as a user runs it (the script beside this Python), else python -m."""
    script = Path(sys.executable).with_name("cqfacts")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cqfacts"]


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, Any, int, str]:
    """Run once, stdout discarded; wall time, the child's resource usage (wait4), exit code, stderr."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if proc.stderr:
        proc.stderr.close()
    return wall, usage, os.waitstatus_to_exitcode(status), err.decode("utf-8", "replace")


def run_measured(argv: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """Run once; wall time, max RSS of that child in MB, exit code, stderr."""
    wall, usage, code, err = _run(argv, env)
    return wall, usage.ru_maxrss / 1024, code, err


def run_cpu(argv: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """Run once; wall time, CPU time of that child (user + system), exit code, stderr."""
    wall, usage, code, err = _run(argv, env)
    return wall, usage.ru_utime + usage.ru_stime, code, err


def run_in_pty(argv: list[str], env: dict[str, str], sampled: bool) -> tuple[float, tuple[float, float], int, str]:
    """Run with stdout and stderr on a pseudo-terminal (as a person sees it); wall time, peak memory of the whole
    process tree in MB (worker processes included, sampled every ``SAMPLE_S`` when ``sampled``, else 0:
    ``tree_memory_mb``'s PSS and RSS sums, each its own peak), exit code, output."""
    leader, follower = pty.openpty()
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    peak = (0.0, 0.0)
    due = start
    while True:
        if sampled and time.perf_counter() >= due:  # on a clock, not at each read: the progress bar writes often
            peak = tuple(map(max, peak, tree_memory_mb(proc.pid)))  # type: ignore[assignment]
            due = time.perf_counter() + SAMPLE_S
        ready, _, _ = select.select([leader], [], [], SAMPLE_S)
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
    return wall, peak, proc.returncode, b"".join(chunks).decode("utf-8", "replace")


SAMPLE_S = 0.05


def tree_memory_mb(pid: int) -> tuple[float, float]:
    """The memory of a process and all its descendants, in MB (Linux /proc): the sum of their proportional set
    sizes (PSS: a page shared by n of them counts 1/n in each, so the pages a forked worker shares with its
    parent count once), and the sum of their resident sets (RSS: each shared page again in each process).
    The kernel walks every page table of them for it: 12 ms for a million-fact build's processes, which,
    every ``SAMPLE_S``, took a quarter of a core from the two-core build it measured (29 s of 122 s)."""
    pss = rss = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            # smaps_rollup: the sums of smaps, made by the kernel (Linux 4.14 on); before, each mapping's, summed here
            rollup = f"/proc/{current}/smaps_rollup"
            with open(rollup if os.path.exists(rollup) else f"/proc/{current}/smaps") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as f:
                    pending += [int(child) for child in f.read().split()]
        except (OSError, ValueError):
            continue
    return pss / 1024, rss / 1024


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


# Issue 10's targets, each a ratio of two figures measured in the same run.
BUILD_VS_TOMLLIB = 0.8  # 100k cold build / stdlib tomllib parsing the same files
QUERY_VS_SHIPPED = {100_000: 1.5, 1_000_000: 2.0}  # warm query / the same query on the shipped base
CACHE_VS_TOML = 1.5  # cache file / the TOML it caches
BUILD_1M_VS_100K = 10.0
BUILD_1M_MEMORY_MB = 600
QUERY_1M_MEMORY_MB = 150
BUILD_ROUNDS = 3  # cold builds, each after a parse by tomllib, below REUSE_AT
BUILD_1M_ROUNDS = 3  # million-fact builds, each between two gaps of 100k builds (``scale``)
# 100k builds in each gap, their median the gap's figure: one 12-second build samples the machine's drift at
# one moment (consecutive ones took 9.8 to 14.0 s), where a 2-minute million-fact build averages it.
BUILD_100K_NEAR = 3
REUSE_AT = 1_000_000  # from this size on, a fresh cache in --work is used as it is (``recorded_build``)
_TOMLLIB = "import sys, tomllib\nfor name in sys.argv[1:]:\n    with open(name, 'rb') as f:\n        tomllib.load(f)\n"
_SAME = """
import json, sys
from cqfacts.cache import load
from cqfacts.loader import load as load_toml
from cqfacts.search import search
queries = json.loads(sys.argv[2])
ranked = lambda base: [[(h.fact.id, h.score, h.matches) for h in search(base, q, limit=50)] for q in queries]
print(json.dumps(ranked(load(sys.argv[1], quiet=True)) == ranked(load_toml(sys.argv[1]))))
"""


def timed_median(argvs: dict[str, list[str]], env: dict[str, str], rounds: int) -> dict[str, tuple[float, float]]:
    """Each command run ``rounds`` times, alternately (a noisy machine slows them alike): median wall, max RSS."""
    walls: dict[str, list[float]] = {name: [] for name in argvs}
    peaks = dict.fromkeys(argvs, 0.0)
    for argv in argvs.values():
        run_measured(argv, env)  # warm: disk cache, and the fact base cache built
    for _ in range(rounds):
        for name, argv in argvs.items():
            wall, rss, code, err = run_measured(argv, env)
            if code not in (0, 1) or err:  # 1: nothing found (the shipped base has no hydrogen)
                raise SystemExit(f"{name}: exit {code}, stderr {err!r}")
            walls[name].append(wall)
            peaks[name] = max(peaks[name], rss)
    return {name: (statistics.median(walls[name]), peaks[name]) for name in argvs}


def fresh_cache(base: Path, cache: Path) -> dict[str, Any] | None:
    """The meta of the cache file of ``base``, when this cqfacts would use it as it is (else None)."""
    from cqfacts.cache import freshness
    from cqfacts.cache.storage import Reader
    from cqfacts.loader import fact_files

    try:
        fd = os.open(cache, os.O_RDONLY)
    except OSError:
        return None
    try:
        meta = Reader(fd, os.fstat(fd).st_size).meta
        if meta.get("format") != freshness.FORMAT or meta.get("fingerprint") != freshness.fingerprint():
            return None
        real = [os.path.realpath(f) for f in fact_files(base)]
        same, _ = freshness.unchanged(meta["files"], [(r, os.stat(r)) for r in real], meta["stamped"])
        return meta if same else None
    except Exception:  # damaged, or not a cache: built again
        return None
    finally:
        os.close(fd)


def recorded_build(base: Path, env: dict[str, str]) -> dict[str, float] | None:
    """The build figures recorded beside a cache in --work that is still fresh (built by this code from these
    files), used as they are from ``REUSE_AT`` facts on (a build takes minutes); else None."""
    folder = Path(env["CQFACTS_CACHE_DIR"])
    meta, record = fresh_cache(base, folder / _cache_name(base)), _record(folder)
    if meta is None or not record.exists():
        return None
    recorded = json.loads(record.read_text("utf-8"))
    if recorded.get("stamped") != meta["stamped"] or recorded.get("fingerprint") != meta["fingerprint"]:
        return None
    print(f"  cache in {folder} is fresh: not rebuilt (--rebuild does); its build, as recorded then: "
          f"{recorded['build']:.1f} s, peak memory {recorded['build_mb']:.0f} MB (PSS)", flush=True)
    return {"build": recorded["build"], "build_mb": recorded["build_mb"]}


def build_cache(report: Report, base: Path, env: dict[str, str]) -> dict[str, float]:
    """The first run on the base, which builds its cache, timed (its peak memory: ``build_memory``)."""
    # Not sampled: sampling PSS makes the kernel walk every page table of the build's processes (12 ms a sample
    # at a million facts), a quarter of a core of this two-core machine (``tree_memory_mb``).
    wall, _, shown = first_run(base, env, False)
    bar = "━" in shown or "█" in shown
    print(f"  first run (builds the cache): {wall:.1f} s; progress bar on the terminal: {'yes' if bar else 'NO'}",
          flush=True)
    report.failed += not bar
    return {"build": wall}


def build_memory(base: Path, env: dict[str, str], build: float) -> float:
    """The peak memory (MB, PSS) of the processes of another first run on the base, which builds its cache again;
    recorded with ``build`` (the timed first run's seconds) beside the cache it leaves."""
    wall, (pss, rss), _ = first_run(base, env, True)
    print(f"  peak memory of another first run: {pss:.0f} MB (PSS of all its processes, sampled every "
          f"{SAMPLE_S * 1000:.0f} ms; their RSS summed, shared pages again in each: {rss:.0f} MB; it took "
          f"{wall:.1f} s)", flush=True)
    folder = Path(env["CQFACTS_CACHE_DIR"])
    meta = fresh_cache(base, folder / _cache_name(base))
    if meta is not None:
        _record(folder).write_text(json.dumps({"build": build, "build_mb": pss, "stamped": meta["stamped"],
                                               "fingerprint": meta["fingerprint"]}), "utf-8")
    return pss


def first_run(base: Path, env: dict[str, str], sampled: bool) -> tuple[float, tuple[float, float], str]:
    """A search on the base with its cache folder emptied first, on a pseudo-terminal (``run_in_pty``)."""
    shutil.rmtree(env["CQFACTS_CACHE_DIR"], ignore_errors=True)
    argv = [*cqfacts_command(), "--facts", str(base), "search", QUERIES["single-word"], "--json"]
    wall, peak, code, shown = run_in_pty(argv, {**env, "COLUMNS": "100"}, sampled)
    if code != 0:
        raise SystemExit(f"first run failed ({code}): {shown[-2000:]}")
    return wall, peak, shown


def _cache_name(base: Path) -> str:
    from cqfacts.cache import cache_name

    return cache_name(base)


def _record(folder: Path) -> Path:
    return folder.with_name(folder.name + ".build.json")


def scale(report: Report, size: int, work: Path, env: dict[str, str], rounds: int,
          rebuild: bool = False) -> dict[str, float]:
    """Build the cache of a generated base of ``size`` facts, then query it; the figures, for ``targets``."""
    cq = cqfacts_command()
    base = work / f"base-{size}"
    if not (base / "facts-001.toml").exists():
        print(f"Generating {size:,} facts in {base} ...", flush=True)
        generate(size, base)
    files = sorted(str(p) for p in base.glob("*.toml"))
    toml_bytes = sum(os.path.getsize(f) for f in files)
    env = {**env, "CQFACTS_CACHE_DIR": str(work / f"cache-{size}")}  # each size's cache kept apart
    print(f"{size:,} facts ({toml_bytes / 2**20:.0f} MB of TOML in {len(files)} files):", flush=True)
    figures: dict[str, float] = {}
    if size < REUSE_AT:  # the build's bound at 100k (a million facts' take minutes and gigabytes to parse)
        # Parse and build alternately, BUILD_ROUNDS times, and compare medians: this machine's speed drifts
        # within minutes (one chunk's CPU time took 163 to 251 us a fact in consecutive runs of the same code).
        parsed, built = [], []
        for _ in range(BUILD_ROUNDS):
            wall, _, code, err = run_measured([sys.executable, "-c", _TOMLLIB, *files], env)
            if code != 0:
                raise SystemExit(f"tomllib failed: {err}")
            parsed.append(wall)
            built.append(build_cache(report, base, env))
        figures["tomllib"] = statistics.median(parsed)
        builds = [b["build"] for b in built]
        figures["build"] = statistics.median(builds)
        figures["build_mb"] = build_memory(base, env, figures["build"])
        print(f"  stdlib tomllib parses the files in {figures['tomllib']:.1f} s, the first run builds the cache in "
              f"{figures['build']:.1f} s (medians of {BUILD_ROUNDS}, alternately: "
              f"{', '.join(f'{p:.1f}' for p in parsed)} and {', '.join(f'{b:.1f}' for b in builds)} s)")
    else:
        # Each 1M build against the 100k builds just before and just after it (BUILD_100K_NEAR each side, their
        # medians): the machine's speed drifts over the minutes between this and the 100k figures above
        # (``targets``), and within them (the same 1M build took 90 to 168 s in one morning), so
        # BUILD_1M_ROUNDS of them, the ratios' median the figure.
        hundred = work / "base-100000"
        near = {**env, "CQFACTS_CACHE_DIR": str(work / "cache-100000-near")}

        def gap() -> list[float]:  # the 100k builds between two 1M builds (or before the first, after the last)
            return [build_cache(report, hundred, near)["build"] for _ in range(BUILD_100K_NEAR)]

        reused = None if rebuild else recorded_build(base, env)
        if reused is not None:
            figures.update(reused)
        elif not hundred.exists():  # no 100k base: nothing to bracket with
            figures["build"] = build_cache(report, base, env)["build"]
        else:
            gaps, builds = [gap()], []
            for _ in range(BUILD_1M_ROUNDS):
                builds.append(build_cache(report, base, env)["build"])
                gaps.append(gap())
            nears = list(map(statistics.median, gaps))
            ratios = [b / ((x + y) / 2) for b, x, y in zip(builds, nears, nears[1:], strict=False)]
            figures["build_1m_100k"] = statistics.median(ratios)
            print(f"  the 1M builds: {', '.join(f'{b:.1f}' for b in builds)} s; the 100k builds before, between "
                  f"and after them: {'; '.join(', '.join(f'{x:.1f}' for x in g) for g in gaps)} s (medians "
                  f"{', '.join(f'{x:.1f}' for x in nears)}); each 1M build / the mean of the medians just "
                  f"before and after it: {', '.join(f'{r:.2f}x' for r in ratios)}")
            figures["build"] = statistics.median(builds)
        if reused is None:
            figures["build_mb"] = build_memory(base, env, figures["build"])
        shutil.rmtree(near["CQFACTS_CACHE_DIR"], ignore_errors=True)
    cache = Path(env["CQFACTS_CACHE_DIR"]) / _cache_name(base)
    figures["cache_ratio"] = cache.stat().st_size / toml_bytes
    report.line(f"cache file / TOML ({cache.stat().st_size / 2**20:.0f} MB)", figures["cache_ratio"], CACHE_VS_TOML,
                "x")
    if size == 100_000:
        report.line("cold build / tomllib parse", figures["build"] / figures["tomllib"], BUILD_VS_TOMLLIB, "x")
    argvs = {}
    for kind, query in QUERIES.items():
        argvs[f"shipped {kind}"] = [*cq, "search", query, "--json"]
        argvs[kind] = [*cq, "--facts", str(base), "search", query, "--json"]
    measured = timed_median(argvs, env, rounds)
    bound = QUERY_VS_SHIPPED.get(size)
    for kind, query in QUERIES.items():
        wall, shipped = measured[kind][0], measured[f"shipped {kind}"][0]
        figures[f"query {kind}"] = wall / shipped
        name = f"warm {kind} {query!r}: {wall * 1000:.0f} / {shipped * 1000:.0f} ms"
        if bound:
            report.line(name, wall / shipped, bound, "x")
        else:
            print(f"       {name:<46} {wall / shipped:>9.2f}x")
    figures["query_mb"] = max(measured[kind][1] for kind in QUERIES)
    shipped_mb = max(measured[f"shipped {kind}"][1] for kind in QUERIES)
    print(f"       peak memory of a warm query (max RSS, wait4) {figures['query_mb']:>9.0f} MB "
          f"(shipped base: {shipped_mb:.0f} MB)")
    if size <= 100_000:  # the in-memory ranker of a large base takes minutes to build
        same = subprocess.run([sys.executable, "-c", _SAME, str(base), json.dumps(list(QUERIES.values()))],
                              capture_output=True, text=True, env=env, check=False).stdout.strip()
        print(f"  results identical to the in-memory ranker (top 50, scores and matches): {same}")
        report.failed += same != "true"
    return figures


def targets(report: Report, figures: dict[int, dict[str, float]]) -> None:
    """The million-fact targets, against the 100,000-fact figures of the same run."""
    million, hundred = figures.get(1_000_000), figures.get(100_000)
    if million is None:
        return
    print("1,000,000 facts against 100,000:")
    ratio = million.get("build_1m_100k")
    if ratio is not None:
        if hundred is not None:
            print(f"       cold build 1M / the 100k median above: {million['build'] / hundred['build']:.2f}x")
        report.line(f"cold build 1M / 100k builds just before and after (median of {BUILD_1M_ROUNDS})", ratio,
                    BUILD_1M_VS_100K, "x")
    elif hundred is not None:
        report.line("cold build 1M / cold build 100k", million["build"] / hundred["build"], BUILD_1M_VS_100K, "x")
    report.line("peak memory of the 1M build (PSS, with its workers)", million["build_mb"], BUILD_1M_MEMORY_MB, "MB")
    report.line("peak memory of a warm 1M query", million["query_mb"], QUERY_1M_MEMORY_MB, "MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[100_000, 1_000_000])
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "cqfacts-bench")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--startup-only", action="store_true")
    parser.add_argument("--rebuild", action="store_true",
                        help=f"build the caches of {REUSE_AT:,} facts and more even when still fresh")
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
        figures = {size: scale(report, size, args.work, env, max(5, args.rounds // 3), args.rebuild)
                   for size in args.sizes}
        targets(report, figures)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"{'all targets met' if not report.failed else f'{report.failed} target(s) missed'}"
          f" (children's max RSS over the whole run: {children.ru_maxrss / 1024:.0f} MB)")
    sys.exit(1 if report.failed else 0)


if __name__ == "__main__":
    main()
