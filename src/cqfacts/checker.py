"""Checking parsed fact files against the format (``spec``): every problem with its file and line, none skipped."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain, compress, islice, repeat
from operator import is_, itemgetter
from typing import Any

from cqfacts import source_rules
from cqfacts.errors import Problem
from cqfacts.lazy import maker
from cqfacts.model import Entity, Fact, Figure, Origin, Quantity, Source, Speaker, Term
from cqfacts.problem_words import did_you_mean, partial_date_problem, shown, type_name
from cqfacts.references import References
from cqfacts.spec import (
    DOI_RE,
    ID_RE,
    ISSUED_RE,
    LANGUAGE_RE,
    SCHEMA_VERSION,
    SECTION_OF,
    SPECS,
    TOP_LEVEL,
    URL_RE,
    Field,
)
from cqfacts.toml_text import LineIndex, line_index


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
        if not isinstance(data, dict):
            where = f"{label} " if label else ""
            self.add(line, item, f"{where}must be a table, not {type_name(data)}")
            return None
        checks = _CHECKS[spec_name]
        key_lines = self.lines.keys.get(path, {})
        values: dict[str, Any] = {}
        ok = True
        for key, value in data.items():
            check = checks.get(key)
            if check is None:
                where = f"{label}." if label else ""
                spec = SPECS[spec_name]
                self.add(key_lines.get(key, line), item, f"unknown key {where}{shown(key)}{did_you_mean(key, spec)}")
                ok = False
                continue
            rule, kind = check
            converted = kind(self, rule, value, item, (*path, key), key_lines.get(key, line) if key_lines else line,
                             f"{label}.{key}" if label else key)
            if converted is _INVALID:
                ok = False
            else:
                values[key] = converted
        if not _REQUIRED[spec_name] <= data.keys():
            for key in _REQUIRED[spec_name]:
                if key not in data:
                    self.add(line, item, f"missing required key {(label + '.') if label else ''}{shown(key)}")
            ok = False
        return values if ok else None

    def tables(self, spec_name: str, data: list[Any]) -> list[dict[str, Any]] | None:
        """The converted values of many tables of one spec (a section's, or all their figures), checked at once, each
        key in one step over them all, in C where it can be; None when any may have a problem: ``table`` then checks
        each, for its problems. The kinds' methods run on a checker of its own, whose problems are never reported."""
        checks = _CHECKS[spec_name]
        if not (all(map(isinstance, data, repeat(dict))) and set().union(*data) <= checks.keys()):
            return None
        values, scratch = list(map(dict, data)), _Checker(self.file, self.lines)
        for key, (rule, kind) in checks.items():
            if rule.kind in _CLEAN:  # kept as they are; a table without the key has a clean one, or None if required
                stand_in = None if rule.required else (rule.choices or ("x",))[0]
                if not _CLEAN[rule.kind](rule, list(map(dict.get, data, repeat(key), repeat(stand_in)))):
                    return None
                continue
            having = list(compress(values, map(dict.__contains__, values, repeat(key))))
            given = list(map(itemgetter(key), having))
            converted = scratch.column(rule, kind, key, given) if having else given
            if converted is None or (rule.required and len(having) < len(values)):
                return None
            if converted is not given:
                for table, value in zip(having, converted, strict=True):
                    table[key] = value
        return values

    def column(self, rule: Field, kind: Callable[..., Any], key: str, given: list[Any]) -> list[Any] | None:
        """The values of one key of many tables (of a kind not told at once), converted (``given`` itself when each is
        kept as it is); None when any may be wrong."""
        if rule.kind == "table":
            return self.tables(rule.table, given)
        if rule.kind == "table_list":
            if _INVALID in self.check_each(_Checker.entries, rule, key, given):
                return None
            entries = self.tables(rule.table, [*chain.from_iterable(given)])
            each = iter(entries or ())  # each table's own, in turn
            return None if entries is None else [tuple(islice(each, n)) for n in map(len, given)]
        if rule.kind in _ELEMENT:  # lists of strings that ``string`` keeps as they are (``text_list``)
            element = _ELEMENT[rule.kind]
            if not all(map(isinstance, given, repeat(list))):
                return None
            return list(map(tuple, given)) if _CLEAN[element.kind](element, [*chain.from_iterable(given)]) else None
        # Else each by its kind's method: once for each value when all are of one type (whether a value is right does
        # not change within its type's equality: 0.0 is -0.0, 8:00+08:00 is 0:00Z), kept when each is kept as it is.
        types = {*map(type, given)}
        distinct = [*dict.fromkeys(given)] if len(types) == 1 and types.isdisjoint((list, dict)) else given
        converted = self.check_each(kind, rule, key, distinct)
        if _INVALID in converted:
            return None
        if all(map(is_, converted, distinct)):
            return given
        return converted if distinct is given else self.check_each(kind, rule, key, given)

    def check_each(self, kind: Callable[..., Any], rule: Field, key: str, values: list[Any]) -> list[Any]:
        """Each value checked by a kind's method (for ``column``: of no item, on no line)."""
        return list(map(kind, repeat(self), repeat(rule), values, repeat(""), repeat(()), repeat(0), repeat(key)))

    def bad(self, line: int, item: str, key: str, message: str) -> Any:
        self.add(line, item, f"{key}: {message}")
        return _INVALID

    def string(self, rule: Field, value: Any, item: str, path: tuple[str, ...], line: int, key: str) -> Any:
        kind = rule.kind
        if not isinstance(value, str):
            return self.bad(line, item, key, f"must be a string, not {type_name(value)}")
        if not value.strip():
            return self.bad(line, item, key, "must not be empty")
        if kind == "text":
            return value
        if kind == "id" and not ID_RE.fullmatch(value):
            return self.bad(line, item, key,
                            f"{shown(value)} is not a valid id (lower-case letters, digits and hyphens)")
        if kind == "language" and not LANGUAGE_RE.fullmatch(value):
            return self.bad(line, item, key, f"{shown(value)} is not a language tag such as 'en' or 'zh'")
        if kind == "url" and not URL_RE.fullmatch(value):
            return self.bad(line, item, key, f"{shown(value)} is not an http(s) URL")
        if kind == "doi" and not DOI_RE.fullmatch(value):
            return self.bad(line, item, key,
                            f"{shown(value)} is not a DOI; write it alone, as 10.1234/abc (no https://doi.org/)")
        if kind == "issued":
            if len(value) == 10:
                return self.date(value, True, lambda message: self.bad(line, item, key, message))
            if not ISSUED_RE.fullmatch(value):
                return self.bad(line, item, key, f"{shown(value)} is not a date; write 2024-03-31 (a TOML date), or "
                                "\"2024\" or \"2024-03\" when only the year or month is printed")
        if kind == "enum" and value not in rule.choices:
            choices = ", ".join(rule.choices)
            return self.bad(line, item, key,
                            f"{shown(value)} is not one of {choices}{did_you_mean(value, rule.choices)}")
        if kind == "partial_date":
            problem = partial_date_problem(value)
            if problem:
                return self.bad(line, item, key, problem)
        return value

    def number_text(self, rule: Field, value: Any, item: str, path: tuple[str, ...], line: int, key: str) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value) if value >= 0 else self.bad(line, item, key, "must not be negative")
        return self.string(rule, value, item, path, line, key)

    def issued(self, rule: Field, value: Any, item: str, path: tuple[str, ...], line: int, key: str) -> Any:
        if not isinstance(value, str):
            return self.date(value, True, lambda message: self.bad(line, item, key, message))
        return self.string(rule, value, item, path, line, key)

    def boolean(self, rule: Field, value: Any, item: str, path: tuple[str, ...], line: int, key: str) -> Any:
        return value if isinstance(value, bool) else self.bad(line, item, key,
                                                              f"must be true or false, not {type_name(value)}")

    def whole(self, rule: Field, value: Any, item: str, path: tuple[str, ...], line: int, key: str) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            return self.bad(line, item, key, f"must be a whole number, not {type_name(value)}")
        if rule.minimum is not None and value < rule.minimum:
            return self.bad(line, item, key, f"must be at least {rule.minimum}")
        return value

    def number(self, rule: Field, value: Any, item: str, path: tuple[str, ...], line: int, key: str) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return self.bad(line, item, key, f"must be a number, not {type_name(value)}")
        if value != value or value in _INFINITE:
            return self.bad(line, item, key, "must be a finite number")
        return value

    def day(self, rule: Field, value: Any, item: str, path: tuple[str, ...], line: int, key: str) -> Any:
        return self.date(value, False, lambda message: self.bad(line, item, key, message))

    def text_list(self, rule: Field, value: Any, item: str, path: tuple[str, ...], line: int, key: str) -> Any:
        if not isinstance(value, list):
            return self.bad(line, item, key, f"must be a list of strings, not {type_name(value)}")
        # Strings that ``string`` keeps as they are (an id is never blank) are kept so; else each is checked, for
        # its message.
        element = _ELEMENT[rule.kind]
        if _CLEAN[element.kind](element, value):
            return tuple(value)
        check = self.string
        items = [check(element, v, item, path, line, f"{key}[{i}]") for i, v in enumerate(value)]
        return _INVALID if _INVALID in items else tuple(items)

    def subtable(self, rule: Field, value: Any, item: str, path: tuple[str, ...], line: int, key: str) -> Any:
        out = self.table(rule.table, value, item, path, line, key)
        return _INVALID if out is None else out

    def table_list(self, rule: Field, value: Any, item: str, path: tuple[str, ...], line: int, key: str) -> Any:
        if self.entries(rule, value, item, path, line, key) is _INVALID:
            return _INVALID
        items = [self.table(rule.table, v, item, path, line, f"{key}[{i}]") for i, v in enumerate(value)]
        return _INVALID if None in items else tuple(items)

    def entries(self, rule: Field, value: Any, item: str, path: tuple[str, ...], line: int, key: str) -> Any:
        """A list of tables as a list, its entries not checked yet; ``_INVALID`` when it is not one or too short."""
        if not isinstance(value, list):
            return self.bad(line, item, key, f"must be a list of tables, not {type_name(value)}")
        if len(value) < rule.min_items:
            return self.bad(line, item, key,
                            f"must have at least {rule.min_items} entr{'y' if rule.min_items == 1 else 'ies'}")
        return value

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
                    f"{shown(value)} is not a date; write YYYY-MM-DD")
            except ValueError:
                return bad(f"{shown(value)} is not a valid date; write YYYY-MM-DD")
        return bad(f"must be a date (YYYY-MM-DD), not {type_name(value)}")


