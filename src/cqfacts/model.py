"""The fact base as Python objects: sources, entities and facts, as loaded and validated from TOML."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cqfacts.lazy import field, record


@record(frozen=True)
class Origin:
    """Where an item was read: the file, its table header line and the line of each key."""

    file: str
    line: int
    key_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


@record(frozen=True)
class Author:
    """A name: an organisation, or a person by family and given name. ``family_first``: the name is written
    family name first ("Li Wei": Chinese, Japanese, Korean, Hungarian, Vietnamese) and never inverted."""

    organization: str | None = None
    family: str | None = None
    given: str | None = None
    family_first: bool = False

    @property
    def is_person(self) -> bool:
        return self.organization is None

    @property
    def display(self) -> str:
        """The name in reading order: the organisation, 'Jiaxi Wang', or as written family first, 'Li Wei'."""
        if self.organization:
            return self.organization
        if not self.given:
            return str(self.family)
        return f"{self.family} {self.given}" if self.family_first else f"{self.given} {self.family}"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: v for k, v in (("organization", self.organization), ("family", self.family),
                                                 ("given", self.given)) if v is not None}
        if self.family_first:
            out["family_first"] = True
        return out


# A source's keys besides id, authors and editors, in the order its JSON lists them.
_SOURCE_TEXT_KEYS = ("title", "short_title", "original_title", "container_title", "publisher", "publisher_place",
                     "volume", "issue", "page", "section", "edition", "number", "genre", "doi", "isbn")


@record(frozen=True)
class Source:
    """A document facts are drawn from, in CSL's vocabulary (``type`` is a CSL item type)."""

    id: str
    title: str
    authors: tuple[Author, ...]
    language: str
    type: str = "webpage"
    container_title: str | None = None  # the site, newspaper, magazine, journal or book it appears in
    publisher: str | None = None
    published: dt.date | dt.datetime | str | None = None  # str: only a year ("2024") or month ("2024-03")
    short_title: str | None = None
    original_title: str | None = None
    publisher_place: str | None = None
    volume: str | None = None
    issue: str | None = None
    page: str | None = None
    section: str | None = None
    edition: str | None = None
    number: str | None = None  # a report's number
    genre: str | None = None  # e.g. "Working paper", "Policy brief"
    doi: str | None = None  # alone: 10.1234/abc
    isbn: str | None = None
    editors: tuple[Author, ...] = ()
    original_language: str | None = None
    url: str | None = None
    accessed: dt.date | None = None
    archive: str | None = None
    sha256: str | None = None
    note: str | None = None
    origin: Origin | None = field(default=None, compare=False, repr=False)

    @property
    def site(self) -> str | None:
        """The older name of container_title (a web page's site)."""
        return self.container_title

    @property
    def published_date(self) -> dt.date | None:
        """The day of publication, when the source gives one (not only a year or month)."""
        if isinstance(self.published, dt.datetime):
            return self.published.date()
        return self.published if isinstance(self.published, dt.date) else None

    @property
    def issued(self) -> tuple[int, ...]:
        """(year,), (year, month) or (year, month, day) as printed; () for an undated source."""
        if self.published is None:
            return ()
        if isinstance(self.published, str):
            return tuple(int(p) for p in self.published.split("-"))
        day = self.published_date
        assert day is not None
        return (day.year, day.month, day.day)

    @property
    def published_text(self) -> str:
        """The publication date as written in the fact base (ISO), or "" for an undated source."""
        if self.published is None:
            return ""
        return self.published if isinstance(self.published, str) else self.published.isoformat()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "type": self.type}
        out.update({key: getattr(self, key) for key in _SOURCE_TEXT_KEYS})
        out["site"] = self.container_title  # the older name, kept for scripts that read it
        out["authors"] = [a.to_json() for a in self.authors]
        if self.editors:
            out["editors"] = [a.to_json() for a in self.editors]
        out.update({
            "published": self.published_text or None,
            "language": self.language,
            "original_language": self.original_language,
            "url": self.url,
            "accessed": self.accessed.isoformat() if self.accessed else None,
            "archive": self.archive,
            "sha256": self.sha256,
            "note": self.note,
        })
        return {k: v for k, v in out.items() if v is not None}


@record(frozen=True)
class Entity:
    id: str
    name: str
    printed: str | None = None
    aliases: tuple[str, ...] = ()
    type: str | None = None
    note: str | None = None
    origin: Origin | None = field(default=None, compare=False, repr=False)

    @property
    def names(self) -> tuple[str, ...]:
        """Every name this entity is known by: the real name, the printed one, the aliases."""
        seen = dict.fromkeys([self.name, *([self.printed] if self.printed else []), *self.aliases])
        return tuple(seen)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name, "printed": self.printed,
                               "aliases": list(self.aliases), "type": self.type}
        return {k: v for k, v in out.items() if v is not None}


@record(frozen=True)
class Term:
    """A concept of the terms table: its preferred term, the other words people use for it (abbreviations and
    Chinese included), and links to broader and narrower concepts (term or entity ids), for search."""

    id: str
    preferred: str
    variants: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    narrower: tuple[str, ...] = ()
    note: str | None = None
    origin: Origin | None = field(default=None, compare=False, repr=False)

    @property
    def names(self) -> tuple[str, ...]:
        """The preferred term, then its variants."""
        return tuple(dict.fromkeys([self.preferred, *self.variants]))


