"""The fact base cache: a base read from TOML once is answered from an SQLite file in the user's cache after.

Parsing TOML costs about 1 s per 10,000 facts and indexing it as much again, on every run; the cache holds
the loaded base and its search index, so a run reads only what it needs: the sources and entities, the
fact ids, the postings of the query's terms and the facts it prints. The cache is only a cache: a base
from it gives the same results as one parsed from TOML, and when it cannot be used cqfacts reads the TOML.

- **Where:** ``$CQFACTS_CACHE_DIR``, else ``$XDG_CACHE_HOME/cqfacts``, else the platform's user cache folder
  (``~/.cache/cqfacts``; ``~/Library/Caches/cqfacts`` on macOS, ``%LOCALAPPDATA%\\cqfacts\\Cache`` on
  Windows); one file per fact base, named by a hash of its path. Never beside the user's files.
- **Fresh:** each file's size, mtime and ctime are compared with those recorded; when they differ (or the
  file changed within two seconds of being recorded, which a clock tick may hide) its SHA-256 decides. A
  file added to or removed from a folder base, another cqfacts or another Python means a rebuild.
- **Written atomically:** into a temporary file in the cache folder, then ``os.replace``; two processes
  building at once each write their own file and the last rename wins, whole.
- **Never an error:** a cache that cannot be read is rebuilt, one that cannot be written is skipped, each
  with a one-line notice on stderr; ``--no-cache`` or ``CQFACTS_NO_CACHE=1`` skips it altogether.

A large base (over ``PARALLEL_BYTES`` of TOML) is read and indexed in parallel processes, in chunks of
``CHUNK_FACTS`` facts whose postings are stored apart, with a progress bar when stderr is a terminal.
"""

from __future__ import annotations

import contextlib
import gc
import io
import itertools
import json
import marshal
import os
import pickle
import stat
import sys
import time
import weakref
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from cqfacts import __version__
from cqfacts.lazy import record
from cqfacts.model import FactBase
from cqfacts.output import isatty

ENV_CACHE_DIR = "CQFACTS_CACHE_DIR"
ENV_NO_CACHE = "CQFACTS_NO_CACHE"
FORMAT = 1
SMALL_BYTES = 2**20  # about 1,300 facts: below this the whole base and index are one pickle, read at once
PARALLEL_BYTES = 4 * 2**20  # about 5,000 facts: below this a build takes well under a second in one process
CHUNK_FACTS = 5_000
_RACY_NS = 2 * 10**9
_CODE_STRIDE = 1 << 20  # chunk k's field codes start at k * _CODE_STRIDE (a chunk has far fewer fields)
_STALE_TEMP_SECONDS = 3600
# The modules whose code decides what a cache holds: when one changes, caches are rebuilt.
_CODE = ("cache.py", "model.py", "loader.py", "spec.py", "toml_text.py", "checker.py", "search.py", "normalize.py")


class CacheUnusable(Exception):
    """The cache file exists but cannot be read as a cache (corrupt, truncated, not SQLite)."""


def cache_dir() -> Path | None:
    """The folder for caches, or None when there is no home to put it in."""
    override = os.environ.get(ENV_CACHE_DIR)
    if override:
        return Path(override).absolute()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg, "cqfacts")
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        return Path(local, "cqfacts", "Cache") if local else None
    # No $HOME (a daemon, a sandbox): no cache, rather than guessing a home from the password database.
    home = os.environ.get("HOME", "")
    if not os.path.isabs(home):
        return None
    return Path(home, "Library", "Caches", "cqfacts") if sys.platform == "darwin" else Path(home, ".cache", "cqfacts")


def cache_disabled() -> bool:
    return os.environ.get(ENV_NO_CACHE, "") not in ("", "0")


def cache_file(resolved: Path, folder: Path, small: bool) -> Path:
    """The cache file of the fact base at ``resolved`` (a file or a folder): a pickle when small, else SQLite."""
    return folder / f"base-{_checksum(os.fsencode(os.path.abspath(resolved)))}.{'pickle' if small else 'sqlite'}"