_INVALID = object()
_INFINITE = (float("inf"), float("-inf"))
_ELEMENT = {"text_list": Field("text"), "id_list": Field("id")}  # the kind of a list's strings
# How each kind of field is checked (spec.Field.kind).
_KINDS: dict[str, Callable[..., Any]] = {
    **dict.fromkeys(("text", "id", "language", "partial_date", "url", "enum", "doi"), _Checker.string),
    "number_text": _Checker.number_text, "issued": _Checker.issued, "bool": _Checker.boolean,
    "int": _Checker.whole, "number": _Checker.number, "date": _Checker.day, "text_list": _Checker.text_list,
    "id_list": _Checker.text_list, "table": _Checker.subtable, "table_list": _Checker.table_list}
# Each spec's keys: its rule, and how a value of its kind is checked.
_CHECKS = {name: {key: (rule, _KINDS[rule.kind]) for key, rule in spec.items()} for name, spec in SPECS.items()}
_REQUIRED = {name: {key: None for key, rule in spec.items() if rule.required}.keys() for name, spec in SPECS.items()}


def _build(section: str, item_id: str, values: dict[str, Any], origin: Origin, checker: _Checker) -> Any:
    item = item_id if section == "facts" else f"{section}.{item_id}"
    if section == "sources":
        fits_type = source_rules.fits_type(values, origin, checker.add, item)
        authors = source_rules.names(values, "authors", checker.add, item, origin.line_of("authors"))
        editors = source_rules.names(values, "editors", checker.add, item, origin.line_of("editors"))
        if authors is None or editors is None or not fits_type:
            return None
        if "site" in values:
            values["container_title"] = values.pop("site")
        return Source(id=item_id, authors=authors, editors=editors, origin=origin, **values)
    if section == "entities":
        values["aliases"] = tuple(values.get("aliases", ()))
        return Entity(id=item_id, origin=origin, **values)
    if section == "terms":
        return Term(id=item_id, origin=origin, **{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})
    figures = values.get("figures", ())
    for figure in figures:  # each a dict of its own (``table``)
        if "baseline" in figure:
            figure["baseline"] = _QUANTITY(figure["baseline"])
    speaker = values.get("speaker")
    values.update(id=item_id, origin=origin, speaker=_SPEAKER(speaker) if speaker else None,
                  figures=tuple(map(_FIGURE, figures)))
    return _FACT(values)


