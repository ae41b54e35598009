"""Measure `cqfacts verify` on a 5,000-word draft against the shipped base (issue 15: under 1 s).

    python benchmarks/verify_bench.py              # 5,000 words, 7 rounds
    python benchmarks/verify_bench.py --words 20000 --rounds 3

The draft is built from the test drafts (tests/data/drafts: correct and mistaken quotations, figures,
citations) and the archived article's paragraphs (../shared/source, quoted and paraphrased), repeated
until it has the words asked for, and written to a temporary file. Each round runs the installed
`cqfacts verify DRAFT --json` in a fresh process, as a writer or an editor's script does, with the cache
built by a first run. The figures, each against the bound with their ratio: the median CPU time of the
process (user + system: what the check costs, whatever else the machine runs) and its median wall time
(what a person waits, longer when other jobs share the cores). The in-process time of the check alone
(fact base loaded) is printed beside them. Exit 1 when the CPU time misses the bound.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DRAFTS = ROOT / "tests" / "data" / "drafts"
ARTICLE = ROOT.parent / "shared" / "source" / "chongqing-new-productive-forces-2024-03-31.txt"
BOUND = 1.0  # seconds for a 5,000-word draft


def draft_text(words: int) -> str:
    """A Markdown draft of about ``words`` words from the test drafts and the article's paragraphs."""
    pieces = [p.read_text("utf-8") for p in sorted(DRAFTS.glob("*")) if p.suffix in (".md", ".txt")]
    if ARTICLE.exists():
        paragraphs = [p for p in ARTICLE.read_text("utf-8").split("\n\n")[2:] if p.strip()]
        for n, paragraph in enumerate(paragraphs):
            # Every third paragraph quoted as a block quote, the others as the writer's own prose.
            pieces.append(f"> {paragraph}" if n % 3 == 0 else f"As the article says, {paragraph}")
    out: list[str] = []
    count = 0
    while count < words:
        for piece in pieces:
            out.append(piece.strip())
            count += len(piece.split())
            if count >= words:
                break
    return "\n\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    text = draft_text(args.words)
    script = Path(sys.executable).with_name("cqfacts")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "cqfacts"]
    with tempfile.TemporaryDirectory(prefix="cqfacts-verify-bench") as folder:
        env = {**os.environ, "CQFACTS_CACHE_DIR": str(Path(folder) / "cache")}
        draft = Path(folder) / "draft.md"
        draft.write_text(text, encoding="utf-8")
        argv = [*command, "verify", str(draft), "--json"]
        first = subprocess.run(argv, capture_output=True, env=env, check=False)  # builds the cache
        if first.returncode not in (0, 1):
            sys.exit(f"cqfacts verify failed: {first.stderr.decode()}")
        walls, cpus = [], []
        for _ in range(args.rounds):
            start = time.perf_counter()
            child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            _, _, usage = os.wait4(child.pid, 0)
            walls.append(time.perf_counter() - start)
            cpus.append(usage.ru_utime + usage.ru_stime)
        os.environ["CQFACTS_CACHE_DIR"] = env["CQFACTS_CACHE_DIR"]
        from cqfacts.cache import load
        from cqfacts.draft import DraftChecker

        base = load()
        start = time.process_time()
        found = DraftChecker(base).check(str(draft), text)
        in_process = time.process_time() - start
    cpu, wall = statistics.median(cpus), statistics.median(walls)
    bound = BOUND * args.words / 5000
    print(f"draft: {len(text.split()):,} words, {len(found)} findings; cqfacts verify in a fresh process, "
          f"median of {args.rounds}:")
    for name, figure in (("CPU time (user + system)", cpu), ("wall time", wall)):
        print(f"  {'ok  ' if figure <= bound else 'MISS'} {name:<26} {figure:.3f} s   bound {bound:.1f} s   "
              f"ratio {figure / bound:.2f}")
    print(f"       the check alone, in process (CPU, base loaded): {in_process:.3f} s")
    sys.exit(0 if cpu <= bound else 1)


if __name__ == "__main__":
    main()