def _checksum(data: bytes) -> str:
    # zlib, not hashlib: importing hashlib (OpenSSL) costs 3 ms of every run; a collision only costs a rebuild.
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def load(path: str | os.PathLike[str] | None = None, *, use_cache: bool = True, quiet: bool = False) -> FactBase:
    """The fact base at ``path`` (as ``loader.load`` resolves it), from its cache when that is fresh.

    A stale or missing cache is built (a large base with a progress bar when stderr is a terminal); a
    cache that cannot be read or written falls back to the TOML with a notice (none when ``quiet``).
    Errors in the base itself are raised as ``loader.load`` raises them.
    """
    from cqfacts.loader import fact_files, resolve_facts_path
    from cqfacts.loader import load as load_toml

    folder = cache_dir()
    if not use_cache or cache_disabled() or folder is None:
        return load_toml(path)
    resolved = resolve_facts_path(path)
    files = fact_files(resolved)
    stamps = _stamps(files)
    if stamps is None:  # a pipe or a device (--facts /dev/stdin), or unreadable: the loader says what is wrong
        return load_toml(path)
    small = sum(s[1] for s in stamps) < SMALL_BYTES
    if not small:
        try:
            import sqlite3  # noqa: F401  # Python may be built without it: then a large base has no cache
        except ImportError:
            return load_toml(path)
    target = cache_file(resolved, folder, small)
    try:
        cached = open_pickled(target, stamps) if small else open_cached(target, stamps)
    except CacheUnusable as exc:
        _notice(f"the cache {target} cannot be read ({exc}); rebuilding it", quiet)
        cached = None
    if cached is not None:
        return cached
    return build(resolved, stamps, target, quiet=quiet)


# --- Freshness -------------------------------------------------------------------------------------------

def _stamps(files: list[Path]) -> list[list[Any]] | None:
    """[path, size, mtime_ns, ctime_ns] of each file; None when one is not a regular file or cannot be read."""
    found = []
    for file in files:
        try:
            st = os.stat(file)
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        found.append([str(file), st.st_size, st.st_mtime_ns, st.st_ctime_ns])
    return found


def _digest(path: str) -> str | None:
    import hashlib

    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest() if hasattr(hashlib, "file_digest") \
                else hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def fingerprint() -> str:
    """What else a cache depends on: this cqfacts (its code as installed), this Python, this machine's byte order."""
    here = Path(__file__).parent
    parts = [__version__, str(FORMAT), sys.version, sys.byteorder]
    for name in _CODE:
        try:
            st = (here / name).stat()
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(name)
    return _checksum("\n".join(parts).encode())


def _unchanged(recorded: list[list[Any]], stamps: list[list[Any]], stamped_ns: int) -> tuple[bool, bool]:
    """(the files are those cached, their stamps should be recorded again)."""
    if [r[0] for r in recorded] != [s[0] for s in stamps]:
        return False, False
    refresh = False
    for (name, size, mtime, ctime, digest), (_, now_size, now_mtime, now_ctime) in zip(recorded, stamps, strict=True):
        if size != now_size:
            return False, False
        racy = now_mtime >= stamped_ns - _RACY_NS
        if (mtime, ctime) == (now_mtime, now_ctime) and not racy:
            continue
        if _digest(name) != digest:
            return False, False
        refresh = True
    return True, refresh


# --- Reading a cache -------------------------------------------------------------------------------------

@record
class CachedFactBase(FactBase):
    """A fact base read from a cache: facts are read as they are asked for; ``search_index`` answers search."""

    search_index: Any = None


