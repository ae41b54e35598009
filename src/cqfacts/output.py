"""One place for output: machine formats through the standard writers, human tables through Rich.

Data never goes through Rich markup: table cells are ``rich.text.Text``; JSON, CSV and TSV are written
with ``json``/``csv`` to ``sys.stdout`` and never pass through a Console (Rich would wrap long lines).

What a fact file holds never reaches a terminal raw:

- tables, panels, TSV, CSV, Markdown and error lines are text for terminals and line tools: ANSI escape
  sequences are dropped and other control characters (and bidi overrides) are shown as ``?``;
- JSON and NDJSON are lossless: every control character is written as a ``\\uXXXX`` escape, so a
  consumer gets the exact value back and a terminal gets only printable text.
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from cqfacts.errors import CqfactsError
from cqfacts.lazy import Pattern

FORMATS = ("table", "json", "ndjson", "csv", "tsv", "markdown")

# C0 and C1 controls except tab and newline, and the bidi embeddings, overrides and isolates that can
# make a terminal show text in another order than it is stored ("Trojan Source").
_CONTROL_RE = Pattern(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_ANSI_RE = Pattern(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]")
_PRINTABLE_ASCII = frozenset(map(chr, range(0x20, 0x7f))) | {"\t", "\n"}
# json.dumps escapes U+0000-U+001F itself; these are the other characters a terminal may act on.
_JSON_UNSAFE_RE = Pattern(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Text safe for a terminal: ANSI sequences removed, other control characters shown as '?'."""
    if not text:
        return text
    if "\x1b" in text or "\x9b" in text:
        text = _ANSI_RE.sub("", text)
    return mask_controls(text)


def mask_controls(text: str) -> str:
    """Every control character (tab and newline aside) and bidi override shown as '?', nothing removed."""
    if text.isprintable() or (text.isascii() and _PRINTABLE_ASCII.issuperset(text)):
        return text
    return _CONTROL_RE.sub("?", text)


def one_line(text: str) -> str:
    """For TSV and table cells that must stay on one row: tabs and newlines become spaces."""
    return clean(" ".join(text.split())) if text else text


def to_json(value: Any, indent: int | None = None) -> str:
    """JSON text that round-trips exactly and holds no raw control character."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    if text.isascii() and "\x7f" not in text:
        return text
    # Outside strings JSON has only ASCII punctuation, so every match is inside a string: escape it there.
    return _JSON_UNSAFE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class OutputClosed(Exception):
    """The reader of stdout went away (``cqfacts list | head -1``): stop writing and exit quietly."""


@contextmanager
def writing() -> Iterator[None]:
    """Turn a broken pipe into OutputClosed, which the entry point ends quietly with exit 0."""
    try:
        yield
    except BrokenPipeError:
        raise OutputClosed() from None


class Column:
    """A field of a record as shown in a table or a delimited row.

    A plain class, not a dataclass: views are made on every run, and a dataclass costs its start-up.
    """

    __slots__ = ("get", "header", "justify", "name", "no_wrap", "ratio", "style")

    def __init__(self, name: str, header: str, get: Callable[[dict[str, Any]], Any], ratio: int | None = None,
                 no_wrap: bool = False, justify: str = "left", style: str = "") -> None:
        self.name = name
        self.header = header
        self.get = get
        self.ratio = ratio  # share of the free width for wrapped table columns
        self.no_wrap = no_wrap
        self.justify = justify
        self.style = style  # Rich style of the column in a table (colour only shows where colour is on)


class View:
    """How a command's records are shown: every field available to --fields, and the default ones."""

    def __init__(self, columns: dict[str, Column], default: tuple[str, ...], title: str | None = None,
                 highlight: Callable[[dict[str, Any], str, Any], None] | None = None,
                 empty: str = "nothing found") -> None:
        self.columns = columns
        self.default = default
        self.title = title
        # Styles a table cell in place, e.g. the matched words of a search result: (record, column, Text).
        self.highlight = highlight
        self.empty = empty  # the notice on stderr when a table would be empty

    def pick(self, fields: str | None) -> list[Column]:
        if not fields:
            return [self.columns[name] for name in self.default]
        names = [f.strip() for f in fields.split(",") if f.strip()]
        unknown = [n for n in names if n not in self.columns]
        if unknown or not names:
            raise CqfactsError(f"unknown field {', '.join(map(repr, unknown)) or '(none given)'}; "
                               f"valid fields: {', '.join(self.columns)}")
        return [self.columns[name] for name in names]