# A build makes millions of these: made without running ``__init__`` (``lazy.maker``).
_FACT, _FIGURE, _QUANTITY, _SPEAKER = map(maker, (Fact, Figure, Quantity, Speaker))


def check_document(file: str, text: str, data: dict[str, Any], lines: LineIndex | None = None
                   ) -> tuple[dict[str, dict[str, Any]], list[References], list[Problem]]:
    """Validate one parsed file; return its items by section (None for one with problems), the facts'
    references, and its problems.

    ``lines``: where keys are, else scanned from ``text``; the cache passes an empty one for a file it
    expects to be clean (its items then have line 0), and reads the file again, scanned, when it is not.
    """
    checker = _Checker(file, line_index(text) if lines is None else lines)
    items: dict[str, dict[str, Any]] = {section: {} for section in SECTION_OF}
    refs: list[References] = []
    top_keys = checker.lines.keys.get((), {})
    for key in data:
        if key not in TOP_LEVEL:
            line = top_keys.get(key) or checker.lines.tables.get((key,), 0) or _first_table_line(checker.lines, key)
            checker.add(line, "", f"unknown top-level key {shown(key)}{did_you_mean(key, TOP_LEVEL)};"
                        " expected schema_version, [sources.ID], [entities.ID], [facts.ID], [terms.ID]")
    version = data.get("schema_version")
    if version is None:
        checker.add(1, "", f"missing schema_version; add 'schema_version = {SCHEMA_VERSION}' at the top")
    elif version != SCHEMA_VERSION or isinstance(version, bool):
        checker.add(top_keys.get("schema_version", 1), "",
                    f"schema_version {shown(version)} is not supported; this cqfacts reads version {SCHEMA_VERSION}")
    for section, spec_name in SECTION_OF.items():
        table = data.get(section)
        if table is None:
            continue
        if not isinstance(table, dict):
            checker.add(top_keys.get(section, 0), "", f"{section} must be tables like [{section}.ID]")
            continue
        # Each item's values, when they are all clean (most often); else each is checked alone, for its problems.
        checked = checker.tables(spec_name, list(table.values())) or [None] * len(table)
        valid_ids = _all_ids(list(table))
        for (item_id, body), values in zip(table.items(), checked, strict=True):
            path = (section, item_id)
            origin = checker.lines.origin(file, path)
            if not (valid_ids or ID_RE.fullmatch(item_id)):
                quoted = shown(item_id)
                checker.add(origin.line, quoted if section == "facts" else f"{section}.{quoted}",
                            "is not a valid id: use lower-case letters, digits and hyphens")
                continue
            item = item_id if section == "facts" else f"{section}.{item_id}"
            if values is None:
                values = checker.table(spec_name, body, item, path, origin.line)
            if section == "facts" and isinstance(body, dict):
                refs.append(_references(item_id, origin, body, values))
            # None marks an item that is there but broken: references to it are not reported again.
            items[section][item_id] = None if values is None else _build(section, item_id, values, origin, checker)
    return items, refs, checker.problems