def open_pickled(target: Path, stamps: list[list[Any]]) -> FactBase | None:
    """The base in a small base's cache file when it is fresh for these files; None when missing or out of date.

    The file is a pickled header (format, fingerprint, files, when stamped), then the pickled base with its
    index. Raises CacheUnusable when the file is there but is not a readable cache.
    """
    try:
        with open(target, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CacheUnusable(_reason(exc)) from None
    try:
        stream = io.BytesIO(data)
        header = pickle.load(stream)
        if not isinstance(header, tuple) or header[:2] != (FORMAT, fingerprint()):
            return None
        _, _, recorded, stamped = header
        same, refresh = _unchanged(recorded, stamps, stamped)
        if not same:
            return None
        payload = data[stream.tell():]
        base = pickle.loads(payload)
        if not isinstance(base, CachedFactBase):
            raise TypeError(f"a {type(base).__name__}, not a fact base")
    except Exception as exc:  # whatever a damaged pickle raises, it is a cache to rebuild, never an error
        raise CacheUnusable(f"{type(exc).__name__}: {exc}") from None
    if refresh:  # contents unchanged, stamps moved (a touch, a checkout): record the new ones, if we may
        files = [[*now, old[4]] for old, now in zip(recorded, stamps, strict=True)]
        with contextlib.suppress(OSError), _replacing(target) as temporary:
            Path(temporary).write_bytes(_header(files, time.time_ns()) + payload)
    return base


def _header(recorded: list[list[Any]], stamped: int) -> bytes:
    return pickle.dumps((FORMAT, fingerprint(), recorded, stamped), protocol=pickle.HIGHEST_PROTOCOL)


def open_cached(target: Path, stamps: list[list[Any]]) -> FactBase | None:
    """The base in the cache file when it is fresh for these files; None when missing or out of date.

    Raises CacheUnusable when the file is there but is not a readable cache.
    """
    import sqlite3

    try:
        size = os.stat(target).st_size
    except OSError:
        return None
    try:
        conn = sqlite3.connect(f"{target.as_uri()}?mode=ro", uri=True, check_same_thread=False)
    except sqlite3.Error as exc:
        raise CacheUnusable(str(exc)) from None
    try:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        if pages * page_size != size:  # cut short: a page read later would fail in the middle of a command
            raise CacheUnusable(f"{size:,} bytes where its pages need {pages * page_size:,}")
        meta = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('format', 'fingerprint', 'files', "
                                 "'stamped')"))
        if meta.get("format") != FORMAT or meta.get("fingerprint") != fingerprint():
            conn.close()
            return None
        same, refresh = _unchanged(json.loads(meta["files"]), stamps, meta["stamped"])
        if not same:
            conn.close()
            return None
        if refresh:
            _record_stamps(target, json.loads(meta["files"]), stamps)
        return _cached_base(conn)
    except CacheUnusable:
        conn.close()
        raise
    except Exception as exc:  # whatever a damaged file raises, it is a cache to rebuild, never an error
        conn.close()
        raise CacheUnusable(f"{type(exc).__name__}: {exc}") from None


def _record_stamps(target: Path, recorded: list[list[Any]], stamps: list[list[Any]]) -> None:
    """Contents unchanged, stamps moved (a touch, a checkout): record the new stamps, if the file may be written."""
    import sqlite3

    files = [[*now, old[4]] for old, now in zip(recorded, stamps, strict=True)]
    with contextlib.suppress(sqlite3.Error, OSError):
        conn = sqlite3.connect(target, timeout=0.2)
        try:
            with conn:
                conn.executemany("UPDATE meta SET value = ? WHERE key = ?",
                                 [(json.dumps(files), "files"), (time.time_ns(), "stamped")])
        finally:
            conn.close()


_TABLES = ("facts", "sources", "entities")


def _cached_base(conn: Any) -> CachedFactBase:
    meta = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('files', 'ids', 'lengths', 'labels', "
                             "'chunk_labels', 'source_ids', 'entity_ids', 'terms')"))
    ids = _split(meta["ids"])
    lengths = array("I")
    lengths.frombytes(meta["lengths"])
    if len(lengths) != len(ids):
        raise ValueError(f"{len(ids)} facts but {len(lengths)} lengths")
    base = CachedFactBase(sources=CachedItems(conn, "sources", _split(meta["source_ids"])),  # type: ignore[arg-type]
                          entities=CachedItems(conn, "entities", _split(meta["entity_ids"])),  # type: ignore[arg-type]
                          facts=CachedItems(conn, "facts", ids),  # type: ignore[arg-type]
                          files=tuple(f[0] for f in json.loads(meta["files"])),
                          terms=pickle.loads(meta["terms"]))
    base.search_index = DiskIndex(conn, ids, lengths, _Fields(pickle.loads(meta["labels"]),
                                                              pickle.loads(meta["chunk_labels"])))
    weakref.finalize(base, conn.close)
    return base


def _split(blob: bytes) -> list[str]:
    return blob.decode("utf-8").split("\n") if blob else []


