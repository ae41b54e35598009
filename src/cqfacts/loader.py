"""Load and validate fact base files: every problem is collected with its file and line, none is skipped.

The rules mirror the shipped JSON Schema (``schema/facts.schema.json``, used by editors while a curator
types); ``tests/test_schema.py`` keeps the two in agreement.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import reprlib
import stat
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cqfacts.errors import CqfactsError, FactBaseError, Problem, closest
from cqfacts.model import Author, Entity, Fact, FactBase, Figure, Origin, Quantity, Source, Speaker

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

SCHEMA_VERSION = 1
ENV_FACTS = "CQFACTS_FACTS"

# The JSON Schema's patterns. Use fullmatch, never match: "$" also matches before a final newline, so
# match() let "nev\n" pass as an id.
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
# ASCII digits only, as in the JSON Schema: Python's \d also takes "٢٠٢٣".
PARTIAL_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?$", re.ASCII)
URL_RE = re.compile(r"^https?://\S+$")

KINDS = ("result", "forecast", "target", "status", "event", "opinion")
COMPARATORS = ("exactly", "about", "more-than", "at-least", "less-than", "up-to")
ENTITY_TYPES = ("organization", "person", "place", "product", "project", "program", "concept")


# --- The rules -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    """One key of a table: how to check its value and whether it must be there."""

    kind: str  # text, id, int, number, language, partial_date, date, date_or_datetime, url, enum,
    #            table, text_list, id_list, table_list
    required: bool = False
    choices: tuple[str, ...] = ()
    table: str = ""  # for table and table_list: the name of the nested spec
    min_items: int = 0
    minimum: int | None = None


TEXT = Field("text")
SPECS: dict[str, dict[str, Field]] = {
    "source": {
        "title": Field("text", required=True),
        "short_title": TEXT,
        "site": Field("text", required=True),
        "publisher": Field("text", required=True),
        "authors": Field("table_list", required=True, table="author", min_items=1),
        "published": Field("date_or_datetime", required=True),
        "language": Field("language", required=True),
        "original_language": Field("language"),
        "url": Field("url"),
        "accessed": Field("date"),
        "archive": TEXT,
        "note": TEXT,
    },
    "author": {"organization": TEXT, "family": TEXT, "given": TEXT},
    "entity": {
        "name": Field("text", required=True),
        "printed": TEXT,
        "aliases": Field("text_list"),
        "type": Field("enum", choices=ENTITY_TYPES),
        "note": TEXT,
    },
    "speaker": {"name": Field("text", required=True), "role": TEXT, "organization": TEXT},
    "quantity": {
        "value": Field("number", required=True),
        "comparator": Field("enum", choices=COMPARATORS),
        "period": Field("partial_date"),
    },
    "figure": {
        "value": Field("number", required=True),
        "unit": Field("text", required=True),
        "comparator": Field("enum", choices=COMPARATORS),
        "measure": TEXT,
        "baseline": Field("table", table="quantity"),
    },
    "fact": {
        "statement": Field("text", required=True),
        "quote": Field("text", required=True),
        "prefix": TEXT,
        "suffix": TEXT,
        "source": Field("id", required=True),
        "paragraph": Field("int", required=True, minimum=1),
        "kind": Field("enum", required=True, choices=KINDS),
        "speaker": Field("table", table="speaker"),
        "period": Field("partial_date"),
        "date": Field("date"),
        "figures": Field("table_list", table="figure"),
        "tags": Field("id_list"),
        "entities": Field("id_list"),
        "note": TEXT,
    },
}
TOP_LEVEL = {"schema_version": "int", "sources": "source", "entities": "entity", "facts": "fact"}
SECTION_OF = {"sources": "source", "entities": "entity", "facts": "fact"}


# --- Where keys are: line numbers for messages ---------------------------------------------------------

# TOML's own grammar, per line: only LF ends a line (U+2028 or a form feed inside a string does not), keys may be
# quoted and dotted, and strings and multi-line arrays may hold anything that looks like a header or a key.
# Each pattern is matched at a position and cannot backtrack far, so a 50 MB line scans in linear time.
_KEY_PART_RE = re.compile(r"""[ \t]*([A-Za-z0-9_-]+|"[^"\\\n]*(?:\\.[^"\\\n]*)*"|'[^'\n]*')[ \t]*""")
_VALUE_TOKEN_RE = re.compile(r'"""|\'\'\'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"|\'[^\'\n]*\'|[\[\]{}#]')
_MULTILINE_END_RE = {
    '"""': re.compile(r'[^"\\]*(?:(?:\\.|\\$|""?(?!"))[^"\\]*)*"""(?:"{0,2})'),
    "'''": re.compile(r"[^']*(?:''?(?!')[^']*)*'''(?:'{0,2})"),
}


def _key_path(line: str, pos: int) -> tuple[tuple[str, ...], int]:
    """The dotted key starting at pos (quotes removed, escapes decoded) and where it ends; () when none."""
    parts: list[str] = []
    while True:
        part = _KEY_PART_RE.match(line, pos)
        if not part:
            return (), pos
        word, pos = part.group(1), part.end()
        if word[0] == '"':
            try:
                word = next(iter(tomllib.loads(f"{word} = 0")))
            except (tomllib.TOMLDecodeError, StopIteration):
                return (), pos
        elif word[0] == "'":
            word = word[1:-1]
        parts.append(word)
        if not line.startswith(".", pos):
            return tuple(parts), pos
        pos += 1


class LineIndex:
    """Maps table paths and their keys to line numbers by scanning the TOML text.

    tomllib gives no positions, so this reads headers and ``key =`` lines itself, skipping what is inside
    strings (multi-line ones too), comments and arrays that span lines; anything it cannot place falls back
    to the table's header line. For files too deep to parse it notes ``deepest``, the line where brackets
    nest deepest, and ``dottiest``, the line with the most dots outside strings (key parts, in TOML).
    """

    def __init__(self, text: str):
        self.tables: dict[tuple[str, ...], int] = {}
        self.keys: dict[tuple[str, ...], dict[str, int]] = {}
        self.deepest = self.dottiest = 1
        self.most_dots = 0
        self._depth = self._max_depth = 0
        self._multiline: str | None = None
        current: tuple[str, ...] = ()
        for number, line in enumerate(text.split("\n"), start=1):
            pos, dots = 0, 0
            if self._multiline:
                end = _MULTILINE_END_RE[self._multiline].match(line)
                if not end:
                    continue
                self._multiline, pos = None, end.end()
            elif self._depth == 0:
                pos = len(line) - len(line.lstrip(" \t"))
                if line.startswith("[", pos):
                    path, _ = _key_path(line, pos + 2 if line.startswith("[[", pos) else pos + 1)
                    if path:
                        current = path
                        self.tables.setdefault(current, number)
                        self._count_dots(len(path) - 1, number)
                    continue
                path, pos = _key_path(line, pos)
                if not path or not line.startswith("=", pos):
                    continue
                for i, name in enumerate(path):  # a.b.c = 1 also places the tables a and a.b
                    self.keys.setdefault(current + path[:i], {}).setdefault(name, number)
                pos, dots = pos + 1, len(path) - 1
            self._count_dots(dots + self._scan_value(line, pos, number), number)

    def _count_dots(self, dots: int, number: int) -> None:
        if dots > self.most_dots:
            self.most_dots, self.dottiest = dots, number

    def _scan_value(self, line: str, pos: int, number: int) -> int:
        """Follow brackets and strings to the end of the line (does a string or an array go on?); count dots."""
        dots = 0
        while True:
            token = _VALUE_TOKEN_RE.search(line, pos)
            dots += line.count(".", pos, token.start() if token else len(line))
            if not token or token.group() == "#":
                return dots
            text, pos = token.group(), token.end()
            if text in _MULTILINE_END_RE:
                end = _MULTILINE_END_RE[text].match(line, pos)
                if not end:
                    self._multiline = text
                    return dots
                pos = end.end()
            elif text in "[{":
                self._depth += 1
                if self._depth > self._max_depth:
                    self._max_depth, self.deepest = self._depth, number
            elif text in "]}":
                self._depth = max(0, self._depth - 1)

    def origin(self, file: str, path: tuple[str, ...]) -> Origin:
        line = self.tables.get(path, 0)
        key_lines = dict(self.keys.get(path, {}))
        if not line and len(path) > 1:  # a table written inline or with dotted keys
            line = self.keys.get(path[:-1], {}).get(path[-1], 0)
        return Origin(file=file, line=line, key_lines=key_lines)


# read_document scans a file before parsing it and check_document after: one scan serves both.
_line_index = functools.lru_cache(maxsize=1)(LineIndex)


# --- Reading files -------------------------------------------------------------------------------------

def shipped_facts_path() -> Path:
    """The fact base that ships with cqfacts: package data in a wheel, the repo's facts.toml in a checkout."""
    packaged = Path(__file__).parent / "data" / "facts.toml"
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "facts.toml"


def resolve_facts_path(path: str | os.PathLike[str] | None) -> Path:
    """The path a command should load: the option, else $CQFACTS_FACTS, else the shipped base."""
    if path is not None and str(path) != "":
        return Path(path)
    env = os.environ.get(ENV_FACTS)
    if env:
        return Path(env)
    return shipped_facts_path()


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


_TOML_POS_RE = re.compile(r"\(at line (\d+), column (\d+)\)")
MAX_DOTS = 10_000


_NOT_REGULAR = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a device"),
                (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))
