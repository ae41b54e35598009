"""Drafting a fact from a quote: where it is in the archive, an id, its figures, and what to warn about."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from typing import Any

from cqfacts.errors import CqfactsError
from cqfacts.verify import ArchivedText

_STOP = frozenset({
    "a", "an", "and", "the", "of", "in", "on", "at", "to", "for", "from", "by", "with", "as", "is", "are", "was",
    "were", "be", "been", "will", "would", "has", "have", "had", "its", "it", "this", "that", "than", "more", "over",
    "about", "into", "which", "who", "their", "our", "my", "your", "per", "such", "also", "s",
})
_FORECAST_RE = re.compile(
    r"\b(?:by (?:the end of )?(?:20|19)\d\d|in the (?:next|coming) \w+ years?|plans? to|planned|target(?:s|ed)?"
    r"|goal|aims? to|strive|expected to|projected|forecasts?|is set to|are set to|will strive)\b", re.IGNORECASE)
_WILL_RE = re.compile(r"\bwill\b", re.IGNORECASE)


def locate(archive: ArchivedText, quote: str) -> tuple[int, str]:
    """The paragraph a quote is in and the archive's exact characters for it; a clear error when it is not
    there once (with the nearest passage and its first differing character)."""
    from cqfacts.curate.quotefind import difference, find, nearest

    found = find(archive.lines or archive.paragraphs, quote)
    if not found:
        para, passage = nearest(archive.paragraphs, quote)
        hint = f'; nearest passage (paragraph {para}): "{passage}"; {difference(quote, passage)}' if passage else ""
        raise CqfactsError(f"quote not found in {archive.path}{hint}")
    paragraphs = sorted({n for n, _ in found})
    if len(found) > 1:
        where = ", ".join(map(str, paragraphs))
        raise CqfactsError(f"the quote occurs {len(found)} times (paragraph{'s' if len(paragraphs) > 1 else ''}"
                           f" {where}); quote more of the sentence so that it is found once")
    return found[0]


def propose_id(text: str, taken: Collection[str]) -> str:
    """An id from a statement: its first significant words and a year, lower-case and hyphenated, unused."""
    spaced = re.sub(r"[^\w]+", " ", text)  # "Lancang–Mekong" is two words
    plain = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", plain)
    years = [w for w in words if re.fullmatch(r"(?:19|20)\d\d", w)]
    picked = [w for w in words if w not in _STOP and w not in years and not w.isdigit()][:5]
    if years:
        picked.append(years[0])
    base = "-".join(picked)[:60].strip("-") or "fact"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def propose_figures(quote: str) -> list[dict[str, Any]]:
    """``figures`` for the numbers a quote states, with the one parser of numbers (``cqfacts.numbers``):
    value in base units, unit, comparator, and a baseline for "from about 30% … to more than 50%"."""
    from cqfacts.numbers import find_quantities

    amounts = [a for a in find_quantities(quote) if a.role == "figure" and a.unit]
    figures: list[dict[str, Any]] = []
    i = 0
    while i < len(amounts):
        amount = amounts[i]
        nxt = amounts[i + 1] if i + 1 < len(amounts) else None
        figure: dict[str, Any] = {"value": amount.value, "unit": amount.unit}
        if amount.comparator:
            figure["comparator"] = amount.comparator
        if (nxt is not None and nxt.unit == amount.unit and re.search(r"\bfrom\s*$", quote[:amount.start])
                and re.search(r"\bto\b", quote[amount.end:nxt.start])):
            baseline = {k: v for k, v in figure.items() if k != "unit"}
            figure = {"value": nxt.value, "unit": nxt.unit}
            figure.update({"comparator": nxt.comparator} if nxt.comparator else {})
            figure["baseline"] = baseline
            i += 1
        figures.append(figure)
        i += 1
    return figures


def propose_period(quote: str) -> str | None:
    """The year a quote is about, when it names exactly one."""
    from cqfacts.numbers import find_quantities

    years = {a.value for a in find_quantities(quote) if a.role == "year"}
    return str(years.pop()) if len(years) == 1 else None


def forecast_warning(quote: str, kind: str, published_year: int | None) -> str | None:
    """A warning when a quote given ``kind = result`` reads as a forecast or a target."""
    if kind != "result":
        return None
    marker = _FORECAST_RE.search(quote)
    if marker is None and _WILL_RE.search(quote):
        from cqfacts.numbers import find_quantities

        years = [a.value for a in find_quantities(quote) if a.role == "year"]
        # The machine translation puts past results in the future tense ("in 2023 … will exceed"): "will" is
        # a forecast only when no year before publication is named.
        if not years or (published_year is not None and min(years) >= published_year):
            marker = _WILL_RE.search(quote)
    if marker is None:
        return None
    return (f"the quote reads as a forecast or a target ({marker.group()!r}) but --kind result was given;"
            " use --kind forecast or --kind target unless it reports what happened")
