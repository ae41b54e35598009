"""Search: rank facts for a query (a first, simple ranker; see issue 3 for the full one)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cqfacts.model import Fact, FactBase


@dataclass(frozen=True)
class Match:
    """Why a fact matched: which query word, in which field, how (exact, prefix, typo, alias)."""

    word: str
    field: str
    how: str
    term: str


@dataclass(frozen=True)
class Hit:
    fact: Fact
    score: float
    matches: tuple[Match, ...] = field(default=())


def search(base: FactBase, query: str, *, facts: list[Fact] | None = None, limit: int | None = 10,
           min_score: float = 0.0) -> list[Hit]:
    """Facts matching the query, best first; ties broken by id so the order is stable."""
    from rapidfuzz import fuzz

    words = [w for w in query.casefold().split() if w]
    if not words:
        return []
    hits = []
    for fact in facts if facts is not None else base.facts.values():
        names = " ".join(n for e in fact.entities if e in base.entities for n in base.entities[e].names)
        text = f"{fact.statement} {fact.quote} {names} {' '.join(fact.tags)}".casefold()
        scores = [fuzz.partial_ratio(w, text) for w in words]
        score = sum(scores) / len(scores)
        if score >= max(min_score, 80):
            hits.append(Hit(fact, round(score, 1)))
    hits.sort(key=lambda h: (-h.score, h.fact.id))
    return hits[:limit] if limit else hits