MAX_FILE_BYTES = 100 * 2**20


def _read_file(path: Path, streams: bool) -> bytes:
    """The bytes of a regular file, or with ``streams`` of a pipe or device named on purpose (/dev/stdin).

    In a folder only regular files are read: a pipe there would block and /dev/zero would never end.
    """
    # Without streams, opening a pipe must not wait for a writer: it is refused right after.
    fd = os.open(path, os.O_RDONLY | (0 if streams else getattr(os, "O_NONBLOCK", 0)))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode) and not (streams and (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode))):
            what = next((name for test, name in _NOT_REGULAR if test(mode)), "not a regular file")
            raise OSError(f"{what}, not a TOML file")
        with os.fdopen(os.dup(fd), "rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    finally:
        os.close(fd)
    if len(raw) > MAX_FILE_BYTES:
        raise OSError(f"more than {MAX_FILE_BYTES // 2**20} MB, too big for a fact base")
    return raw


def read_document(path: Path, streams: bool = False) -> tuple[str, dict[str, Any] | None, list[Problem]]:
    """Read and parse one TOML file (``streams``: or a pipe); a problem instead of a document when it cannot."""
    name = str(path)
    try:
        raw = _read_file(path, streams)
    except OSError as exc:
        return "", None, [Problem(name, 0, "", f"cannot read: {exc.strerror or exc}")]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        return "", None, [Problem(name, line, "", message)]
    lines = _line_index(text)
    if lines.most_dots > MAX_DOTS:
        # tomllib takes time quadratic in the parts of a dotted key: [a.a.a...] with a million parts would hang.
        return text, None, [Problem(name, lines.dottiest, "", f"{lines.most_dots:,} dots outside strings on one line: "
                                    "a key this deeply dotted (or a list this long) is too big to read")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        pos = _TOML_POS_RE.search(message)
        # "(at end of document)": the last line, as an editor numbers it.
        line = int(pos.group(1)) if pos else text.count("\n") + (not text.endswith("\n") or not text)
        message = _TOML_POS_RE.sub("", message).replace("(at end of document)", "at the end of the file")
        message = message.strip().rstrip(".")
        if pos:
            message += f" (column {pos.group(2)})"
        message = f"TOML syntax error: {message[:1].lower()}{message[1:]}"
        if re.search(r"overwrite|redefine|declare .* twice", message):
            message += "; ids must be unique: rename one of them"
        return text, None, [Problem(name, line, "", message)]
    except RecursionError:
        message = "TOML nesting too deep to read: nest arrays and tables less"
        return text, None, [Problem(name, lines.deepest, "", message)]
    return text, data, []


# --- Validation ----------------------------------------------------------------------------------------

@dataclass
class _Checker:
    file: str
    lines: LineIndex
    problems: list[Problem] = field(default_factory=list)

    def add(self, line: int, item: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, item, message))

    def table(self, spec_name: str, data: Any, item: str, path: tuple[str, ...], line: int,
              label: str = "") -> dict[str, Any] | None:
        """Check one table against its spec; return the converted values, or None when unusable."""
        where = f"{label} " if label else ""
        if not isinstance(data, dict):
            self.add(line, item, f"{where}must be a table, not {_type_name(data)}")
            return None
        spec = SPECS[spec_name]
        key_lines = self.lines.keys.get(path, {})
        values: dict[str, Any] = {}
        ok = True
        for key, value in data.items():
            key_line = key_lines.get(key, line)
            if key not in spec:
                self.add(key_line, item, f"unknown key {where.strip() + '.' if where else ''}{_shown(key)}"
                         f"{_did_you_mean(key, spec)}")
                ok = False
                continue
            converted = self.value(spec[key], value, item, (*path, key), key_line, f"{label}.{key}" if label else key)
            if converted is _INVALID:
                ok = False
            else:
                values[key] = converted
        for key, rule in spec.items():
            if rule.required and key not in data:
                self.add(line, item, f"missing required key {(label + '.') if label else ''}{_shown(key)}")
                ok = False
        return values if ok else None

    def value(self, rule: Field, value: Any, item: str, path: tuple[str, ...], line: int, key: str) -> Any:
        def bad(message: str) -> Any:
            self.add(line, item, f"{key}: {message}")
            return _INVALID

        kind = rule.kind
        if kind in ("text", "id", "language", "partial_date", "url", "enum"):
            if not isinstance(value, str):
                return bad(f"must be a string, not {_type_name(value)}")
            if not value.strip():
                return bad("must not be empty")
            if kind == "id" and not ID_RE.fullmatch(value):
                return bad(f"{_shown(value)} is not a valid id (lower-case letters, digits and hyphens)")
            if kind == "language" and not LANGUAGE_RE.fullmatch(value):
                return bad(f"{_shown(value)} is not a language tag such as 'en' or 'zh'")
            if kind == "url" and not URL_RE.fullmatch(value):
                return bad(f"{_shown(value)} is not an http(s) URL")
            if kind == "enum" and value not in rule.choices:
                choices = ", ".join(rule.choices)
                return bad(f"{_shown(value)} is not one of {choices}{_did_you_mean(value, rule.choices)}")
            if kind == "partial_date":
                problem = _partial_date_problem(value)
                if problem:
                    return bad(problem)
            return value
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                return bad(f"must be a whole number, not {_type_name(value)}")
            if rule.minimum is not None and value < rule.minimum:
                return bad(f"must be at least {rule.minimum}")
            return value
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return bad(f"must be a number, not {_type_name(value)}")
            if value != value or value in (float("inf"), float("-inf")):
                return bad("must be a finite number")
            return value
        if kind in ("date", "date_or_datetime"):
            return self.date(value, kind == "date_or_datetime", bad)
        if kind in ("text_list", "id_list"):
            if not isinstance(value, list):
                return bad(f"must be a list of strings, not {_type_name(value)}")
            element = Field("id" if kind == "id_list" else "text")
            items = [self.value(element, v, item, path, line, f"{key}[{i}]") for i, v in enumerate(value)]
            return _INVALID if any(v is _INVALID for v in items) else tuple(items)
        if kind == "table":
            out = self.table(rule.table, value, item, path, line, key)
            return _INVALID if out is None else out
        if kind == "table_list":
            if not isinstance(value, list):
                return bad(f"must be a list of tables, not {_type_name(value)}")
            if len(value) < rule.min_items:
                return bad(f"must have at least {rule.min_items} entr{'y' if rule.min_items == 1 else 'ies'}")
            items = [self.table(rule.table, v, item, path, line, f"{key}[{i}]") for i, v in enumerate(value)]
            return _INVALID if any(v is None for v in items) else tuple(items)
        raise AssertionError(f"unknown field kind {kind}")  # pragma: no cover

    @staticmethod
    def date(value: Any, allow_datetime: bool, bad: Callable[[str], Any]) -> Any:
        if isinstance(value, dt.datetime):
            if allow_datetime:
                return value
            return bad("must be a date (YYYY-MM-DD), not a date-time")
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value) if len(value) == 10 else bad(
                    f"{_shown(value)} is not a date; write YYYY-MM-DD")
            except ValueError:
                return bad(f"{_shown(value)} is not a valid date; write YYYY-MM-DD")
        return bad(f"must be a date (YYYY-MM-DD), not {_type_name(value)}")