class CachedItems(Mapping[str, Any]):
    """Id -> fact, source or entity, in file order, each read from the cache when first asked for."""

    def __init__(self, conn: Any, table: str, ids: list[str]):
        assert table in _TABLES
        self._conn, self._table, self._ids = conn, table, ids
        self._read: dict[str, Any] = {}

    def __getitem__(self, item_id: str) -> Any:
        item = self._read.get(item_id)
        if item is None:
            row = self._conn.execute(f"SELECT data FROM {self._table} WHERE id = ?", (item_id,)).fetchone()
            if row is None:
                raise KeyError(item_id)
            item = self._read[item_id] = pickle.loads(row[0])
        return item

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def values(self) -> list[Any]:  # type: ignore[override]  # one query for all, not one per item
        if len(self._read) < len(self._ids):
            rows = self._conn.execute(f"SELECT id, data FROM {self._table}")
            self._read = {item_id: self._read.get(item_id) or pickle.loads(data) for item_id, data in rows}
        return [self._read[i] for i in self._ids]

    def items(self) -> list[tuple[str, Any]]:  # type: ignore[override]
        return list(zip(self._ids, self.values(), strict=True))


class _Fields(dict[int, tuple[str, float, bool]]):
    """Field code -> (label, weight, is alias): a chunk's code is its number * _CODE_STRIDE + its own code,
    which ``chunk_labels`` maps to one of the ``labels`` all chunks share."""

    def __init__(self, labels: list[tuple[str, float, bool]], chunk_labels: list[list[int]]):
        super().__init__()
        self._labels, self._chunk_labels = labels, chunk_labels

    def __missing__(self, code: int) -> tuple[str, float, bool]:
        chunk, own = divmod(code, _CODE_STRIDE)
        field = self[code] = self._labels[self._chunk_labels[chunk][own]]
        return field


class DiskIndex:
    """A cached base's search index (what ``search.SearchIndex`` holds), read from disk as search asks."""

    def __init__(self, conn: Any, ids: list[str], lengths: array[int], fields: dict[int, tuple[str, float, bool]]):
        self._conn = conn
        self.ids, self.lengths, self.fields = ids, lengths, fields
        self.postings = _Postings(conn)

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def positions(self) -> Mapping[str, int]:
        return self._positions

    @cached_property
    def _positions(self) -> _Positions:
        return _Positions(self.ids)

    @cached_property
    def vocabulary(self) -> list[str]:
        return self._terms("vocabulary")

    @cached_property
    def words(self) -> list[str]:
        return self._terms("words")

    def _terms(self, key: str) -> list[str]:
        (blob,) = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return blob.decode("utf-8").split("\n") if blob else []


