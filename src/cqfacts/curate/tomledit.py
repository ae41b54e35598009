"""Editing a curator's TOML file without losing anything: tomlkit keeps comments, order and layout; the new
text is written beside the original, checked, and only then put in its place, the old version kept as ``FILE~``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cqfacts.errors import CqfactsError, Problem


def read_text(path: Path) -> str:
    """A fact file's text, for editing (bounded and UTF-8, as the loader reads it)."""
    from cqfacts.loader import read_bytes

    try:
        raw = read_bytes(path)
        return raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CqfactsError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None


def with_item(text: str, section: str, item_id: str, values: dict[str, Any], path: Path) -> str:
    """The file's text with ``[section.item_id]`` added after the others of its section (or at the end)."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        doc = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise CqfactsError(f"{path}: cannot edit: not valid TOML ({exc}); run cqfacts check") from None
    tables = doc.get(section)
    if tables is None:
        tables = tomlkit.table(is_super_table=True)
        doc[section] = tables
    elif not isinstance(tables, dict):
        raise CqfactsError(f"{path}: {section} is not a table of [{section}.ID] tables; run cqfacts check")
    if item_id in tables:
        raise CqfactsError(f"{path}: [{section}.{item_id}] is already there; choose another id with --id")
    table = tomlkit.table()
    for key, value in values.items():
        table[key] = _item(value)
    table.add(tomlkit.nl())  # a blank line after it, for a table that goes before others
    tables[item_id] = table
    return tomlkit.dumps(doc).rstrip("\n") + "\n"  # but none at the end of the file


def _item(value: Any) -> Any:
    """Lists of tables as one-line arrays of inline tables, the way the shipped base writes them."""
    import tomlkit

    if isinstance(value, dict):
        inline = tomlkit.inline_table()
        inline.update({k: _item(v) for k, v in value.items()})
        return inline
    if isinstance(value, (list, tuple)):
        array = tomlkit.array()
        array.extend(_item(v) for v in value)
        return array
    return value


def temp_beside(target: Path, overwrite: bool) -> tuple[int, Path]:
    """A new hidden temporary file in the target's folder (so that renaming it over the target is atomic).

    Refuses when the target exists and ``overwrite`` is not given.
    """
    if (target.exists() or target.is_symlink()) and not overwrite:
        raise CqfactsError(f"{target}: already exists; choose another file or pass --force to replace it")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".cqfacts-tmp", dir=folder)
    except OSError as exc:
        raise CqfactsError(f"{target}: cannot write beside it: {exc.strerror or exc}") from None
    return fd, Path(name)


def replace_text(target: Path, text: str, *, backup: bool = True, overwrite: bool = True,
                 check: Callable[[Path], list[Problem]] | None = None) -> Path | None:
    """Write ``text`` to ``target`` atomically: a temporary file beside it, checked (``check`` returns the
    problems the new file would bring; any error refuses the write), then renamed over it.

    With ``backup`` the previous version is kept as ``target~`` (returned). An existing target is replaced
    only with ``overwrite``.
    """
    exists = target.exists()
    fd, temp = temp_beside(target, overwrite)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if exists:
            shutil.copymode(target, temp)
        else:  # mkstemp makes it private; a new file gets the mode any other new file would
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        if check is not None:
            errors = [p for p in check(temp) if p.severity != "warning"]
            if errors:
                more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
                shown = str(errors[0]).replace(str(temp), str(target))
                raise CqfactsError(f"{target}: not changed: the change would make the fact base fail check: "
                                   f"{shown}{more}")
        saved = None
        if exists and backup:
            saved = target.with_name(target.name + "~")
            _copy_atomically(target, saved)
        os.replace(temp, target)
        return saved
    except OSError as exc:
        raise CqfactsError(f"{target}: cannot write: {exc.strerror or exc}") from None
    finally:
        if temp.exists():
            temp.unlink()


def _copy_atomically(source: Path, target: Path) -> None:
    fd, temp = temp_beside(target, overwrite=True)
    os.close(fd)
    try:
        shutil.copy2(source, temp)
        os.replace(temp, target)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