@record(frozen=True)
class Speaker:
    name: str
    role: str | None = None
    organization: str | None = None

    def to_json(self) -> dict[str, str]:
        return {k: v for k, v in (("name", self.name), ("role", self.role),
                                  ("organization", self.organization)) if v is not None}


@record(frozen=True)
class Quantity:
    value: float | int
    comparator: str | None = None
    period: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in (("value", self.value), ("comparator", self.comparator),
                                  ("period", self.period)) if v is not None}


@record(frozen=True)
class Figure:
    value: float | int
    unit: str
    comparator: str | None = None
    measure: str | None = None
    baseline: Quantity | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "unit": self.unit, "comparator": self.comparator,
                               "measure": self.measure,
                               "baseline": self.baseline.to_json() if self.baseline else None}
        return {k: v for k, v in out.items() if v is not None}

    @property
    def display(self) -> str:
        """A short human form: 'more than 500,000 vehicles', 'about 30% → more than 50%', 'US$22.25 million'."""
        text = _COMPARATOR_WORDS.get(self.comparator or "exactly", "") + _with_unit(self.value, self.unit)
        if self.baseline:
            base = self.baseline
            # The baseline shares the unit: repeat it only where it is part of the number ("30%", "US$5").
            start = _with_unit(base.value, self.unit) if self.unit in ("percent", "usd") else format_number(base.value)
            text = f"{_COMPARATOR_WORDS.get(base.comparator or 'exactly', '')}{start} → {text}"
        return text


def _with_unit(value: float | int, unit: str) -> str:
    number = format_number(value)
    if unit == "percent":
        return f"{number}%"
    if unit == "usd":
        return f"US${number}"
    if unit == "count":  # a bare count ("three major systems"): the measure says what is counted
        return number
    # Units are written as plurals ("years", "satellites"); one of them reads "about 1 year".
    if value == 1 and unit.endswith("s") and len(unit) > 3:
        unit = unit[:-1]
    return f"{number} {unit}"


_COMPARATOR_WORDS = {"exactly": "", "about": "about ", "more-than": "more than ", "at-least": "at least ",
                     "less-than": "less than ", "up-to": "up to "}


def format_number(value: float | int) -> str:
    """Group digits and spell out large round amounts: 76900000000 -> '76.9 billion'."""
    for size, word in ((10**12, "trillion"), (10**9, "billion"), (10**6, "million")):
        if abs(value) >= size:
            scaled = value / size
            return f"{scaled:,.4f}".rstrip("0").rstrip(".") + f" {word}"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,}"
    return f"{int(value):,}"


@record(frozen=True)
class Fact:
    id: str
    statement: str
    quote: str
    source: str
    paragraph: int
    kind: str
    prefix: str | None = None
    suffix: str | None = None
    speaker: Speaker | None = None
    period: str | None = None
    date: dt.date | None = None
    figures: tuple[Figure, ...] = ()
    tags: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    note: str | None = None
    origin: Origin | None = field(default=None, compare=False, repr=False)

    @property
    def when(self) -> str:
        """The time the fact is about, for display: its date, else its period."""
        return self.date.isoformat() if self.date else (self.period or "")

    @property
    def years(self) -> frozenset[int]:
        """Every calendar year the fact is about (a period range covers each year in it)."""
        if self.date:
            return frozenset({self.date.year})
        if not self.period:
            return frozenset()
        start, _, end = self.period.partition("/")
        first, last = int(start[:4]), int((end or start)[:4])
        return frozenset(range(first, last + 1))


@record
class FactBase:
    """All sources, entities and facts of one or more TOML files, cross-checked."""

    sources: dict[str, Source]
    entities: dict[str, Entity]
    facts: dict[str, Fact]
    files: tuple[str, ...] = ()
    # The terms table (concepts and synonyms for search): a plain dict of small frozen records, cheap to cache.
    terms: dict[str, Term] = field(default_factory=dict)

    def fact_json(self, fact: Fact) -> dict[str, Any]:
        """The documented JSON form of a fact (fields may be added, never renamed or removed)."""
        out: dict[str, Any] = {
            "id": fact.id,
            "statement": fact.statement,
            "quote": fact.quote,
            "source": fact.source,
            "paragraph": fact.paragraph,
            "kind": fact.kind,
            "period": fact.period,
            "date": fact.date.isoformat() if fact.date else None,
            "speaker": fact.speaker.to_json() if fact.speaker else None,
            "figures": [f.to_json() for f in fact.figures],
            "tags": list(fact.tags),
            "entities": [self.entities[e].to_json() for e in fact.entities if e in self.entities],
            "note": fact.note,
        }
        return out

    def select(self, *, tag: list[str] | None = None, kind: list[str] | None = None,
               year: list[int] | None = None, source: list[str] | None = None,
               entity: list[str] | None = None) -> list[Fact]:
        """Facts that pass every filter given (values within one filter are alternatives), in file order."""
        wanted_entities = {self.entity_id(e) for e in entity} if entity else None
        out = []
        for fact in self.facts.values():
            if tag and not set(tag) & set(fact.tags):
                continue
            if kind and fact.kind not in kind:
                continue
            if year and not set(year) & fact.years:
                continue
            if source and fact.source not in source:
                continue
            if wanted_entities is not None and not wanted_entities & set(fact.entities):
                continue
            out.append(fact)
        return out

    def entity_id(self, name: str) -> str:
        """An entity id from its id or any of its names, case-insensitively; the input when none matches."""
        if name in self.entities:
            return name
        folded = name.casefold()
        for entity in self.entities.values():
            if any(n.casefold() == folded for n in entity.names):
                return entity.id
        return name