class _Positions(Mapping[str, int]):
    """Fact id -> fact number, made when first asked (search reads it only to rank a subset of the facts)."""

    def __init__(self, ids: list[str]):
        self._ids = ids

    @cached_property
    def _numbers(self) -> dict[str, int]:
        return {fact_id: n for n, fact_id in enumerate(self._ids)}

    def __getitem__(self, fact_id: str) -> int:
        return self._numbers[fact_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


class _Postings(Mapping[str, dict[int, tuple[int, int]]]):
    """term -> {fact number: (field code, occurrences)}, merged from each chunk's row."""

    def __init__(self, conn: Any):
        self._conn, self._read = conn, {}

    def __getitem__(self, term: str) -> dict[int, tuple[int, int]]:
        found = self._read.get(term)
        if found is None:
            rows = self._conn.execute("SELECT data FROM postings WHERE term = ?", (term,)).fetchall()
            if not rows:
                raise KeyError(term)
            found = {}
            for (data,) in rows:
                found.update(marshal.loads(data))
            self._read[term] = found
        return found

    def __iter__(self) -> Iterator[str]:
        return (term for (term,) in self._conn.execute("SELECT DISTINCT term FROM postings ORDER BY term"))

    def __len__(self) -> int:
        return self._conn.execute("SELECT COUNT(DISTINCT term) FROM postings").fetchone()[0]


# --- Building a cache ------------------------------------------------------------------------------------

_BUILDING: FactBase | None = None  # the base a build's worker processes index (they inherit it by fork)


def _index_chunk(number: int, start: int, stop: int) -> tuple[Any, ...]:
    """Index facts [start, stop) of the base being built: rows for the cache, with global numbers and codes."""
    from cqfacts.search import build_index

    base = _BUILDING
    assert base is not None
    facts = list(itertools.islice(base.facts.values(), start, stop))
    index = build_index(base, facts)
    if len(index.fields) >= _CODE_STRIDE:
        raise ValueError(f"{len(index.fields)} fields in one chunk")
    offset = number * _CODE_STRIDE
    postings = [(term, marshal.dumps({n + start: (code + offset, count) for n, (code, count) in found.items()}))
                for term, found in index.postings.items()]
    rows = [(start + i, fact.id, pickle.dumps(fact, protocol=pickle.HIGHEST_PROTOCOL)) for i, fact in enumerate(facts)]
    return postings, rows, index.fields, index.lengths, index.vocabulary, index.words


def build(resolved: Path, stamps: list[list[Any]], target: Path, *, quiet: bool = False) -> FactBase:
    """Read the base from TOML, write its cache, and return the base read from that cache.

    When the cache cannot be written, the base read from TOML is returned, after a notice.
    """
    from cqfacts.loader import load as load_toml

    global _BUILDING
    stamped = time.time_ns()
    recorded = [[*s, _digest(s[0])] for s in stamps]
    if target.suffix == ".pickle":
        return _build_small(resolved, recorded, stamped, target, quiet)
    large = sum(s[1] for s in stamps) >= PARALLEL_BYTES
    progress = _Progress(large and not quiet and isatty(sys.stderr), len(stamps))
    collecting = gc.isenabled()
    gc.disable()  # a build makes millions of objects that all live on: the cyclic GC would only rescan them
    try:
        with progress:
            with _processes(large and len(stamps) > 1) as readers:
                base = load_toml(resolved, map_files=progress.counting(readers.map if readers else map))
            _BUILDING = base
            chunks = [(k, start, min(start + CHUNK_FACTS, len(base.facts)))
                      for k, start in enumerate(range(0, len(base.facts), CHUNK_FACTS))] or [(0, 0, 0)]
            progress.indexing(len(base.facts))
            with _processes(large and len(chunks) > 1) as workers:  # forked now, to inherit the base
                columns = list(zip(*chunks, strict=True))
                results = (workers.map if workers else map)(_index_chunk, *columns)
                try:
                    _write(target, base, recorded, stamped, results, progress)
                except (OSError, _sqlite_error()) as exc:
                    _unwritable(target, exc, quiet)
                    return base
    finally:
        _BUILDING = None
        if collecting:
            gc.freeze()  # what the build made was never collected: a first collection would walk all of it
            gc.enable()
    import sqlite3

    try:
        conn = sqlite3.connect(f"{target.as_uri()}?mode=ro", uri=True, check_same_thread=False)
        return _cached_base(conn)
    except (sqlite3.Error, OSError, ValueError, pickle.UnpicklingError):  # replaced meanwhile, or gone: as read
        return base


def _build_small(resolved: Path, recorded: list[list[Any]], stamped: int, target: Path, quiet: bool) -> FactBase:
    """A small base and its whole index, pickled in one file."""
    from cqfacts.loader import load as load_toml
    from cqfacts.search import build_index

    base = load_toml(resolved)
    cached = CachedFactBase(sources=base.sources, entities=base.entities, facts=base.facts, files=base.files,
                            terms=base.terms, search_index=build_index(base))
    try:
        with _replacing(target) as temporary:
            Path(temporary).write_bytes(_header(recorded, stamped) + pickle.dumps(cached, pickle.HIGHEST_PROTOCOL))
    except OSError as exc:
        _unwritable(target, exc, quiet)
    return cached


def _unwritable(target: Path, exc: BaseException, quiet: bool) -> None:
    _notice(f"cannot write the cache in {target.parent} ({_reason(exc)}); reading the fact base without it "
            f"(--no-cache or {ENV_NO_CACHE}=1 skips it)", quiet)


@contextlib.contextmanager
def _replacing(target: Path) -> Iterator[str]:
    """A temporary file beside ``target`` to write, put in its place in one rename when the block ends well."""
    import tempfile

    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(target)
    handle, temporary = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        yield temporary
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _write(target: Path, base: FactBase, recorded: list[list[Any]], stamped: int, results: Iterable[tuple[Any, ...]],
           progress: _Progress) -> None:
    """Write the cache into a temporary file beside the target, then put it in place in one rename."""
    import sqlite3

    with _replacing(target) as temporary:
        conn = sqlite3.connect(temporary)
        try:
            conn.executescript("""
                PRAGMA journal_mode = OFF;
                PRAGMA synchronous = OFF;
                CREATE TABLE meta (key TEXT PRIMARY KEY, value);
                CREATE TABLE facts (n INTEGER PRIMARY KEY, id TEXT NOT NULL, data BLOB NOT NULL);
                CREATE TABLE sources (id TEXT PRIMARY KEY, data BLOB NOT NULL);
                CREATE TABLE entities (id TEXT PRIMARY KEY, data BLOB NOT NULL);
                CREATE TABLE postings (term TEXT NOT NULL, data BLOB NOT NULL);
            """)
            for table, items in (("sources", base.sources), ("entities", base.entities)):
                conn.executemany(f"INSERT INTO {table} VALUES (?, ?)",
                                 ((i, pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL)) for i, v in items.items()))
            labels: dict[tuple[str, float, bool], int] = {}  # the fields of all chunks, each once
            chunk_labels: list[list[int]] = []
            lengths = array("I")
            vocabulary: set[str] = set()
            words: set[str] = set()
            for postings, rows, chunk_fields, chunk_lengths, chunk_vocabulary, chunk_words in results:
                conn.executemany("INSERT INTO postings VALUES (?, ?)", postings)
                conn.executemany("INSERT INTO facts VALUES (?, ?, ?)", rows)
                chunk_labels.append([labels.setdefault(field, len(labels)) for field in chunk_fields])
                lengths.extend(chunk_lengths)
                vocabulary.update(chunk_vocabulary)
                words.update(chunk_words)
                progress.indexed(len(rows))
            conn.execute("CREATE INDEX postings_by_term ON postings (term)")
            conn.execute("CREATE UNIQUE INDEX facts_by_id ON facts (id)")
            meta = {
                "format": FORMAT, "fingerprint": fingerprint(), "files": json.dumps(recorded), "stamped": stamped,
                "ids": "\n".join(base.facts).encode("utf-8"), "lengths": lengths.tobytes(),
                "source_ids": "\n".join(base.sources).encode("utf-8"),
                "terms": pickle.dumps(base.terms, protocol=pickle.HIGHEST_PROTOCOL),  # the terms table, for search
                "entity_ids": "\n".join(base.entities).encode("utf-8"),
                "labels": pickle.dumps(list(labels), protocol=pickle.HIGHEST_PROTOCOL),
                "chunk_labels": pickle.dumps(chunk_labels, protocol=pickle.HIGHEST_PROTOCOL),
                "vocabulary": "\n".join(sorted(vocabulary)).encode("utf-8"),
                "words": "\n".join(sorted(words)).encode("utf-8"),
            }
            conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            conn.commit()
        finally:
            conn.close()


def _remove_stale_temporaries(target: Path) -> None:
    """Temporary files of builds that were killed (a live build's file is younger)."""
    limit = time.time() - _STALE_TEMP_SECONDS
    for old in target.parent.glob(target.name + ".*.tmp"):
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < limit:
                old.unlink()


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


def _sqlite_error() -> type[Exception]:
    import sqlite3

    return sqlite3.Error


def _reason(exc: BaseException) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)


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

    def counting(self, map_files: Callable[..., Iterable[Any]]) -> Callable[..., Iterator[Any]]:
        """``map_files``, advancing the bar as each file is read."""
        def mapped(*args: Any) -> Iterator[Any]:
            for result in map_files(*args):
                if self._bar is not None:
                    self._bar.advance(self._task)
                yield result
        return mapped

    def indexing(self, facts: int) -> None:
        if self._bar is not None:
            self._bar.update(self._task, description="indexing facts", completed=0, total=facts)

    def indexed(self, facts: int) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, facts)