_INVALID = object()


def _partial_date_problem(value: str) -> str | None:
    if not PARTIAL_DATE_RE.fullmatch(value):
        return (f"{_shown(value)} is not a year, month or day (YYYY, YYYY-MM, YYYY-MM-DD)"
                " or a range of two joined by '/'")
    ends = value.split("/")
    for part in ends:
        try:
            if len(part) == 7:
                dt.date.fromisoformat(part + "-01")
            elif len(part) == 10:
                dt.date.fromisoformat(part)
        except ValueError:
            return f"{_shown(value)} is not a valid date"
    if len(ends) == 2 and ends[1] < ends[0][: len(ends[1])]:
        return f"{_shown(value)} ends before it starts"
    return None


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return "a date/time"
    return {int: "a whole number", float: "a number", str: "a string"}.get(type(value), type(value).__name__)


_REPR = reprlib.Repr()
_REPR.maxstring, _REPR.maxother, _REPR.maxlist, _REPR.maxdict = 60, 60, 4, 4


def _shown(value: Any) -> str:
    """A value as a message quotes it, cut short: a 50 MB string must not make a 50 MB error line."""
    return _REPR.repr(value)


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = closest(word, choices)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _author(values: dict[str, Any], checker: _Checker, item: str, line: int) -> Author | None:
    if "organization" in values and ("family" in values or "given" in values):
        checker.add(line, item, "authors: an author is an organization or a person (family, given), not both")
        return None
    if "organization" not in values and "family" not in values:
        checker.add(line, item, "authors: give organization = \"...\" or family = \"...\" (and given)")
        return None
    return Author(**values)


