"""What `check` says about a source beyond its keys' own kinds: the keys its type needs and uses
(``spec.SOURCE_TYPE_RULES``), and each author or editor a person or an organization."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cqfacts.model import Author, Origin
from cqfacts.spec import DEFAULT_SOURCE_TYPE, SITE_TYPES, SOURCE_TYPE_RULES, TYPE_SPECIFIC

Add = Callable[[int, str, str], None]  # a problem: its line, its item, its message


def _author(values: dict[str, Any], add: Add, item: str, line: int, key: str) -> Author | None:
    if "organization" in values and ("family" in values or "given" in values or "family_first" in values):
        noun = "an author" if key == "authors" else "an editor"
        add(line, item, f"{key}: {noun} is an organization or a person (family, given), not both")
        return None
    if "organization" not in values and "family" not in values:
        add(line, item, f"{key}: give organization = \"...\" or family = \"...\" (and given)")
        return None
    if values.get("family_first") and "given" not in values:
        add(line, item, f"{key}: family_first = true needs both family and given (\"Li Wei\" is "
                    "family = \"Li\", given = \"Wei\")")
        return None
    return Author(**values)


def names(values: dict[str, Any], key: str, add: Add, item: str, line: int) -> tuple[Author, ...] | None:
    """A source's authors or editors (``key``), each a person or an organization; None when any is wrong."""
    found = [_author(a, add, item, line, key) for a in values.pop(key, ())]
    return None if None in found else tuple(found)  # type: ignore[misc]


def fits_type(values: dict[str, Any], origin: Origin, add: Add, item: str) -> bool:
    """The keys this type of source needs and uses (spec.SOURCE_TYPE_RULES); False when any is wrong."""
    kind = values.get("type", DEFAULT_SOURCE_TYPE)
    rule = SOURCE_TYPE_RULES[kind]
    ok = True
    if "site" in values and "container_title" in values:
        add(origin.line_of("site"), item, "give container_title or its older name site, not both")
        return False
    for key in TYPE_SPECIFIC:
        if key not in values or key in rule.uses:
            continue
        if key == "site" and "container_title" in rule.uses:
            message = (f"site is the name of a web page's site; for a {kind} write container_title = \"...\""
                       f" (the {rule.container})")
        else:
            users = ", ".join(t for t, r in SOURCE_TYPE_RULES.items() if key in r.uses)
            message = f"{key} does not apply to a {kind} source; it is for {users} (set type = \"...\")"
        add(origin.line_of(key), item, message)
        ok = False
    if rule.container and "container_title" not in values and "site" not in values:
        name = "site = \"...\" or container_title" if kind in SITE_TYPES else "container_title"
        add(origin.line, item, f"missing required key {name} (the {rule.container} a {kind} appears in)")
        ok = False
    for key in rule.required:
        if key not in values:
            add(origin.line, item, f"missing required key {key} (a {kind} source needs it)")
            ok = False
    return ok
