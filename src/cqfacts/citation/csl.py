"""CSL-JSON, the data format of the Citation Style Language: what pandoc's citeproc and reference managers
read. Valid against the CSL data schema v1.0 (tests/data/csl-data.json)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from cqfacts.citation.words import language_name, sentence_case
from cqfacts.citation.work import Work
from cqfacts.model import Author

# CSL variable <- the source's field, for what a source gives as it is.
_VARIABLES = (("publisher-place", "publisher_place"), ("volume", "volume"), ("issue", "issue"),
              ("section", "section"), ("edition", "edition"), ("number", "number"), ("genre", "genre"),
              ("DOI", "doi"), ("ISBN", "isbn"), ("original-title", "original_title"))


def csl_title(work: Work) -> str:
    """CSL data holds titles in sentence case: what APA prints, and what title-case styles start from."""
    return sentence_case(work.title)


def note(work: Work) -> str:
    """The translation and the printed time: things no CSL field holds."""
    parts = []
    if work.source.original_language:
        parts.append(f"Translated from {language_name(work.source.original_language)}")
    published = work.source.published
    if isinstance(published, dt.datetime):
        parts.append(f"published at {published:%H:%M} as printed, no time zone given")
    return "; ".join(parts)


def date_parts(day: dt.date | tuple[int, ...]) -> dict[str, Any]:
    parts = [day.year, day.month, day.day] if isinstance(day, dt.date) else list(day)
    return {"date-parts": [parts]}


def csl_name(author: Author) -> dict[str, Any]:
    if not author.is_person:
        return {"literal": author.display}
    name: dict[str, Any] = {k: v for k, v in (("family", author.family), ("given", author.given)) if v}
    if author.family_first:
        name["static-ordering"] = True  # CSL 1.0.2: printed family name first, never inverted
    return name


def csl_item(work: Work, key: str) -> dict[str, Any]:
    """One CSL-JSON item: no time in dates (the schema has none); the publisher only when it is neither the
    site nor the author (official styles print it twice otherwise)."""
    item: dict[str, Any] = {"id": key, "citation-key": key, "type": work.type, "title": csl_title(work),
                            "title-short": work.short_title}
    if work.container:
        item["container-title"] = work.container
    if work.separate_publisher:
        item["publisher"] = work.separate_publisher
    item.update({name: getattr(work.source, field) for name, field in _VARIABLES if getattr(work.source, field)})
    if work.page:
        item["page"] = work.page
    item["author"] = [csl_name(a) for a in work.authors]
    if work.editors:
        item["editor"] = [csl_name(a) for a in work.editors]
    if work.issued:
        item["issued"] = date_parts(work.issued)
    item["language"] = work.source.language
    if work.url:
        item["URL"] = work.url
    if work.accessed:
        item["accessed"] = date_parts(work.accessed)
    if note(work):
        item["note"] = note(work)
    return item


def csl_json(items: list[dict[str, Any]]) -> str:
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
