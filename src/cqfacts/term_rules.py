"""What `check` says about the terms table: every problem with the file and line of the key at fault.

Links must name known ids (``broader`` a term, ``narrower`` a term or an entity), no term may be below
itself, and no name (compared as search compares names, ``cqfacts.concepts.key``: "EVs" is "EV") may
belong to two terms or have nothing to search by. A link to a term that has problems of its own is not
reported again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cqfacts.errors import Problem
from cqfacts.model import Origin
from cqfacts.problem_words import did_you_mean, shown

if TYPE_CHECKING:
    from collections.abc import Collection

    from cqfacts.model import FactBase, Term


def check_terms(base: FactBase, broken: Collection[str] = ()) -> list[Problem]:
    """The problems of the base's terms table; ``broken`` are ids of terms defined with problems."""
    from cqfacts.concepts import below_of, key

    problems: list[Problem] = []
    owners: dict[tuple[str, ...], Term] = {}
    for term in base.terms.values():
        origin = term.origin or Origin("", 0)
        item = f"terms.{term.id}"

        def add(key_name: str, message: str, origin: Origin = origin, item: str = item) -> None:
            problems.append(Problem(origin.file, origin.line_of(key_name), item, message))

        for link in term.broader:
            if link not in base.terms and link not in broken:
                add("broader", f"broader: term {shown(link)} is not defined{did_you_mean(link, base.terms)};"
                    " add a [terms.ID] table or fix the id")
        for link in term.narrower:
            if link not in base.terms and link not in base.entities and link not in broken:
                add("narrower", f"narrower: {shown(link)} is neither a term nor an entity"
                    f"{did_you_mean(link, [*base.terms, *base.entities])}; fix the id or add the table")
        if term.id in below_of(base.terms, term.id):
            add("broader" if term.broader else "narrower",
                "is below itself through its broader/narrower links; remove a link of the circle")
        for name in term.names:
            name_key = key(name)
            key_name = "preferred" if name == term.preferred else "variants"
            if not name_key:
                add(key_name, f"{key_name}: {shown(name)} has no word, number or Chinese to search by")
                continue
            owner = owners.setdefault(name_key, term)
            if owner is not term:
                where = f"{owner.origin.file}:{owner.origin.line}" if owner.origin else owner.id
                add(key_name, f"{key_name}: {shown(name)} is already a name of terms.{owner.id} ({where}); "
                    "a name belongs to one concept: remove it from one of the two")
    return problems
