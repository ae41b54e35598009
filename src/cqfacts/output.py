"""One place for output: machine formats through the standard writers, human tables through Rich.

Data never goes through Rich markup: table cells are ``rich.text.Text``; JSON, CSV and TSV are written
with ``json``/``csv`` to ``sys.stdout`` and never pass through a Console (Rich would wrap long lines).
Everything a fact file holds is stripped of control characters before it reaches a terminal.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from cqfacts.errors import CqfactsError

FORMATS = ("table", "json", "ndjson", "csv", "tsv", "markdown")

# C0 and C1 controls (ANSI escape sequences start with ESC or CSI), bidi overrides excepted below.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ANSI_RE = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]")


def clean(text: str) -> str:
    """Text safe for a terminal: ANSI sequences removed, other control characters shown as '?'."""
    if not text:
        return text
    text = _ANSI_RE.sub("", text)
    return _CONTROL_RE.sub("?", text)


def one_line(text: str) -> str:
    """For TSV and table cells that must stay on one row: tabs and newlines become spaces."""
    return clean(" ".join(text.split())) if text else text


@dataclass(frozen=True)
class Column:
    """A field of a record as shown in a table or a delimited row."""

    name: str
    header: str
    get: Callable[[dict[str, Any]], Any]
    ratio: int | None = None  # share of the free width for wrapped table columns
    no_wrap: bool = False
    justify: str = "left"


@dataclass
class View:
    """How a command's records are shown: every field available to --fields, and the default ones."""

    columns: dict[str, Column]
    default: tuple[str, ...]
    title: str | None = None
    # Styles a table cell in place, e.g. the matched words of a search result: (record, column, Text).
    highlight: Callable[[dict[str, Any], str, Any], None] | None = field(default=None)

    def pick(self, fields: str | None) -> list[Column]:
        if not fields:
            return [self.columns[name] for name in self.default]
        names = [f.strip() for f in fields.split(",") if f.strip()]
        unknown = [n for n in names if n not in self.columns]
        if unknown or not names:
            raise CqfactsError(f"unknown field {', '.join(map(repr, unknown)) or '(none given)'}; "
                               f"valid fields: {', '.join(self.columns)}")
        return [self.columns[name] for name in names]


def cell_text(value: Any) -> str:
    """A field value as one line of plain text: lists joined with '; ', tables as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "; ".join(cell_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return one_line(str(value))


def resolve_format(fmt: str | None, as_json: bool, stream: TextIO | None = None) -> str:
    """The output format: --json, else --format, else a table on a terminal and TSV in a pipe."""
    if as_json:
        if fmt and fmt != "json":
            raise CqfactsError(f"--json and --format {fmt} disagree; give one of them")
        return "json"
    if fmt:
        if fmt not in FORMATS:
            raise CqfactsError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        return fmt
    stream = stream or sys.stdout
    return "table" if _isatty(stream) else "tsv"


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def emit(records: Sequence[dict[str, Any]], view: View, fmt: str, fields: str | None = None,
         out: TextIO | None = None, color: bool | None = None, pager: bool = False) -> None:
    """Write records in the chosen format. JSON formats carry whole records unless --fields picks."""
    out = out or sys.stdout
    columns = view.pick(fields) if (fields or fmt not in ("json", "ndjson")) else None
    if fmt in ("json", "ndjson"):
        rows = [{c.name: c.get(r) for c in columns} for r in records] if columns else list(records)
        if fmt == "json":
            out.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        else:
            out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        return
    assert columns is not None
    if fmt == "tsv":
        for r in records:
            out.write("\t".join(cell_text(c.get(r)) for c in columns) + "\n")
        return
    if fmt == "csv":
        import csv

        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([c.name for c in columns])
        for r in records:
            writer.writerow([cell_text(c.get(r)) for c in columns])
        return
    if fmt == "markdown":
        out.write("| " + " | ".join(c.header for c in columns) + " |\n")
        out.write("|" + "|".join(" --- " for _ in columns) + "|\n")
        for r in records:
            out.write("| " + " | ".join(cell_text(c.get(r)).replace("|", "\\|") for c in columns) + " |\n")
        return
    render_table(records, view, columns, out=out, color=color, pager=pager)


def render_table(records: Sequence[dict[str, Any]], view: View, columns: list[Column],
                 out: TextIO | None = None, color: bool | None = None, pager: bool = False) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, title=view.title, expand=False, show_lines=False, pad_edge=False)
    for c in columns:
        table.add_column(c.header, ratio=c.ratio, no_wrap=c.no_wrap, justify=c.justify,  # type: ignore[arg-type]
                         overflow="fold" if not c.no_wrap else "ellipsis")
    for r in records:
        cells = []
        for c in columns:
            text = Text(cell_text(c.get(r)))
            if view.highlight is not None:
                view.highlight(r, c.name, text)
            cells.append(text)
        table.add_row(*cells)
    print_renderable(table, out=out, color=color, pager=pager)


def console(out: TextIO | None = None, color: bool | None = None, stderr: bool = False) -> Any:
    """A Rich console that honours NO_COLOR, FORCE_COLOR, TERM=dumb and --no-color."""
    from rich.console import Console

    no_color = True if color is False else None
    return Console(file=out or (sys.stderr if stderr else sys.stdout), no_color=no_color,
                   highlight=False, emoji=False, markup=False, soft_wrap=False)


def print_renderable(renderable: Any, out: TextIO | None = None, color: bool | None = None,
                     pager: bool = False) -> None:
    con = console(out, color)
    if pager and con.is_terminal:
        with con.pager(styles=color is not False):
            con.print(renderable)
    else:
        con.print(renderable)


def wants_pager(flag: bool) -> bool:
    """Page only on a terminal, and only when asked: --pager, or $CQFACTS_PAGER / $PAGER set."""
    if not _isatty(sys.stdout):
        return False
    return flag or bool(os.environ.get("CQFACTS_PAGER") or os.environ.get("PAGER"))


def error_line(message: str, stream: TextIO | None = None) -> None:
    """One line on stderr, control characters removed: the only way errors reach a user."""
    stream = stream or sys.stderr
    stream.write(f"cqfacts: error: {one_line(message)}\n")
    stream.flush()


def notice(message: str, stream: TextIO | None = None) -> None:
    stream = stream or sys.stderr
    stream.write(f"cqfacts: {one_line(message)}\n")
