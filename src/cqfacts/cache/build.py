"""Building a cache: read the TOML (stamping the bytes parsed), index it in chunks, write the file as they come.

A large base (over ``PARALLEL_BYTES`` of TOML) is read by worker processes, forked before this process grows,
in two passes. First the files of tables (sources, entities, terms: anything but facts only) are parsed and
checked whole, and merged here as ``loader.load`` merges them. Then each file of facts is parsed, checked,
encoded and indexed by a worker itself, in chunks of at most ``CHUNK_FACTS`` facts (``chunks``), which sends
back only compact parts; each is written to the cache file as it arrives, so no process holds the whole base.
What spans files is checked here (an id defined twice) and by the workers against the tables (a fact's
source and entities). A base with any problem, or anything the fast way does not expect, is read again as
``loader.load`` reads it: its problems are raised with their messages, and a base without any is cached
from that reading. A progress bar shows on stderr when it is a terminal.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import operator
import os
import sys
import time
from array import array
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from cqfacts.cache import freshness, place, pools
from cqfacts.cache.progress import Progress
from cqfacts.cache.records import encode, encode_json
from cqfacts.cache.storage import Writer, groups, narrowest, starts, strings
from cqfacts.model import FactBase
from cqfacts.output import isatty
from cqfacts.search import base_fields

PARALLEL_BYTES = 4 * 2**20  # about 5,000 facts: below this a build takes well under a second in one process
CHUNK_FACTS = 10_000  # facts a worker indexes at a time (its memory peaks with the chunk: ~170 MB at 10,000)
# Tests: called with each file's path right after its bytes were read, as a writer racing the build would.
AFTER_READ: Callable[[Path], None] | None = None


class _Slow(Exception):
    """The fast way met something it does not expect: the base is read as ``loader.load`` reads it."""


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


def _plan(file: Path, streams: bool) -> Any:
    """The first look: how a file of facts only is cut into chunks (``chunks.plan``: each chunk's worker then
    need not find its headers again); None for a file of tables (or one that cannot be read: the loader says
    why)."""
    from cqfacts.cache import chunks
    from cqfacts.loader import read_bytes

    try:
        raw = read_bytes(file, streams)
    except OSError:
        return None
    return chunks.plan(raw, freshness.digest(raw), CHUNK_FACTS)


def _tables(given: Path, files: list[Path], counts: list[int | None], named: bool) -> dict[str, Any] | None:
    """The files of tables read and merged as ``loader.load`` does, in a process of its own (it is then gone,
    with all it made): their stamps, sections, the workers' ``chunks.Tables`` and their own facts' chunks.
    None when they have a problem."""
    from cqfacts.cache import chunks
    from cqfacts.loader import load_with_problems

    empty: tuple[Any, freshness.Stamp | None] = (({}, [], []), None)
    read = [empty if count is not None else _read_stamped(file, named) for file, count in zip(files, counts,
                                                                                               strict=True)]
    base, problems = load_with_problems(given, map_files=functools.partial(_given, [found[0] for found in read]))
    if problems or any(count is None and found[1] is None for count, found in zip(counts, read, strict=True)):
        return None
    known = chunks.tables(base)
    worked_out = None  # the entities' terms, worked out only for facts in files of tables (0.8 s at 50,000)
    made: list[list[dict[str, Any]]] = []
    starts = []  # where each file's facts of a file of facts only start (the workers' chunks)
    first = 0  # the base's facts are numbered file by file: a file of tables' own, then a file of facts'
    for count, found in zip(counts, read, strict=True):
        of_file = list(found[0][0].get("facts", {}).values())
        if of_file and worked_out is None:
            worked_out = chunks.shared(known.entities)
        made.append([chunks.chunk(known.entities, of_file[start:start + CHUNK_FACTS], first + start, worked_out)
                     for start in range(0, len(of_file), CHUNK_FACTS)])
        starts.append(first + len(of_file))
        first = starts[-1] + (count or 0)
    return {"stamps": [found[1] for found in read], "sections": table_sections(base), "known": known,
            "chunks": made, "starts": starts}


def build(given: Path, folder: Path, name: str, *, quiet: bool, read_back: bool = True) -> FactBase:
    """Read the base from TOML, write its cache ``name`` in ``folder``, and return the base read from that cache.

    When the cache cannot be written, the base read from TOML is returned, after a notice (none when ``quiet``).
    ``read_back=False``: the base read from TOML, whole (what replaces a damaged cache).
    """

    files = _files_of(given)
    large = sum(f.stat().st_size for f in files) >= PARALLEL_BYTES
    progress = Progress(large and not quiet and isatty(sys.stderr), len(files))
    collecting = gc.isenabled()
    gc.disable()  # a build makes millions of objects that all live on: the cyclic GC would only rescan them
    try:
        # Forked first, while this process is small: the workers, one for the tables, two for the end.
        several = large and len(files) > 1
        with progress, pools.processes(several) as workers, pools.processes(large, 1) as tables_worker, \
                pools.finishers(read_back and several) as finishers:
            mapping = workers.map if workers else map
            if read_back:
                with contextlib.suppress(_Slow):
                    return _streamed(given, files, folder, name, quiet, mapping, progress,
                                     workers.shutdown if workers else None, tables_worker, finishers)
                if workers:
                    workers.shutdown(cancel_futures=True)
                    mapping = map
            return _whole(given, folder, name, quiet, read_back, mapping, progress)
    finally:
        if collecting:
            gc.freeze()  # what the build made was never collected: a first collection would walk all of it
            gc.enable()


def _streamed(given: Path, files: list[Path], folder: Path, name: str, quiet: bool, mapping: Callable[..., Any],
              progress: Progress, done: Callable[[], None] | None, tables_worker: Any, finishers: Any
              ) -> FactBase:
    """The fast way: files of facts parsed, indexed and written chunk by chunk; ``_Slow`` when it cannot.
    ``done``: the workers' shutdown (None: there are none), once the chunks are in."""
    from cqfacts.cache import chunks
    from cqfacts.loader import load as load_toml

    named = files == [given]
    plans = list(progress.counting(mapping(_plan, files, [named] * len(files))))
    counts = [None if planned is None else planned.facts for planned in plans]
    if tables_worker is not None:
        tables = tables_worker.submit(_tables, given, files, counts, named).result()
        tables_worker.shutdown()
    else:
        tables = _tables(given, files, counts, named)
    if tables is None:
        raise _Slow
    stamps, known = tables["stamps"], tables["known"]
    # Each file of facts in chunks of CHUNK_FACTS facts, read by the workers in file order, each chunk's facts
    # numbered from where the first look puts them (each is checked to come there).
    pieces = [0 if count is None else -(-count // CHUNK_FACTS) for count in counts]
    tasks = [(file, k // CHUNK_FACTS, start + k, planned)
             for file, count, planned, start in zip(files, counts, plans, tables["starts"], strict=True)
             for k in range(0, count or 0, CHUNK_FACTS)]
    read = iter(mapping(chunks.read_chunk, [t[0] for t in tasks], [named] * len(tasks), [t[1] for t in tasks],
                        [CHUNK_FACTS] * len(tasks), [chunks.sent(known)] * len(tasks), [t[2] for t in tasks],
                        [t[3] for t in tasks]))
    progress.indexing(sum(count or 0 for count in counts))
    folder_fd = _open_folder(folder, quiet, lambda: load_toml(given))
    if isinstance(folder_fd, FactBase):
        return folder_fd
    try:
        with place.replacing(folder, folder_fd, name) as fd:
            sections = _Sections(fd, base_fields(known.entities))
            for section in tables.pop("sections"):
                sections.writer.add(*section)
            for n, of_tables in enumerate(tables.pop("chunks")):
                for part in of_tables:  # a file of tables: its facts, indexed with the tables
                    sections.chunk(part)
                for k in range(pieces[n]):
                    got = next(read)
                    # each chunk cut from the same bytes, which hold as many chunks as the first look saw
                    if got is None or got[1] != pieces[n] or stamps[n] not in (None, got[0]):
                        raise _Slow
                    stamps[n] = got[0]
                    sections.chunk(got[2])
                    progress.indexed(min(CHUNK_FACTS, (counts[n] or 0) - k * CHUNK_FACTS))
            if done is not None:
                done()  # the workers' memory back before the ids are sorted and the vocabulary merged
            sections.finish(stamps, time.time_ns(), finishers)
    except (OSError, place.Untrusted) as exc:
        os.close(folder_fd)
        _unwritable(folder, exc, quiet)
        return load_toml(given)
    except BaseException:
        os.close(folder_fd)
        raise
    from cqfacts.cache import open_built

    return open_built(given, folder, folder_fd, name, lambda: load_toml(given))


def _given(results: list[Any], _read: Any, _files: list[Path], _named: list[bool]) -> list[Any]:
    """A ``map_files`` for ``loader.load_with_problems`` that hands over files already read."""
    return results


def _whole(given: Path, folder: Path, name: str, quiet: bool, read_back: bool, mapping: Callable[..., Any],
           progress: Progress) -> FactBase:
    """The slow way: the whole base read as ``loader.load`` reads it, indexed and written from memory."""
    from cqfacts.cache import chunks
    from cqfacts.loader import load as load_toml
    from cqfacts.loader import load_with_problems

    stamps: list[freshness.Stamp | None] = []

    def map_files(_read: Any, files: list[Path], named: list[bool]) -> Iterator[Any]:
        for result, stamp in mapping(_read_stamped, files, named):
            stamps.append(stamp)
            yield result

    base, problems = load_with_problems(given, map_files=map_files)
    if problems:  # read again, for every message with its line (duplicates too)
        return load_toml(given)
    stamped = time.time_ns()
    if any(s is None for s in stamps):
        return base
    folder_fd = _open_folder(folder, quiet, lambda: base)
    if isinstance(folder_fd, FactBase):
        return folder_fd
    facts = list(base.facts.values())
    progress.indexing(len(facts))
    try:
        with place.replacing(folder, folder_fd, name) as fd:
            sections = _Sections(fd, base_fields(base.entities))
            for section in table_sections(base):
                sections.writer.add(*section)
            worked_out = chunks.shared(base.entities)
            for start in range(0, len(facts), CHUNK_FACTS):
                sections.chunk(chunks.chunk(base.entities, facts[start:start + CHUNK_FACTS], start, worked_out))
                progress.indexed(len(facts[start:start + CHUNK_FACTS]))
            sections.finish(stamps, stamped, None)
    except (OSError, place.Untrusted, _Slow) as exc:
        os.close(folder_fd)
        if not isinstance(exc, _Slow):
            _unwritable(folder, exc, quiet)
        return base
    if not read_back:
        os.close(folder_fd)
        return base
    from cqfacts.cache import open_built

    return open_built(given, folder, folder_fd, name, lambda: base)


def _open_folder(folder: Path, quiet: bool, without: Callable[[], FactBase]) -> int | FactBase:
    """The cache folder's descriptor, made if need be; else, after a notice, ``without()``: the base from TOML."""
    try:
        folder_fd = place.open_folder(folder, create=True)
        assert folder_fd is not None
        return folder_fd
    except place.Untrusted as exc:  # made meanwhile by someone else
        base = without()
        _notice(f"the cache folder {folder} is not used: {exc}; reading the fact base without it", quiet)
        return base
    except OSError as exc:
        base = without()
        _unwritable(folder, exc, quiet)
        return base


def _files_of(given: Path) -> list[Path]:
    from cqfacts.loader import fact_files

    return fact_files(given)


class _Sections:
    """The cache file's sections, written as each chunk arrives; the tables, ids and meta at the end."""

    def __init__(self, fd: int, fields: list[tuple[str, float, bool]]):
        self.writer = Writer(fd)
        self.starts = [0]  # each chunk's first fact number, and the number of facts
        self.lengths = array("I")
        self.ids: list[bytes] = []
        self.fields = fields  # the base's (``search.base_fields``): every chunk's field codes are theirs

    def chunk(self, parts: dict[str, Any]) -> None:
        """A chunk's parts, written; ``_Slow`` unless its facts are numbered from where the chunks before end."""
        if parts["first"] != self.starts[-1]:
            raise _Slow
        writer, k = self.writer, len(self.starts) - 1
        _add(writer, f"facts.records.{k}", parts["records"])
        _add(writer, f"terms.{k}", parts["terms"])
        for part in ("numbers", "codes", "counts", "offsets"):
            writer.add(f"postings.{k}.{part}", parts[f"postings.{part}"])
        self.lengths.extend(parts["lengths"])
        self.starts.append(len(self.lengths))
        if parts["ids"]:
            self.ids.append(parts["ids"])


    def finish(self, stamps: list[freshness.Stamp], stamped: int, pool: Any) -> None:
        """The rest: every fact's id, the vocabulary, the meta; ``_Slow`` when a fact id is defined twice. With
        ``pool`` (two processes forked as the build began), they sort the ids and merge the vocabulary's ranges,
        two at a time, while this one reads the ranges from the file and writes what comes back."""
        from cqfacts.cache.directory import Vocabulary, merged

        writer, chunk_ids = self.writer, self.ids
        self.ids = []
        sorting = pool.submit(_sorted_ids, chunk_ids) if pool is not None else None
        # Written first, then let go (53 MB at a million facts) before the vocabulary is merged. Kept as UTF-8,
        # which sorts as its text does, never decoded: a million ids take 30 MB less.
        writer.add_pieces("facts.ids", (blob.replace(b"\n", b"") for blob in chunk_ids))
        ids = _sorted_ids(chunk_ids) if sorting is None else None
        del chunk_ids
        vocabulary = Vocabulary(writer, len(self.starts) - 1)
        vocabulary.write(pools.in_order(pool, merged, vocabulary.ranges()))
        order, offsets, twice = sorting.result() if sorting is not None else ids
        if twice:
            raise _Slow  # the loader names both places
        writer.add("facts.ids.offsets", offsets)
        writer.add("facts.by_id", order)
        writer.add("lengths", narrowest(self.lengths))  # (a fact's length in terms: one byte at a million facts)
        _strings(writer, "fields", (encode_json(list(field)) for field in self.fields))
        writer.finish({"format": freshness.FORMAT, "fingerprint": freshness.fingerprint(), "files": stamps,
                       "stamped": stamped, "chunks": len(self.starts) - 1, "chunk_starts": self.starts,
                       "facts": len(self.lengths), "length_total": sum(self.lengths),
                       "length_min": min(self.lengths, default=0)})


def _sorted_ids(chunk_ids: list[bytes]) -> tuple[array[int], array[int], bool]:
    """Of the fact ids (of each chunk, one a line): the facts in the order of their ids, where each id starts
    in them all (``storage.blobs``), and whether an id is there twice."""
    ids: list[bytes] = []
    chunk_ids.reverse()
    while chunk_ids:  # each chunk's let go as it is split (the task's own copy): 53 MB at a million facts
        ids += chunk_ids.pop().split(b"\n")
    order = sorted(range(len(ids)), key=ids.__getitem__)
    ordered = list(map(ids.__getitem__, order))
    twice = any(map(operator.eq, ordered, ordered[1:]))
    return array("I", order), starts(ids), twice


def table_sections(base: FactBase) -> list[tuple[str, bytes | array[int]]]:
    """The sections of the base's sources, entities and terms table."""
    sections: list[tuple[str, bytes | array[int]]] = []
    for table in ("sources", "entities"):
        items = getattr(base, table)
        ids = list(items)
        for name, part in ((f"{table}.records", groups([encode(item) for item in items.values()])),
                           (f"{table}.ids", strings(ids))):
            sections += [(name, part[0]), (name + ".offsets", part[1])]
        sections.append((f"{table}.by_id", array("I", sorted(range(len(ids)), key=ids.__getitem__))))
    # The terms table is small (a curator's vocabulary): one JSON array of its records, read whole.
    sections.append(("terms.table", encode_json([encode(term) for term in base.terms.values()]).encode("utf-8")))
    return sections


def _strings(writer: Writer, name: str, items: Iterable[str]) -> None:
    _add(writer, name, strings(items))


def _add(writer: Writer, name: str, part: tuple[bytes, array[int]]) -> None:
    """A ``strings()`` or ``groups()`` part: its blob, and its offsets beside it."""
    blob, offsets = part
    writer.add(name, blob)
    writer.add(name + ".offsets", offsets)


def _unwritable(folder: Path, exc: BaseException, quiet: bool) -> None:
    from cqfacts.cache.place import ENV_NO_CACHE

    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    _notice(f"cannot write the cache in {folder} ({reason}); reading the fact base without it "
            f"(--no-cache or {ENV_NO_CACHE}=1 skips it)", quiet)


def _notice(message: str, quiet: bool) -> None:
    if not quiet:
        from cqfacts.output import notice

        notice(message)
