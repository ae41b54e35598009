"""Measure `cqfacts pick` against issue 14's targets and print each figure against its bound.

    python benchmarks/pick_bench.py                 # the shipped base and a generated 10,000-fact base
    python benchmarks/pick_bench.py --sizes         # the shipped base only

Per keystroke: the app runs headless at 100x30 (Textual's pilot) on a base loaded as the command loads
it (through the cache); each query of the set is typed a key at a time and deleted again, and a
keystroke is timed from the key press until the re-ranked list, status line and preview are drawn and
the screen is drawn. The figure is the median and the 95th percentile over all keystrokes; the ranking alone
(Picker.rank) and the keystroke's CPU time (what other processes on a busy machine do not inflate) are
shown beside them. First screen: `cqfacts pick` starts in a pseudo-terminal with stdout
a pipe, as `cite=$(cqfacts pick)` runs it; the figure is the median wall time from the fork until the
query line, the status line's count, the first ranked fact and the keys at the bottom have all been
drawn. Beside it, in turn with it, the floor any Textual app pays here: a process that only imports
textual.app, and a minimal Textual app's first screen; and the ratio of pick's first screen to that.
cqfacts' bytecode is written first (as installing it does), so that no run compiles its modules.
Generated bases (benchmarks/generate.py) and their caches stay in --work between runs. Exit status 1
when a figure misses its bound. The machine is noisy: compare figures measured in one run.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).parent))
from generate import QUERIES, generate

from cqfacts.output import one_line

if TYPE_CHECKING:
    from cqfacts.model import FactBase

REPO = Path(__file__).resolve().parents[1]
KEYSTROKE_BOUND = {0: 0.050, 10_000: 0.150}  # seconds per keystroke; 0 is the shipped base
FIRST_SCREEN_BOUND = 0.5  # seconds, the shipped base with its cache built
SHIPPED_QUERIES = ["tianmu satellites", "new energy vehicles 2023", "semiconducter", "天目", "76.9 billion"]


def keystrokes(base: object, queries: list[str], rounds: int) -> tuple[list[float], list[float], list[float]]:
    """Seconds per keystroke (key sent to screen drawn), its CPU seconds, and seconds per ranking alone."""
    from cqfacts.pick.app import PickApp
    from cqfacts.pick.picker import Picker

    picker = Picker(base)  # type: ignore[arg-type]
    typed: list[float] = []
    cpu: list[float] = []

    async def drive() -> None:
        from textual import events

        app = PickApp(picker, "", copy=lambda text: [])
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            for _ in range(rounds):
                for query in queries:
                    keys = [("space", " ") if ch == " " else (ch, ch) for ch in query]
                    for key, char in keys + [("backspace", None)] * len(query):
                        # Pilot.press waits for the process to look idle, which on a loaded machine adds
                        # sleeps; here the key goes to the driver, every handler runs (the query line, the
                        # ranking, the list, status and preview), then the screen is drawn as its update
                        # timer draws it (as Pilot.pause ends), and that is the keystroke.
                        start, cpu_start = time.perf_counter(), time.process_time()
                        event = events.Key(key, char)
                        event.set_sender(app)
                        app._driver.send_message(event)  # type: ignore[union-attr]
                        for _ in range(3):  # the key, then the messages its handlers post
                            await pilot._wait_for_screen()
                        app.screen._on_timer_update()
                        typed.append(time.perf_counter() - start)
                        cpu.append(time.process_time() - cpu_start)
                        await pilot.pause()
            await pilot.press("escape")

    asyncio.run(drive())
    ranking = []
    for _ in range(rounds):
        for query in queries:
            for end in range(1, len(query) + 1):
                start = time.perf_counter()
                picker.rank(query[:end])
                ranking.append(time.perf_counter() - start)
    return typed, cpu, ranking


def on_pty(argv: list[str], env: dict[str, str], drawn_when: list[bytes]) -> tuple[float, float]:
    """Start argv on a 100x30 pseudo-terminal with stdout a pipe, as `cite=$(cqfacts pick)` runs it: the seconds
    from the fork until every byte string of ``drawn_when`` has been drawn, and the CPU seconds (user and
    system) the process used from start to exit after Esc (which must exit it with 1)."""
    out_r, out_w = os.pipe()
    start = time.perf_counter()
    pid, master = pty.fork()
    if pid == 0:
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))  # 100x30, as the keystrokes
            os.dup2(out_w, 1)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    os.close(out_w)
    seen = b""
    drawn = None
    while drawn is None:
        ready, _, _ = select.select([master], [], [], 10)
        if not ready:
            raise SystemExit(f"{' '.join(argv)} drew nothing in 10 s: {seen[-500:]!r}")
        try:
            seen += os.read(master, 65536)
        except OSError:
            raise SystemExit(f"{' '.join(argv)} ended before its first screen: {seen[-500:]!r}") from None
        if all(text in seen for text in drawn_when):
            drawn = time.perf_counter() - start
    os.write(master, b"\x1b")  # Esc: exit 1, print nothing
    while True:  # read what it still draws, so that it never waits for the terminal to take it
        try:
            if not os.read(master, 65536):
                break
        except OSError:  # EIO: the child has closed the terminal
            break
    _, status, usage = os.wait4(pid, 0)
    os.close(master)
    os.close(out_r)
    code = os.waitstatus_to_exitcode(status)
    if code != 1:
        raise SystemExit(f"{' '.join(argv)} exited {code} after Esc (expected 1)")
    return drawn, usage.ru_utime + usage.ru_stime


def first_screen(args: list[str], base: FactBase, env: dict[str, str]) -> tuple[float, float]:
    """`cqfacts pick` until its first screen is usable: the query line, the status line counting the
    facts, the first ranked fact's row and the keys at the bottom are all drawn."""
    script = Path(sys.executable).with_name("cqfacts")
    argv = [str(script)] if script.exists() else [sys.executable, "-m", "cqfacts"]
    first = base.facts[next(iter(base.facts))].statement if base.facts else ""
    # The placeholder's first letter is drawn under the cursor, in another style: look for the rest.
    marks = [b"earch facts:", f"of {len(base.facts):,} facts".encode(), one_line(first)[:20].encode(), b"Choose"]
    return on_pty([*argv, "pick", *args], env, marks)


