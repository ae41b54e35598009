"""How a problem's message shows what was written: a value cut short, its type's name, a close choice, and what
is wrong with a partial date (``check`` and the terms table's rules word their messages with these)."""

from __future__ import annotations

import datetime as dt
import reprlib
from collections.abc import Iterable
from typing import Any

from cqfacts.errors import closest
from cqfacts.spec import PARTIAL_DATE_RE

PERIOD_FORMS = "write YYYY, YYYY-MM, YYYY-MM-DD or a range START/END such as 2024/2025 or 2023-01/2023-06"


def partial_date_problem(value: str) -> str | None:
    problem = partial_date_error(value)
    return f"{problem}; {PERIOD_FORMS}" if problem else None


def partial_date_error(value: str) -> str | None:
    if not PARTIAL_DATE_RE.fullmatch(value):
        return (f"{shown(value)} is not a year, month or day (YYYY, YYYY-MM, YYYY-MM-DD)"
                " or a range of two joined by '/'")
    ends = value.split("/")
    for part in ends:
        try:
            if len(part) == 7:
                dt.date.fromisoformat(part + "-01")
            elif len(part) == 10:
                dt.date.fromisoformat(part)
        except ValueError:
            return f"{shown(value)} is not a valid date"
    if len(ends) == 2 and ends[1] < ends[0][: len(ends[1])]:
        return f"{shown(value)} ends before it starts"
    return None


def type_name(value: Any) -> str:
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


def shown(value: Any) -> str:
    """A value as a message quotes it, cut short: a 50 MB string must not make a 50 MB error line."""
    return _REPR.repr(value)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = closest(word, choices)
    return f" (did you mean {close[0]!r}?)" if close else ""
