"""Loading a fact base: which files form it, reading them safely, and merging what each file defines.

Parsing is ``toml_text``'s, checking ``checker``'s; this module decides what is read and puts it together.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cqfacts.errors import CqfactsError, FactBaseError, Problem
from cqfacts.model import FactBase

if TYPE_CHECKING:  # parsing and checking are imported where a file is read: a cached run reads none
    from cqfacts.references import References

ENV_FACTS = "CQFACTS_FACTS"

def shipped_facts_path() -> Path:
    """The fact base that ships with cqfacts: package data in a wheel, the repo's facts.toml in a checkout."""
    packaged = Path(__file__).parent / "data" / "facts.toml"
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "facts.toml"


FACTS_FILE = "facts.toml"


def nearest_facts_file(start: Path | None = None) -> Path | None:
    """The nearest ``facts.toml`` in ``start`` (default: the current folder) or a folder above it."""
    try:
        here = (start or Path.cwd()).resolve()
    except OSError:  # the current folder was deleted
        return None
    for folder in (here, *here.parents):
        candidate = folder / FACTS_FILE
        try:
            if candidate.is_file():
                return candidate
        except OSError:
            continue
    return None


def which_facts(path: str | os.PathLike[str] | None) -> tuple[Path, str]:
    """The fact base a command reads and why: the option, $CQFACTS_FACTS, the nearest facts.toml, the shipped one."""
    if path is not None and str(path) != "":
        return Path(path), "named on the command line"
    env = os.environ.get(ENV_FACTS)
    if env:
        return Path(env), f"from ${ENV_FACTS}"
    nearest = nearest_facts_file()
    if nearest is not None:
        return nearest, "the nearest facts.toml"
    return shipped_facts_path(), "the shipped base"


def resolve_facts_path(path: str | os.PathLike[str] | None) -> Path:
    """The path a command should load: the option, else $CQFACTS_FACTS, else the nearest facts.toml, else the
    shipped base."""
    return which_facts(path)[0]


def fact_files(path: Path) -> list[Path]:
    """The TOML files that form a fact base: the file itself, or the ``*.toml`` files directly in a folder."""
    try:
        if path.is_dir():
            files = sorted(p for p in path.glob("*.toml") if not p.name.startswith("."))
            if not files:
                raise CqfactsError(f"{path}: no *.toml files in this folder; point --facts at a fact base")
            return files
        if path.exists():
            return [path]
        if path.is_symlink():
            raise CqfactsError(f"{path}: a symbolic link to nothing (its target is missing, or it loops);"
                               f" point --facts (or ${ENV_FACTS}) at a fact base")
    except OSError as exc:
        raise CqfactsError(f"{path}: cannot read: {exc.strerror or exc}") from None
    raise CqfactsError(f"{path}: no such file or folder; point --facts (or ${ENV_FACTS}) at a fact base")


_NOT_REGULAR = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a device"),
                (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))
MAX_FILE_BYTES = 100 * 2**20


def read_bytes(path: Path, streams: bool = False, limit: int = MAX_FILE_BYTES, what: str = "a TOML file",
               too_big: str = "too big for a fact base") -> bytes:
    """The bytes of a regular file, or with ``streams`` of a pipe or device named on purpose (/dev/stdin).

    In a folder only regular files are read: a pipe there would block and /dev/zero would never end.
    Never more than ``limit`` bytes are read.
    """
    # Without streams, opening a pipe must not wait for a writer: it is refused right after.
    fd = os.open(path, os.O_RDONLY | (0 if streams else getattr(os, "O_NONBLOCK", 0)))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode) and not (streams and (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode))):
            kind = next((name for test, name in _NOT_REGULAR if test(mode)), "not a regular file")
            raise OSError(f"{kind}, not {what}")
        with os.fdopen(os.dup(fd), "rb") as file:
            raw = file.read(limit + 1)
    finally:
        os.close(fd)
    if len(raw) > limit:
        raise OSError(f"more than {limit // 2**20} MB, {too_big}")
    return raw


def read_document(path: Path, streams: bool = False) -> tuple[str, dict[str, Any] | None, list[Problem]]:
    """Read and parse one TOML file (``streams``: or a pipe); a problem instead of a document when it cannot."""
    try:
        raw = read_bytes(path, streams)
    except OSError as exc:
        return "", None, [Problem(str(path), 0, "", f"cannot read: {exc.strerror or exc}")]
    from cqfacts.toml_text import parse_document

    return parse_document(str(path), raw)


