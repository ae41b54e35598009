"""Building a cache: read the TOML (stamping the bytes parsed), index it in chunks, write the file.

A large base (over ``PARALLEL_BYTES`` of TOML) is read and indexed in parallel processes (forked, so they
inherit the base), in chunks of ``CHUNK_FACTS`` facts whose postings are stored apart, with a progress bar
when stderr is a terminal. A base with problems raises as ``loader.load`` raises, and is not cached.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
import sys
import time
from array import array
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from cqfacts.cache import freshness, place
from cqfacts.cache.records import encode, encode_json
from cqfacts.cache.storage import Writer, groups, narrowest, strings
from cqfacts.model import FactBase
from cqfacts.output import isatty

PARALLEL_BYTES = 4 * 2**20  # about 5,000 facts: below this a build takes well under a second in one process
CHUNK_FACTS = 10_000  # at most 65,536: a fact's number within its chunk is stored in two bytes
# Tests: called with each file's path right after its bytes were read, as a writer racing the build would.
AFTER_READ: Callable[[Path], None] | None = None

_BUILDING: FactBase | None = None  # the base a build's worker processes index (they inherit it by fork)


def _read_stamped(file: Path, streams: bool) -> tuple[Any, freshness.Stamp | None]:
    """``loader.read_file``, with the stamp of the bytes it parsed (None when they could not be read).

    A file is first read the fast way (rtoml, no line numbers); one with any problem is read again as
    ``loader.read_file`` reads it, for the messages and their lines.
    """
    from cqfacts.checker import check_document
    from cqfacts.loader import read_bytes, read_file
    from cqfacts.toml_text import LineIndex, parse_fast

    try:
        raw, stamp = freshness.read_stamped(file, streams, read_bytes)
    except OSError:
        return read_file(file, streams), None  # the loader says what is wrong
    fast = parse_fast(raw)
    if fast is not None:
        items, refs, problems = check_document(str(file), *fast, lines=LineIndex(""))
        if not problems:
            return (items, refs, problems), stamp
    return read_file(file, streams, raw=raw), stamp


def _index_chunk(number: int, start: int, stop: int) -> dict[str, Any]:
    """Index facts [start, stop) of the base being built: the parts of the cache file that hold them."""
    from cqfacts.search import build_index

    base = _BUILDING
    assert base is not None
    facts = list(itertools.islice(base.facts.values(), start, stop))
    index = build_index(base, facts)
    terms = sorted(index.postings)
    # A term's postings are entries [offsets[i], offsets[i + 1]) of three arrays: the fact's number within the
    # chunk, the field code, the count; each array as narrow as the chunk's largest value allows.
    numbers, codes, counts, offsets = array("I"), array("I"), array("I"), array("I", [0])
    for term in terms:
        found = index.postings[term]
        numbers.extend(found)
        in_field, occurrences = zip(*found.values(), strict=True)
        codes.extend(in_field)
        counts.extend(occurrences)
        offsets.append(len(numbers))
    return {"records": groups([encode(fact) for fact in facts]), "terms": strings(terms),
            "postings.numbers": narrowest(numbers), "postings.codes": narrowest(codes),
            "postings.counts": narrowest(counts), "postings.offsets": narrowest(offsets),
            "fields": index.fields,
            "lengths": array("I", index.lengths), "words": index.words, "vocabulary": terms}


def build(given: Path, folder: Path, name: str, *, quiet: bool, read_back: bool = True) -> FactBase:
    """Read the base from TOML, write its cache ``name`` in ``folder``, and return the base read from that cache.

    When the cache cannot be written, the base read from TOML is returned, after a notice (none when ``quiet``).
    """
    from cqfacts.loader import load as load_toml
    from cqfacts.loader import load_with_problems

    global _BUILDING
    stamps: list[freshness.Stamp | None] = []
    size = sum(f.stat().st_size for f in _files_of(given))
    large = size >= PARALLEL_BYTES
    progress = _Progress(large and not quiet and isatty(sys.stderr), len(_files_of(given)))
    collecting = gc.isenabled()
    gc.disable()  # a build makes millions of objects that all live on: the cyclic GC would only rescan them
    try:
        with progress:
            def map_files(_read: Any, files: list[Path], named: list[bool]) -> Iterator[Any]:
                with _processes(large and len(files) > 1) as readers:
                    for result, stamp in progress.counting((readers.map if readers else map)(
                            _read_stamped, files, named)):
                        stamps.append(stamp)
                        yield result

            base, problems = load_with_problems(given, map_files=map_files)
            if problems:  # read again the slow way, for every message with its line (duplicates too)
                return load_toml(given)
            stamped = time.time_ns()
            _BUILDING = base
            chunks = [(k, start, min(start + CHUNK_FACTS, len(base.facts)))
                      for k, start in enumerate(range(0, len(base.facts), CHUNK_FACTS))] or [(0, 0, 0)]
            progress.indexing(len(base.facts))
            if any(s is None for s in stamps):
                return base
            with _processes(large and len(chunks) > 1) as workers:  # forked now, to inherit the base
                results = (workers.map if workers else map)(_index_chunk, *zip(*chunks, strict=True))
                try:
                    folder_fd = place.open_folder(folder, create=True)
                    assert folder_fd is not None
                except place.Untrusted as exc:  # made meanwhile by someone else
                    _notice(f"the cache folder {folder} is not used: {exc}; reading the fact base without it", quiet)
                    return base
                except OSError as exc:
                    _unwritable(folder, exc, quiet)
                    return base
                try:
                    with place.replacing(folder, folder_fd, name) as fd:
                        _write(fd, base, stamps, stamped, len(chunks), results, progress)  # type: ignore[arg-type]
                except (OSError, place.Untrusted) as exc:
                    os.close(folder_fd)
                    _unwritable(folder, exc, quiet)
                    return base
    finally:
        _BUILDING = None
        if collecting:
            gc.freeze()  # what the build made was never collected: a first collection would walk all of it
            gc.enable()
    if not read_back:
        os.close(folder_fd)
        return base
    from cqfacts.cache import open_built

    return open_built(given, folder, folder_fd, name, base)


def _files_of(given: Path) -> list[Path]:
    from cqfacts.loader import fact_files

    return fact_files(given)


def _write(fd: int, base: FactBase, stamps: list[freshness.Stamp], stamped: int, chunks: int,
           results: Iterable[dict[str, Any]], progress: _Progress) -> None:
    writer = Writer(fd)
    for table in ("sources", "entities", "facts"):
        items = getattr(base, table)
        ids = list(items)
        if table != "facts":
            _add(writer, f"{table}.records", groups([encode(item) for item in items.values()]))
        _strings(writer, f"{table}.ids", ids)
        writer.add(f"{table}.by_id", array("I", sorted(range(len(ids)), key=ids.__getitem__)))
    # The terms table is small (a curator's vocabulary): one JSON array of its records, read whole.
    writer.add("terms.table", encode_json([encode(term) for term in base.terms.values()]).encode("utf-8"))
    lengths = array("I")
    words: set[str] = set()
    vocabulary: set[str] = set()
    labels: dict[tuple[str, float, bool], int] = {}  # the fields of all chunks, each once: codes are the base's
    for k, parts in enumerate(results):
        _add(writer, f"facts.records.{k}", parts["records"])
        _add(writer, f"terms.{k}", parts["terms"])
        codes = [labels.setdefault(field, len(labels)) for field in parts["fields"]]
        parts["postings.codes"] = narrowest(array("I", map(codes.__getitem__, parts["postings.codes"])))
        for part in ("numbers", "codes", "counts", "offsets"):
            writer.add(f"postings.{k}.{part}", parts[f"postings.{part}"])
        lengths.extend(parts["lengths"])
        words.update(parts["words"])
        vocabulary.update(parts["vocabulary"])
        progress.indexed(len(parts["lengths"]))
    writer.add("lengths", lengths)
    _strings(writer, "fields", (encode_json(list(field)) for field in labels))
    _strings(writer, "vocabulary", sorted(vocabulary))
    writer.add("words", "\n".join(sorted(words)).encode("utf-8"))
    writer.finish({"format": freshness.FORMAT, "fingerprint": freshness.fingerprint(), "files": stamps,
                   "stamped": stamped, "chunks": chunks, "chunk_facts": CHUNK_FACTS, "facts": len(base.facts)})


def _strings(writer: Writer, name: str, items: Iterable[str]) -> None:
    _add(writer, name, strings(items))


def _add(writer: Writer, name: str, part: tuple[bytes, array[int]]) -> None:
    """A ``strings()`` or ``groups()`` part: its blob, and its offsets beside it."""
    blob, offsets = part
    writer.add(name, blob)
    writer.add(name + ".offsets", offsets)


@contextlib.contextmanager
def _processes(wanted: bool) -> Iterator[Any]:
    """A pool of worker processes that inherit this one (fork), or None: small builds, or no fork here."""
    import multiprocessing

    if not wanted or (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield None
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=min(os.cpu_count() or 2, 4),
                             mp_context=multiprocessing.get_context("fork")) as pool:
        yield pool


def _unwritable(folder: Path, exc: BaseException, quiet: bool) -> None:
    from cqfacts.cache.place import ENV_NO_CACHE

    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    _notice(f"cannot write the cache in {folder} ({reason}); reading the fact base without it "
            f"(--no-cache or {ENV_NO_CACHE}=1 skips it)", quiet)


def _notice(message: str, quiet: bool) -> None:
    if not quiet:
        from cqfacts.output import notice

        notice(message)


class _Progress:
    """A Rich progress bar on stderr while a large base is read and indexed; nothing when not enabled."""

    def __init__(self, enabled: bool, files: int):
        self.enabled, self.files = enabled, files
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            from cqfacts.output import console

            self._bar = Progress(TextColumn("cqfacts: {task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=console(stderr=True), transient=True)
            self._bar.__enter__()
            self._task = self._bar.add_task(f"reading {self.files} files", total=self.files)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)

    def counting(self, results: Iterable[Any]) -> Iterator[Any]:
        """``results``, advancing the bar as each file is read."""
        for result in results:
            if self._bar is not None:
                self._bar.advance(self._task)
            yield result

    def indexing(self, facts: int) -> None:
        if self._bar is not None:
            self._bar.update(self._task, description="indexing facts", completed=0, total=facts)

    def indexed(self, facts: int) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, facts)
