"""What a fact names (``References``: its source and entities) and the check across a base's files that each is
defined: a fact may name a source or an entity of another file."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from cqfacts.errors import Problem
from cqfacts.model import Origin
from cqfacts.problem_words import did_you_mean, shown

if TYPE_CHECKING:
    from cqfacts.model import FactBase


class References(NamedTuple):
    """What a fact table names (for a fact with other problems its valid ids, read from the raw table, so that they
    are checked too)."""

    fact_id: str
    origin: Origin
    source: str | None
    entities: tuple[str, ...]


def cross_check(base: FactBase, refs: list[References], broken: dict[str, set[str]] | None = None) -> list[Problem]:
    """References between items: each fact's source and entities must exist (``broken``: defined, with
    problems of their own already reported, so not reported again on each fact)."""
    problems: list[Problem] = []
    broken_sources, broken_entities = (broken or {}).get("sources", set()), (broken or {}).get("entities", set())
    for ref in refs:
        origin = ref.origin
        if ref.source is not None and ref.source not in base.sources and ref.source not in broken_sources:
            hint = did_you_mean(ref.source, base.sources)
            problems.append(Problem(origin.file, origin.line_of("source"), ref.fact_id,
                                    f"source {shown(ref.source)} is not defined{hint};"
                                    " add a [sources.ID] table or fix the id"))
        for entity in ref.entities:
            if entity not in base.entities and entity not in broken_entities:
                problems.append(Problem(origin.file, origin.line_of("entities"), ref.fact_id,
                                        f"entity {shown(entity)} is not defined{did_you_mean(entity, base.entities)};"
                                        " add an [entities.ID] table or fix the id"))
    return problems