def _references(fact_id: str, origin: Origin, body: dict[str, Any], values: dict[str, Any] | None) -> References:
    """What a fact names: as checked, or for a fact with problems its valid ids, read from the raw table."""
    if values is not None:
        return References(fact_id, origin, values["source"], values.get("entities", ()))
    source, entities = body.get("source"), body.get("entities")
    return References(fact_id, origin, source if _is_id(source) else None,
                      (tuple(entities) if _all_ids(entities) else tuple(e for e in entities if _is_id(e)))
                      if isinstance(entities, list) else ())


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and ID_RE.fullmatch(value) is not None


def _all_ids(values: list[Any]) -> bool:
    """Whether every value is a valid id (``_is_id``), each step in C: all are strings, and joined by newlines, one
    for each join (an id holds none), one match of ``_IDS_RE``."""
    if not all(map(isinstance, values, repeat(str))):
        return False
    joined = "\n".join(values)
    return not values or (joined.count("\n") == len(values) - 1 and _IDS_RE.fullmatch(joined) is not None)


# Ids joined by newlines: ID_RE without its anchors never matches a newline, so each line must be one whole id.
_ID = ID_RE.pattern.removeprefix("^").removesuffix("$")
_IDS_RE = re.compile(f"(?:{_ID})(?:\n(?:{_ID}))*")


def _all_text(values: list[Any]) -> bool:
    """Whether every value is a string that is not blank, each step in C."""
    return all(map(isinstance, values, repeat(str))) and all(map(str.strip, values))


# Whether each of many values of a kind that ``string`` keeps as it is, is clean, each step in C.
_CLEAN: dict[str, Callable[[Field, list[Any]], bool]] = {
    "text": lambda rule, values: _all_text(values), "id": lambda rule, values: _all_ids(values),
    "enum": lambda rule, values: all(map(rule.choices.__contains__, values))}


def _first_table_line(lines: LineIndex, key: str) -> int:
    return min((line for path, line in lines.tables.items() if path[:1] == (key,)), default=0)