def load(path: str | os.PathLike[str] | None = None, map_files: Callable[..., Iterable[Any]] = map) -> FactBase:
    """Load a fact base (file or folder; default: $CQFACTS_FACTS or the shipped one).

    Raises FactBaseError listing every problem when anything is wrong, and CqfactsError when the
    path itself is unusable. ``map_files`` reads the files (``read_file``), e.g. a process pool's map.
    """
    base, problems = load_with_problems(path, map_files)
    if problems:
        raise FactBaseError(problems)
    return base


def read_file(file: Path, streams: bool = False, raw: bytes | None = None
              ) -> tuple[dict[str, dict[str, Any]], list[References], list[Problem]]:
    """Read, parse and check one file on its own: its items, their references, its problems.

    ``raw``: the file's bytes, already read (the cache hashes the very bytes that are parsed).
    """
    if raw is None:
        text, data, problems = read_document(file, streams=streams)
    else:
        from cqfacts.toml_text import parse_document

        text, data, problems = parse_document(str(file), raw)
    if data is None:
        return {}, [], problems
    from cqfacts.checker import check_document

    items, refs, doc_problems = check_document(str(file), text, data)
    return items, refs, problems + doc_problems


def load_with_problems(path: str | os.PathLike[str] | None = None,
                       map_files: Callable[..., Iterable[Any]] = map,
                       substitute: tuple[Path, Path] | None = None) -> tuple[FactBase, list[Problem]]:
    """Load what is valid and list what is not: what ``cqfacts check`` reports.

    ``substitute`` = (file, draft): read the draft in place of that file of the base, as if it were there
    (an edit is checked before it replaces the file).
    """
    resolved = resolve_facts_path(path)
    files = fact_files(resolved)
    named = files == [resolved]  # a file named on purpose may be a pipe: --facts /dev/stdin, --facts <(...)
    if substitute is not None:
        return _load_substituted(files, named, map_files, *substitute)
    return _merge(files, named, map_files)


def _load_substituted(files: list[Path], named: bool, map_files: Callable[..., Iterable[Any]],
                      original: Path, draft: Path) -> tuple[FactBase, list[Problem]]:
    def same(a: Path, b: Path) -> bool:
        try:
            return a.resolve() == b.resolve()
        except OSError:
            return False

    if not any(same(f, original) for f in files):
        raise CqfactsError(f"{original}: not a file of the fact base ({', '.join(map(str, files))})")
    read = [draft if same(f, original) else f for f in files]
    base, problems = _merge(read, named, map_files)
    base.files = tuple(str(original) if f == str(draft) else f for f in base.files)
    return base, problems  # they name the draft: the caller says which file it stands for


def _merge(files: list[Path], named: bool,
           map_files: Callable[..., Iterable[Any]]) -> tuple[FactBase, list[Problem]]:
    problems: list[Problem] = []
    from cqfacts.spec import SECTION_OF

    merged: dict[str, dict[str, Any]] = {section: {} for section in SECTION_OF}
    broken: dict[str, set[str]] = {section: set() for section in SECTION_OF}
    refs: list[References] = []
    for file, (items, doc_refs, doc_problems) in zip(files, map_files(read_file, files, [named] * len(files)),
                                                     strict=True):
        problems += doc_problems
        refs += doc_refs
        for section, found in items.items():
            for item_id, obj in found.items():
                if obj is None:  # defined, with problems of its own
                    broken[section].add(item_id)
                    continue
                earlier = merged[section].get(item_id)
                if earlier is not None:
                    label = item_id if section == "facts" else f"{section}.{item_id}"
                    where = f"also defined at {earlier.origin.file}:{earlier.origin.line}"
                    problems.append(Problem(str(file), obj.origin.line, label, f"duplicate id: {where}"))
                    continue
                merged[section][item_id] = obj
    base = FactBase(sources=merged["sources"], entities=merged["entities"], facts=merged["facts"],
                    files=tuple(str(f) for f in files), terms=merged["terms"])
    from cqfacts.references import cross_check
    from cqfacts.term_rules import check_terms

    problems += cross_check(base, refs, broken) + check_terms(base, broken["terms"])
    return base, problems