def _build(section: str, item_id: str, values: dict[str, Any], origin: Origin, checker: _Checker) -> Any:
    item = item_id if section == "facts" else f"{section}.{item_id}"
    if section == "sources":
        authors = [_author(a, checker, item, origin.line_of("authors")) for a in values.pop("authors")]
        if any(a is None for a in authors):
            return None
        return Source(id=item_id, authors=tuple(authors), origin=origin, **values)  # type: ignore[arg-type]
    if section == "entities":
        values["aliases"] = tuple(values.get("aliases", ()))
        return Entity(id=item_id, origin=origin, **values)
    speaker = values.pop("speaker", None)
    figures = tuple(
        Figure(**{**f, "baseline": Quantity(**f["baseline"]) if "baseline" in f else None})
        for f in values.pop("figures", ())
    )
    return Fact(id=item_id, origin=origin, speaker=Speaker(**speaker) if speaker else None,
                figures=figures, **values)


@dataclass(frozen=True)
class _References:
    """What a fact table names (read from the raw table, so a fact with other problems is checked too)."""

    fact_id: str
    origin: Origin
    source: str | None
    entities: tuple[str, ...]


def check_document(file: str, text: str, data: dict[str, Any]
                   ) -> tuple[dict[str, dict[str, Any]], list[_References], list[Problem]]:
    """Validate one parsed file; return its valid items by section, the facts' references, and its problems."""
    checker = _Checker(file, _line_index(text))
    items: dict[str, dict[str, Any]] = {"sources": {}, "entities": {}, "facts": {}}
    refs: list[_References] = []
    top_keys = checker.lines.keys.get((), {})
    for key in data:
        if key not in TOP_LEVEL:
            line = top_keys.get(key) or checker.lines.tables.get((key,), 0) or _first_table_line(checker.lines, key)
            checker.add(line, "", f"unknown top-level key {_shown(key)}{_did_you_mean(key, TOP_LEVEL)};"
                        " expected schema_version, [sources.ID], [entities.ID], [facts.ID]")
    version = data.get("schema_version")
    if version is None:
        checker.add(1, "", f"missing schema_version; add 'schema_version = {SCHEMA_VERSION}' at the top")
    elif version != SCHEMA_VERSION or isinstance(version, bool):
        checker.add(top_keys.get("schema_version", 1), "",
                    f"schema_version {_shown(version)} is not supported; this cqfacts reads version {SCHEMA_VERSION}")
    for section, spec_name in SECTION_OF.items():
        table = data.get(section)
        if table is None:
            continue
        if not isinstance(table, dict):
            checker.add(top_keys.get(section, 0), "", f"{section} must be tables like [{section}.ID]")
            continue
        for item_id, body in table.items():
            path = (section, item_id)
            origin = checker.lines.origin(file, path)
            if not ID_RE.fullmatch(item_id):
                shown = _shown(item_id)
                checker.add(origin.line, shown if section == "facts" else f"{section}.{shown}",
                            "is not a valid id: use lower-case letters, digits and hyphens")
                continue
            item = item_id if section == "facts" else f"{section}.{item_id}"
            if section == "facts" and isinstance(body, dict):
                source, entities = body.get("source"), body.get("entities")
                refs.append(_References(
                    item_id, origin, source if isinstance(source, str) and ID_RE.fullmatch(source) else None,
                    tuple(e for e in entities if isinstance(e, str) and ID_RE.fullmatch(e))
                    if isinstance(entities, list) else ()))
            values = checker.table(spec_name, body, item, path, origin.line)
            if values is None:
                continue
            built = _build(section, item_id, values, origin, checker)
            if built is not None:
                items[section][item_id] = built
    return items, refs, checker.problems