def cell_text(value: Any, limit: int | None = None) -> str:
    """A field value as one line of plain text: lists joined with '; ', tables as compact JSON.

    With a limit (table cells), text longer than that many characters is cut and ends with '…'.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        text = "; ".join(cell_text(v, limit) for v in value)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    else:
        text = str(value)
    if limit is None:
        return one_line(text)
    # Cut before folding whitespace and cleaning: a 10 MB statement costs no more than a short one.
    cut = len(text) > 2 * limit
    text = one_line(text[: 2 * limit])
    if cut or len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


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
    return "table" if isatty(stream) else "tsv"


def isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def emit(records: Sequence[dict[str, Any]], view: View, fmt: str, fields: str | None = None,
         out: TextIO | None = None, color: bool | None = None, pager: bool = False) -> None:
    """Write records in the chosen format. JSON formats carry whole records unless --fields picks."""
    out = out or sys.stdout
    columns = view.pick(fields) if (fields or fmt not in ("json", "ndjson")) else None
    if fmt == "table":
        assert columns is not None
        if not records:
            notice(view.empty)
            return
        con = console(out, color)
        from cqfacts.table import fact_table

        _print(con, fact_table(records, view, columns, width=con.width, fit=not fields), pager)
        return
    with writing():
        if pager:
            buffer = io.StringIO()
            write_text(records, columns, fmt, buffer)
            page(buffer.getvalue())
        else:
            write_text(records, columns, fmt, out)


def write_text(records: Sequence[dict[str, Any]], columns: list[Column] | None, fmt: str, out: TextIO) -> None:
    """The machine formats: JSON, NDJSON, CSV, TSV and Markdown, through the standard writers."""
    if fmt in ("json", "ndjson"):
        rows = [{c.name: c.get(r) for c in columns} for r in records] if columns else list(records)
        if fmt == "json":
            out.write(to_json(rows, indent=2) + "\n")
        else:
            out.writelines(to_json(row) + "\n" for row in rows)
        return
    assert columns is not None
    if fmt == "tsv":
        for r in records:
            out.write("\t".join(cell_text(c.get(r)) for c in columns) + "\n")
    elif fmt == "csv":
        import csv

        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([c.name for c in columns])
        for r in records:
            writer.writerow([cell_text(c.get(r)) for c in columns])
    elif fmt == "markdown":
        out.write("| " + " | ".join(c.header for c in columns) + " |\n")
        out.write("|" + "|".join(" --- " for _ in columns) + "|\n")
        for r in records:
            out.write("| " + " | ".join(cell_text(c.get(r)).replace("|", "\\|") for c in columns) + " |\n")
    else:  # pragma: no cover - resolve_format admits only FORMATS
        raise CqfactsError(f"unknown format {fmt!r}")


def console(out: TextIO | None = None, color: bool | None = None, stderr: bool = False) -> Any:
    """A Rich console that honours NO_COLOR, FORCE_COLOR, TERM=dumb and --no-color."""
    from rich.console import Console

    no_color = True if color is False else None
    return Console(file=out or (sys.stderr if stderr else sys.stdout), no_color=no_color,
                   highlight=False, emoji=False, markup=False, soft_wrap=False)


def print_renderable(renderable: Any, out: TextIO | None = None, color: bool | None = None,
                     pager: bool = False) -> None:
    """Print a Rich renderable for people, through the pager when asked and on a terminal."""
    _print(console(out, color), renderable, pager)


def _print(con: Any, renderable: Any, pager: bool) -> None:
    with writing():
        if pager and con.is_terminal:
            with con.capture() as captured:
                con.print(renderable)
            page(captured.get())
        else:
            con.print(renderable)


def pager_command() -> str | None:
    """The pager the user set: $CQFACTS_PAGER, else $PAGER."""
    return os.environ.get("CQFACTS_PAGER") or os.environ.get("PAGER") or None


def wants_pager(flag: bool) -> bool:
    """Page only on a terminal, and only when asked: --pager, or $CQFACTS_PAGER / $PAGER set."""
    if not isatty(sys.stdout):
        return False
    return flag or pager_command() is not None


def page(text: str) -> None:
    """Show text through the pager command (a shell command line, as git runs $GIT_PAGER)."""
    import signal
    import subprocess

    command = pager_command() or "less"
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # as git does: colour passes, one screen does not wait for 'q'
    # Ctrl-C belongs to the pager while it runs (less uses it to stop a search), not to us.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        sys.stdout.flush()
        done = subprocess.run(command, shell=True, input=text.encode("utf-8"), env=env, check=False)
    finally:
        signal.signal(signal.SIGINT, previous)
    if done.returncode == 127:  # the shell found no such pager: show the text rather than lose it
        sys.stdout.write(text)


def plural(count: int, noun: str) -> str:
    """'1 source', '2 sources', '3 entities': a count and its noun, for messages."""
    if count == 1:
        return f"1 {noun}"
    return f"{count:,} {noun[:-1] + 'ies' if noun.endswith('y') else noun + 's'}"


def error_line(message: str, stream: TextIO | None = None) -> None:
    """One line on stderr, control characters removed: the only way errors reach a user."""
    stream = stream or sys.stderr
    stream.write(f"cqfacts: error: {one_line(message)}\n")
    stream.flush()


def notice(message: str, stream: TextIO | None = None) -> None:
    """A one-line remark for the person at the terminal, on stderr so it never mixes with data."""
    stream = stream or sys.stderr
    stream.write(f"cqfacts: {one_line(message)}\n")
