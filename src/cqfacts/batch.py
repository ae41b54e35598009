"""Answering a stream of queries (``cqfacts search -``): one JSON line of results per query line."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from cqfacts.model import Fact, FactBase
from cqfacts.output import Column, to_json


def answer_queries(base: FactBase, lines: Iterable[bytes], out: TextIO, *, pool: list[Fact] | None, limit: int,
                   min_score: float, explain: bool, columns: list[Column] | None) -> bool:
    """Write ``{"query": …, "results": […]}`` for each non-blank line; True when any query found something.

    Lines are bytes, decoded here: a stray non-UTF-8 byte is U+FFFD in the query (and its JSON echo), whatever
    the locale; a text stdin would crash under PYTHONIOENCODING=utf-8 and echo raw bytes under C.
    """
    from cqfacts.search import search
    from cqfacts.views import search_records

    found = False
    for line in (raw.decode("utf-8", "replace").strip() for raw in lines):
        if not line:
            continue
        hits = search(base, line, facts=pool, limit=limit, min_score=min_score)
        found = found or bool(hits)
        rows: list[dict[str, Any]] = search_records(base, hits, explain)
        if columns:
            rows = [{c.name: c.get(r) for c in columns} for r in rows]
        out.write(to_json({"query": line, "results": rows}) + "\n")
        out.flush()  # a script reading the answers line by line gets each one at once
    return found
