"""Where the cache lives, and whether it may be trusted: folders only the user can write, files opened safely.

Another local user must never be able to put a cache in front of cqfacts: the folder (made ``0700``, also
under ``umask 000``) and each file (``0600``, from ``mkstemp``) must belong to the user who runs cqfacts,
root included, and must not be writable by group or others. A cache is opened with ``O_NOFOLLOW`` and
checked on the open descriptor (``fstat``), so what is checked is what is read; it is written through the
descriptor ``mkstemp`` returned, fsynced, then renamed into place.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ENV_CACHE_DIR = "CQFACTS_CACHE_DIR"
ENV_NO_CACHE = "CQFACTS_NO_CACHE"
_STALE_TEMP_SECONDS = 3600
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


class Untrusted(Exception):
    """A cache folder or file that is not the user's own, or not a plain file: never read, never written."""

    def __init__(self, why: str, replaceable: bool = True):
        super().__init__(why)
        self.replaceable = replaceable  # False: a folder at a cache file's name, which a new cache cannot replace


def cache_dir() -> Path | None:
    """The folder for caches, or None when there is no home to put it in."""
    override = os.environ.get(ENV_CACHE_DIR)
    if override:
        return Path(os.path.abspath(override))
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


def _owner_problem(st: os.stat_result) -> str | None:
    """Why a folder or file with this status may not be trusted; None when it is the user's own."""
    if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
        return f"owned by uid {st.st_uid}, not by you (uid {os.geteuid()})"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"writable by others (mode {stat.S_IMODE(st.st_mode):04o})"
    return None


def _make_folders(folder: Path) -> None:
    """Make the folder and any missing parent, each 0700 whatever the umask."""
    missing = []
    for level in (folder, *folder.parents):
        if os.path.lexists(level):
            break
        missing.append(level)
    for level in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made meanwhile by another cqfacts: checked below
            os.mkdir(level, 0o700)  # the umask can only take bits away from 0700


def open_folder(folder: Path, create: bool) -> int | None:
    """A descriptor of the cache folder, made when missing and ``create``; None when it is missing.

    Raises Untrusted when it is not a folder of the user's own that only they can write (a symbolic link at
    its name is not followed), and OSError when it cannot be made or opened.
    """
    if create:
        _make_folders(folder)
    try:
        fd = os.open(folder, os.O_RDONLY | _DIRECTORY | _NOFOLLOW)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if os.path.islink(folder):
            raise Untrusted("a symbolic link, not a folder") from None
        if isinstance(exc, NotADirectoryError):
            raise Untrusted("not a folder") from None
        raise
    return _checked(fd, lambda st: "not a folder" if not stat.S_ISDIR(st.st_mode) else _owner_problem(st))


def open_cache(folder_fd: int, name: str, limit: int) -> int | None:
    """A descriptor of the cache file ``name`` in the folder, checked; None when there is none.

    Raises Untrusted when it is not a regular file of the user's own that only they can write, or is larger
    than ``limit`` bytes (no cache of this base needs that much: it is refused, not read).
    """
    try:
        # O_NONBLOCK: a named pipe planted at the name must not wait for a writer; O_NOFOLLOW: nor a link be followed.
        fd = os.open(name, os.O_RDONLY | _NOFOLLOW | _NONBLOCK, dir_fd=folder_fd)
    except FileNotFoundError:
        return None
    except OSError as exc:
        with contextlib.suppress(OSError):
            if stat.S_ISLNK(os.lstat(name, dir_fd=folder_fd).st_mode):
                raise Untrusted("a symbolic link, not a cache file") from None
        raise exc

    def problem(st: os.stat_result) -> str | None:
        if stat.S_ISDIR(st.st_mode):
            raise Untrusted("a folder, not a cache file", replaceable=False)
        found = None if stat.S_ISREG(st.st_mode) else "not a regular file"
        found = found or _owner_problem(st)
        if found is None and st.st_size > limit:
            found = f"{st.st_size:,} bytes, more than a cache of this fact base can need ({limit:,})"
        return found

    return _checked(fd, problem)


def _checked(fd: int, problem: Callable[[os.stat_result], str | None]) -> int:
    """``fd`` when ``problem`` finds nothing wrong in its status (of the open descriptor); else closed, Untrusted."""
    try:
        found = problem(os.fstat(fd))
        if found:
            raise Untrusted(found)
    except BaseException:
        os.close(fd)
        raise
    return fd


@contextlib.contextmanager
def replacing(folder: Path, folder_fd: int, name: str) -> Iterator[int]:
    """A new file's descriptor to write, put in place of ``name`` in one rename when the block ends well.

    The file is made by ``mkstemp`` (O_EXCL, mode 0600: a link planted at its name makes it pick another)
    and written only through that descriptor; it is fsynced before the rename, which replaces whatever
    entry is at ``name`` (a planted link is replaced, never written through).
    """
    import tempfile

    _remove_stale_temporaries(folder_fd, name)
    fd, temporary = tempfile.mkstemp(prefix=name + ".", suffix=".tmp", dir=folder)
    done = False
    try:
        made, there = os.fstat(fd), os.lstat(os.path.basename(temporary), dir_fd=folder_fd)
        if (made.st_dev, made.st_ino) != (there.st_dev, there.st_ino):  # the folder's name was moved meanwhile
            raise Untrusted("the folder was replaced while a cache was written")
        yield fd
        os.fsync(fd)
        os.replace(os.path.basename(temporary), name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
        done = True
        with contextlib.suppress(OSError):
            os.fsync(folder_fd)
    finally:
        os.close(fd)
        if not done:
            with contextlib.suppress(OSError):
                os.unlink(os.path.basename(temporary), dir_fd=folder_fd)


def remove(folder_fd: int, name: str, fd: int) -> None:
    """Remove the cache file ``name`` if it is still the file open at ``fd`` (not one put there since)."""
    with contextlib.suppress(OSError):
        mine, there = os.fstat(fd), os.lstat(name, dir_fd=folder_fd)
        if (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino):
            os.unlink(name, dir_fd=folder_fd)


def _remove_stale_temporaries(folder_fd: int, name: str) -> None:
    """Temporary files of builds that were killed (a live build's file is younger)."""
    limit = time.time() - _STALE_TEMP_SECONDS
    with contextlib.suppress(OSError):
        for entry in os.listdir(folder_fd):
            if entry.startswith(name + ".") and entry.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    if os.lstat(entry, dir_fd=folder_fd).st_mtime < limit:
                        os.unlink(entry, dir_fd=folder_fd)
