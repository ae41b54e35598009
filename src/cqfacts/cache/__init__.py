"""The fact base cache: a base read from TOML once is answered from a file in the user's cache after.

Parsing TOML costs about 1 s per 10,000 facts and indexing it as much again, on every run; the cache holds
the loaded base and its search index, so a run reads only what it needs: the fact ids, the postings of the
query's terms and the facts it prints. The cache is only a cache: a base from it gives the same results as
one parsed from TOML, and when it cannot be used cqfacts reads the TOML.

- **Where** (``place``): ``$CQFACTS_CACHE_DIR``, else ``$XDG_CACHE_HOME/cqfacts``, else the platform's user
  cache folder; one file per fact base, named by a hash of its resolved path. Never beside the user's files.
  Only a folder and file of the user's own that no one else can write is read or written.
- **Fresh** (``freshness``): a stamp of the bytes that were parsed, checked against each file.
- **Data only** (``storage``, ``records``): JSON and arrays of integers, checksummed block by block.
- **Never an error** (``disk``): a cache that cannot be read is rebuilt, one that cannot be written is
  skipped, each with a one-line notice on stderr; ``--no-cache`` or ``CQFACTS_NO_CACHE=1`` skips it.
"""

from __future__ import annotations

import os
import weakref
from bisect import bisect_right
from collections.abc import Callable, Iterator
from pathlib import Path

from cqfacts.cache import place
from cqfacts.cache.freshness import checksum
from cqfacts.cache.place import ENV_CACHE_DIR, ENV_NO_CACHE, cache_dir, cache_disabled
from cqfacts.model import FactBase

__all__ = ["ENV_CACHE_DIR", "ENV_NO_CACHE", "cache_dir", "cache_disabled", "cache_name", "load"]

# No cache of a base needs more than this many times its TOML (CJK text, indexed by character pairs, needs
# the most): a larger file at the cache's name is refused unread.
SIZE_FACTOR = 12
SIZE_SLACK = 2**20


def cache_name(given: Path) -> str:
    """The cache file's name for the base at ``given``: a hash of its resolved path, so every spelling shares it."""
    return f"base-{checksum(os.fsencode(os.path.realpath(given)))}.cache"


def load(path: str | os.PathLike[str] | None = None, *, use_cache: bool = True, quiet: bool = False) -> FactBase:
    """The fact base at ``path`` (as ``loader.load`` resolves it), from its cache when that is fresh.

    A stale or missing cache is built; a cache that cannot be trusted, read or written means the TOML is
    read, with a notice (none when ``quiet``). Errors in the base itself are raised as ``loader.load`` raises.
    """
    from cqfacts.cache import freshness
    from cqfacts.loader import fact_files, resolve_facts_path
    from cqfacts.loader import load as load_toml

    folder = cache_dir()
    if not use_cache or cache_disabled() or folder is None:
        return load_toml(path)
    given = resolve_facts_path(path)
    files = fact_files(given)
    real = [os.path.realpath(f) for f in files]
    statuses = freshness.statuses([Path(r) for r in real])
    if statuses is None:  # a pipe or a device (--facts /dev/stdin), or unreadable: the loader says what is wrong
        return load_toml(path)
    name = cache_name(given)
    try:
        folder_fd = place.open_folder(folder, create=False)
    except place.Untrusted as exc:
        _notice(f"the cache folder {folder} is not used: {exc}; reading the fact base without it "
                f"(make it yours with mode 700, or set ${ENV_CACHE_DIR})", quiet)
        return load_toml(path)
    except OSError as exc:
        _notice(f"the cache folder {folder} cannot be opened ({exc.strerror or exc}); reading the fact base "
                "without it", quiet)
        return load_toml(path)
    if folder_fd is None:
        return _build(given, folder, name, quiet=quiet)
    limit = SIZE_FACTOR * sum(st.st_size for st in statuses) + SIZE_SLACK
    try:
        base = _open(given, folder, folder_fd, name, limit, list(zip(real, statuses, strict=True)), quiet)
    except Exception as exc:  # whatever a damaged file raises, it is a cache to rebuild, never an error
        why = "is not used" if isinstance(exc, place.Untrusted) else "cannot be read"
        if isinstance(exc, place.Untrusted) and not exc.replaceable:
            os.close(folder_fd)
            _notice(f"the cache {folder / name} {why} ({exc}); reading the fact base without it", quiet)
            return load_toml(path)
        _notice(f"the cache {folder / name} {why} ({_reason(exc)}); rebuilding it", quiet)
        base = None
    if base is not None:
        return base
    os.close(folder_fd)
    return _build(given, folder, name, quiet=quiet)


def _build(given: Path, folder: Path, name: str, *, quiet: bool, read_back: bool = True) -> FactBase:
    """``cache.build.build``, imported only when a cache is built (not named ``build``: importing the module
    ``cache.build`` sets the package's ``build`` to it): a run answered from a fresh cache never
    imports the build (with what it imports, 6 ms of every warm run: 1.25 times a Typer hello world for
    ``list --json``, not 1.1)."""
    from cqfacts.cache.build import build as build_cache

    return build_cache(given, folder, name, quiet=quiet, read_back=read_back)