# The least a Textual app can be: one line of text, and Esc quits with 1 as pick does.
MINIMAL_APP = """
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    BINDINGS = [("escape", "cancel", "Quit")]

    def compose(self):
        yield Static("Choose")

    def action_cancel(self):
        self.exit(return_code=1)

app = Minimal()
app.run()
raise SystemExit(app.return_code)
"""


def textual_import(env: dict[str, str]) -> float:
    """Seconds for a process that imports textual.app and does nothing else."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import textual.app"], env=env, check=True)
    return time.perf_counter() - start


def minimal_app(env: dict[str, str]) -> float:
    """Seconds from start to a minimal Textual app's first screen: what any Textual app pays first."""
    return on_pty([sys.executable, "-c", MINIMAL_APP], env, [b"Choose"])[0]


def compile_package() -> None:
    """Write cqfacts' bytecode, as installing it does: where PYTHONDONTWRITEBYTECODE is set (as in some
    development setups) an editable install would otherwise compile its modules again on every start."""
    import compileall

    import cqfacts

    compileall.compile_dir(Path(cqfacts.__file__).parent, quiet=1)


def line(name: str, figure: float, bound: float | None) -> bool:
    ok = bound is None or figure <= bound
    against = f"bound {bound * 1000:.0f} ms   ratio {figure / bound:.2f}" if bound else "(no bound)"
    print(f"  {'ok  ' if ok else 'MISS'} {name:<52} {figure * 1000:8.1f} ms   {against}", flush=True)
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000], help="generated base sizes [10000]")
    parser.add_argument("--rounds", type=int, default=3, help="times each query is typed [3]")
    parser.add_argument("--starts", type=int, default=7, help="first-screen runs per base [7]")
    parser.add_argument("--work", type=Path, default=Path("/tmp/cqfacts-pick-bench"),
                        help="folder for generated bases and caches [/tmp/cqfacts-pick-bench]")
    options = parser.parse_args()
    options.work.mkdir(parents=True, exist_ok=True)
    os.environ["CQFACTS_CACHE_DIR"] = str(options.work / "cache")  # never the user's ~/.cache
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "CQFACTS_FACTS")}
    env.update({"TERM": "xterm-256color"})
    from cqfacts.cache import load

    ok = True
    bases: list[tuple[str, int, Path | None]] = [("shipped base", 0, None)]
    for size in options.sizes:
        folder = options.work / f"base-{size}"
        if not folder.exists():
            print(f"generating a {size:,}-fact base in {folder} ...", flush=True)
            generate(size, folder)
        bases.append((f"generated {size:,}-fact base", size, folder))
    print(f"cqfacts pick, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; per keystroke: "
          f"{options.rounds} rounds of each query typed and deleted, at 100x30", flush=True)
    compile_package()
    for name, size, folder in bases:
        base = load(folder)  # builds the cache on the first run, as the command would
        base = load(folder)
        queries = SHIPPED_QUERIES if folder is None else list(QUERIES.values())
        typed, cpu, ranking = keystrokes(base, queries, options.rounds)
        bound = KEYSTROKE_BOUND.get(size, KEYSTROKE_BOUND[10_000])
        print(f" {name}: {len(base.facts):,} facts, {len(typed)} keystrokes", flush=True)
        ok &= line("keystroke, re-rank and redraw (median)", statistics.median(typed), bound)
        ok &= line("keystroke, re-rank and redraw (95th percentile)", statistics.quantiles(typed, n=20)[-1], bound)
        line("  its CPU time, this process alone (median)", statistics.median(cpu), None)
        line("  its CPU time, this process alone (95th percentile)", statistics.quantiles(cpu, n=20)[-1], None)
        line("  of which ranking alone (median)", statistics.median(ranking), None)
        args = [] if folder is None else ["--facts", str(folder)]
        starts, run_cpu, imports, minimal = [], [], [], []
        for _ in range(options.starts):  # taken in turn, so that all see the same load
            drawn, used = first_screen(args, base, env)
            starts.append(drawn)
            run_cpu.append(used)
            if folder is None:
                imports.append(textual_import(env))
                minimal.append(minimal_app(env))
        ok &= line("first screen, process start to usable screen (median)", statistics.median(starts),
                   FIRST_SCREEN_BOUND if folder is None else None)
        line("  CPU time of the whole run, start to exit (median)", statistics.median(run_cpu), None)
        if folder is None:
            line("  floor: python -c 'import textual.app' (median)", statistics.median(imports), None)
            line("  floor: a minimal Textual app's first screen (median)", statistics.median(minimal), None)
            print(f"       pick's first screen / the minimal Textual app's: "
                  f"{statistics.median(starts) / statistics.median(minimal):.2f}", flush=True)
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
