"""When a cache still holds the fact base: a stamp of the bytes that were parsed, checked against the files.

Each file's stamp is ``[path, size, mtime_ns, ctime_ns, sha256]``. The path is resolved and absolute, so
every spelling of a base (``base``, ``./base``, ``/abs/base``) has one cache. The hash is of the very bytes
the loader parsed, and the times are those of before and after that read: when they differ (the file was
written while it was read) the times are recorded as unknown (``-1``) and the next run decides by the hash.
A file whose size and times are those recorded is trusted unless it changed within two seconds of being
recorded, which a clock tick may hide; else its hash decides, and a match records the new times.
"""

from __future__ import annotations

import os
import stat
import sys
import zlib
from pathlib import Path
from typing import Any

from cqfacts import __version__

FORMAT = 6  # 3: chunks of any size, each starting where meta's chunk_starts says; 4: the term directory,
# and postings numbered as the base's facts; 5: the facts' lengths in the narrowest array that holds them; 6: 4 KiB
# blocks (``storage.BLOCK``), and each chunk's terms one a line (``storage.lines``)
_RACY_NS = 2 * 10**9
# The modules whose code decides what a cache holds: when one changes, caches are rebuilt.
_CODE = ("cache/records.py", "cache/storage.py", "cache/readers.py", "cache/build.py", "cache/chunks.py",
         "cache/postings.py", "cache/directory.py", "cache/disk_postings.py", "cache/disk.py", "model.py", "checker.py",
         "source_rules.py", "references.py", "problem_words.py", "toml_text.py", "term_rules.py", "search.py",
         "matching.py", "query.py", "normalize.py", "numbers.py", "number_words.py", "lazy.py", "spec.py")

Stamp = list[Any]  # [path, size, mtime_ns, ctime_ns, digest]


def checksum(data: bytes) -> str:
    # zlib, not hashlib: importing hashlib (OpenSSL) costs 3 ms of every run; a collision only costs a rebuild.
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def fingerprint() -> str:
    """What else a cache depends on: this cqfacts (its code as installed), this Python, this machine's byte order."""
    here = Path(__file__).parents[1]
    parts = [__version__, str(FORMAT), sys.version, sys.byteorder]
    for name in _CODE:
        try:
            st = (here / name).stat()
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(name)
    return checksum("\n".join(parts).encode())


def statuses(files: list[Path]) -> list[os.stat_result] | None:
    """Each file's status; None when one is not a regular file (a pipe: --facts /dev/stdin) or cannot be read."""
    found = []
    for file in files:
        try:
            st = os.stat(file)
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        found.append(st)
    return found


def digest(*parts: bytes) -> str:
    """The hash of these bytes, one after the other."""
    import hashlib

    made = hashlib.sha256()
    for part in parts:
        made.update(part)
    return made.hexdigest()


def _times(st: os.stat_result) -> tuple[int, int, int]:
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns


def stamp(path: str, raw: bytes, before: os.stat_result, after: os.stat_result) -> Stamp:
    """The stamp of ``raw``, the bytes read from ``path`` between the two statuses."""
    return stamp_of(path, len(raw), digest(raw), before, after)


def stamp_of(path: str, size: int, hashed: str, before: os.stat_result, after: os.stat_result) -> Stamp:
    """The stamp of ``size`` bytes whose hash is ``hashed``, read from ``path`` between the two statuses."""
    if _times(before) == _times(after) and after.st_size == size:
        return [path, size, after.st_mtime_ns, after.st_ctime_ns, hashed]
    return [path, size, -1, -1, hashed]  # written while read: only the hash can tell next time


def read_stamped(path: Path, streams: bool, read: Any) -> tuple[bytes, Stamp]:
    """``read(path, streams)``'s bytes with their stamp (the stamp is unknown times when not a regular file)."""
    from cqfacts.cache import build

    before = os.stat(path)
    raw = read(path, streams)
    if build.AFTER_READ is not None:  # tests: what a writer racing the build would do, at the worst moment
        build.AFTER_READ(path)
    return raw, stamp(str(path.resolve()), raw, before, os.stat(path))


def read_spans(path: Path, size: int, spans: list[tuple[int, int]]) -> tuple[list[bytes], Stamp] | None:
    """Bytes [start, end) of a regular file of ``size`` bytes for each span, and the stamp of the file they were
    read from, with the hash of those spans one after the other (the caller knows whether they make up the
    file); None when it is not a regular file of that size, or cannot be read."""
    from cqfacts.cache import build
    from cqfacts.cache.storage import pread_exactly

    try:
        before = os.stat(path)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size != size:
                return None
            parts = [pread_exactly(fd, start, end - start) for start, end in spans]
        finally:
            os.close(fd)
        if build.AFTER_READ is not None:  # tests: as read_stamped
            build.AFTER_READ(path)
        after = os.stat(path)
    except OSError:
        return None
    if any(part is None for part in parts):
        return None
    return parts, stamp_of(str(path.resolve()), size, digest(*parts), before, after)  # type: ignore[arg-type]


def _rehashed(name: str) -> Stamp | None:
    """The file's stamp now (reading it whole, bounded as the loader reads it); None when it cannot be read."""
    from cqfacts.loader import MAX_FILE_BYTES

    try:
        before = os.stat(name)
        with open(name, "rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
        return stamp(name, raw, before, os.stat(name))
    except OSError:
        return None


def unchanged(recorded: list[Stamp], now: list[tuple[str, os.stat_result]], stamped_ns: int
              ) -> tuple[bool, list[Stamp] | None]:
    """(the files hold what was parsed, the stamps to record again when times moved but contents did not)."""
    if [r[0] for r in recorded] != [name for name, _ in now]:
        return False, None
    refreshed: list[Stamp] = []
    moved = False
    for old, (name, st) in zip(recorded, now, strict=True):
        if old[1] != st.st_size:
            return False, None
        racy = st.st_mtime_ns >= stamped_ns - _RACY_NS
        if (old[2], old[3]) == (st.st_mtime_ns, st.st_ctime_ns) and not racy:
            refreshed.append(old)
            continue
        new = _rehashed(name)
        if new is None or new[4] != old[4]:
            return False, None
        refreshed.append(new)
        moved = moved or new[2:4] != old[2:4]
    return True, refreshed if moved else None