def _open(given: Path, folder: Path, folder_fd: int, name: str, limit: int, now: list[tuple[str, os.stat_result]],
          quiet: bool) -> FactBase | None:
    """The base in the cache file when it is fresh for these files; None when missing or out of date."""
    from cqfacts.cache import freshness
    from cqfacts.cache.storage import Reader

    fd = place.open_cache(folder_fd, name, limit)
    if fd is None:
        return None
    try:
        reader = Reader(fd, os.fstat(fd).st_size)
        meta = reader.meta
        if meta.get("format") != freshness.FORMAT or meta.get("fingerprint") != freshness.fingerprint():
            reader.close()
            os.close(fd)
            return None
        same, refreshed = freshness.unchanged(meta["files"], now, meta["stamped"])
        if not same:
            reader.close()
            os.close(fd)
            return None
        if refreshed is not None:
            _record_stamps(reader, folder, folder_fd, name, refreshed)
        return _cached_base(given, folder, folder_fd, name, fd, reader, quiet)
    except BaseException:
        os.close(fd)
        raise


def _record_stamps(reader: object, folder: Path, folder_fd: int, name: str, stamps: list[list[object]]) -> None:
    """Contents unchanged, times moved (a touch, a checkout): record the new times, where the folder may be written."""
    import time

    from cqfacts.cache.storage import Reader

    assert isinstance(reader, Reader)
    try:
        with place.replacing(folder, folder_fd, name) as fd:
            reader.copy_to(fd, {**reader.meta, "files": stamps, "stamped": time.time_ns()})
    except (OSError, place.Untrusted):
        pass  # a read-only cache stays as it is: hashed again next time


def open_built(given: Path, folder: Path, folder_fd: int, name: str, otherwise: Callable[[], FactBase]) -> FactBase:
    """The base just built, read back from its cache (search then reads its index, not builds one); else
    ``otherwise()``."""
    from cqfacts.cache.storage import Reader

    try:
        fd = place.open_cache(folder_fd, name, 2**62)
        if fd is None:
            raise OSError("gone")
        try:
            return _cached_base(given, folder, folder_fd, name, fd, Reader(fd, os.fstat(fd).st_size), False)
        except BaseException:
            os.close(fd)
            raise
    except Exception:  # replaced meanwhile, or gone: as read
        os.close(folder_fd)
        return otherwise()


def _cached_base(given: Path, folder: Path, folder_fd: int, name: str, fd: int, reader: object,
                 quiet: bool) -> FactBase:
    from cqfacts.cache.disk import CachedFactBase, DiskIndex, Items, Store
    from cqfacts.cache.readers import Groups, Numbers, Strings
    from cqfacts.cache.storage import Reader
    from cqfacts.loader import fact_files

    assert isinstance(reader, Reader)
    files = tuple(str(f) for f in fact_files(given))

    def replace(reason: str) -> FactBase:
        _notice(f"the cache {folder / name} cannot be read ({reason}); rebuilding it", quiet)
        place.remove(folder_fd, name, fd)
        return _build(given, folder, name, quiet=True, read_back=False)

    store = Store(reader, files, replace)
    tables = {}
    for table in ("sources", "entities"):
        ids = Strings(reader, f"{table}.ids")
        records = Groups(reader, f"{table}.records", len(ids))
        tables[table] = Items(store, table, ids, Numbers(reader, f"{table}.by_id").whole(), records.__getitem__)
    starts, chunks = reader.meta["chunk_starts"], reader.meta["chunks"]
    ids = Strings(reader, "facts.ids")
    if len(starts) != chunks + 1 or starts[0] != 0 or starts[-1] != len(ids) or starts != sorted(starts):
        raise ValueError(f"chunks starting at {starts[:3]}... for {len(ids)} facts")
    missing = [name for name in _parts(chunks) if name not in reader.meta["sections"]]
    if missing:  # a table of contents without a part is damage, found now rather than by the query that needs it
        raise ValueError(f"no part {missing[0]!r}")
    fact_records: dict[int, Groups] = {}

    def fact_record(n: int) -> str:
        chunk = bisect_right(starts, n) - 1
        if chunk not in fact_records:
            fact_records[chunk] = Groups(reader, f"facts.records.{chunk}", starts[chunk + 1] - starts[chunk])
        return fact_records[chunk][n - starts[chunk]]

    facts = Items(store, "facts", ids, Numbers(reader, "facts.by_id"), fact_record)
    lengths = Numbers(reader, "lengths")
    if not len(ids) == len(facts) == len(lengths) == reader.meta["facts"]:
        raise ValueError(f"{len(ids)} ids, {len(facts)} facts and {len(lengths)} lengths")
    from cqfacts.cache.records import DECODERS

    terms = {term.id: term for term in map(DECODERS["terms"], reader.json("terms.table"))}
    base = CachedFactBase(sources=tables["sources"], entities=tables["entities"], facts=facts,  # type: ignore[arg-type]
                          files=files, terms=terms, search_index=DiskIndex(store, facts, ids, lengths, chunks))
    weakref.finalize(base, _close, reader, fd, folder_fd)
    return base


def _parts(chunks: int) -> Iterator[str]:
    """The name of every part of a cache of this many chunks."""
    for k in range(chunks):
        yield from (f"facts.records.{k}", f"facts.records.{k}.offsets", f"terms.{k}", f"terms.{k}.offsets")
        yield from (f"postings.{k}.{column}" for column in ("numbers", "codes", "counts", "offsets"))
    yield from ("facts.ids", "facts.ids.offsets", "facts.by_id", "lengths", "fields", "fields.offsets", "vocabulary",
                "vocabulary.offsets", "words", "words.by_length", "directory.offsets", "directory.chunks",
                "directory.places")


def _close(reader: object, fd: int, folder_fd: int) -> None:
    import contextlib

    from cqfacts.cache.storage import Reader

    if isinstance(reader, Reader):
        reader.close()
    for descriptor in (fd, folder_fd):
        with contextlib.suppress(OSError):
            os.close(descriptor)


def _reason(exc: BaseException) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__


def _notice(message: str, quiet: bool) -> None:
    if not quiet:
        from cqfacts.output import notice

        notice(message)
