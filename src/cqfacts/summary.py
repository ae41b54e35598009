"""Summaries of a fact base: its sources, its tags with counts, and facts counted by kind, tag, year, source.

Each function returns the JSON rows the CLI prints (documented in ``schema/output.schema.json``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from cqfacts.model import Fact, FactBase


def source_rows(base: FactBase) -> list[dict[str, Any]]:
    """Every source as its JSON object, with ``facts``: how many facts cite it."""
    cited = Counter(f.source for f in base.facts.values())
    return [{**s.to_json(), "facts": cited[s.id]} for s in base.sources.values()]


def tag_rows(facts: Iterable[Fact]) -> list[dict[str, Any]]:
    """Each tag with the number of facts that carry it, most used first, then by name."""
    counts = Counter(tag for fact in facts for tag in fact.tags)
    return [{"tag": tag, "facts": n} for tag, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def stats_rows(facts: Iterable[Fact]) -> list[dict[str, Any]]:
    """Facts counted as a whole, then by kind, tag, year and source: rows of {group, value, facts}.

    A fact counts once in each of its tags and each year its period covers, so those groups need not
    add up to the total; kinds and sources do.
    """
    facts = list(facts)
    rows: list[dict[str, Any]] = [{"group": "total", "value": "facts", "facts": len(facts)}]
    by_kind = Counter(f.kind for f in facts)
    rows += [{"group": "kind", "value": k, "facts": n} for k, n in sorted(by_kind.items(), key=_most_first)]
    rows += [{"group": "tag", "value": r["tag"], "facts": r["facts"]} for r in tag_rows(facts)]
    by_year = Counter(year for f in facts for year in f.years)
    rows += [{"group": "year", "value": str(y), "facts": n} for y, n in sorted(by_year.items())]
    undated = sum(1 for f in facts if not f.years)
    if undated:
        rows.append({"group": "year", "value": "none", "facts": undated})
    by_source = Counter(f.source for f in facts)
    rows += [{"group": "source", "value": s, "facts": n} for s, n in sorted(by_source.items(), key=_most_first)]
    return rows


def _most_first(item: tuple[Any, int]) -> tuple[int, str]:
    return -item[1], str(item[0])