def _first_table_line(lines: LineIndex, key: str) -> int:
    return min((line for path, line in lines.tables.items() if path[:1] == (key,)), default=0)


def load(path: str | os.PathLike[str] | None = None, map_files: Callable[..., Iterable[Any]] = map) -> FactBase:
    """Load a fact base (file or folder; default: $CQFACTS_FACTS or the shipped one).

    Raises FactBaseError listing every problem when anything is wrong, and CqfactsError when the
    path itself is unusable. ``map_files`` reads the files (``read_file``), e.g. a process pool's map.
    """
    base, problems = load_with_problems(path, map_files)
    if problems:
        raise FactBaseError(problems)
    return base


def read_file(file: Path, streams: bool = False) -> tuple[dict[str, dict[str, Any]], list[_References], list[Problem]]:
    """Read, parse and check one file on its own: its items, their references, its problems."""
    text, data, problems = read_document(file, streams=streams)
    if data is None:
        return {}, [], problems
    items, refs, doc_problems = check_document(str(file), text, data)
    return items, refs, problems + doc_problems


def load_with_problems(path: str | os.PathLike[str] | None = None,
                       map_files: Callable[..., Iterable[Any]] = map) -> tuple[FactBase, list[Problem]]:
    """Load what is valid and list what is not: what ``cqfacts check`` reports."""
    resolved = resolve_facts_path(path)
    files = fact_files(resolved)
    named = files == [resolved]  # a file named on purpose may be a pipe: --facts /dev/stdin, --facts <(...)
    problems: list[Problem] = []
    merged: dict[str, dict[str, Any]] = {"sources": {}, "entities": {}, "facts": {}}
    refs: list[_References] = []
    for file, (items, doc_refs, doc_problems) in zip(files, map_files(read_file, files, [named] * len(files)),
                                                     strict=True):
        problems += doc_problems
        refs += doc_refs
        for section, found in items.items():
            for item_id, obj in found.items():
                earlier = merged[section].get(item_id)
                if earlier is not None:
                    label = item_id if section == "facts" else f"{section}.{item_id}"
                    where = f"also defined at {earlier.origin.file}:{earlier.origin.line}"
                    problems.append(Problem(str(file), obj.origin.line, label, f"duplicate id: {where}"))
                    continue
                merged[section][item_id] = obj
    base = FactBase(sources=merged["sources"], entities=merged["entities"], facts=merged["facts"],
                    files=tuple(str(f) for f in files))
    problems += cross_check(base, refs)
    return base, problems


def cross_check(base: FactBase, refs: list[_References]) -> list[Problem]:
    """References between items: each fact's source and entities must exist."""
    problems: list[Problem] = []
    for ref in refs:
        origin = ref.origin
        if ref.source is not None and ref.source not in base.sources:
            hint = _did_you_mean(ref.source, base.sources)
            problems.append(Problem(origin.file, origin.line_of("source"), ref.fact_id,
                                    f"source {_shown(ref.source)} is not defined{hint};"
                                    " add a [sources.ID] table or fix the id"))
        for entity in ref.entities:
            if entity not in base.entities:
                problems.append(Problem(origin.file, origin.line_of("entities"), ref.fact_id,
                                        f"entity {_shown(entity)} is not defined{_did_you_mean(entity, base.entities)};"
                                        " add an [entities.ID] table or fix the id"))
    return problems
