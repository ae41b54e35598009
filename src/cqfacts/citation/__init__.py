"""Citations writers can paste: quotation, in-text citation and reference entry for facts, in a style.

Pure functions from the fact base's records to citation parts; printing is the CLI's job. The parts
are ``Styled`` text (italic runs kept), rendered as plain text, Markdown or HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from cqfacts import lazy
from cqfacts.citation.records import MACHINE_STYLES, citation_key, document, record
from cqfacts.citation.styled import Styled
from cqfacts.citation.styles import STYLES, Place, Style
from cqfacts.citation.work import Work
from cqfacts.errors import CqfactsError
from cqfacts.model import Fact, Source

PANDOC = "pandoc"  # pandoc's Markdown citation syntax, [@key, para. 12], for a draft that pandoc renders
STYLE_NAMES = (*STYLES, PANDOC, *MACHINE_STYLES)
DEFAULT_STYLE = "apa"


@lazy.record(frozen=True)
class FactCitation:
    """What a writer pastes for one fact: the quotation and the in-text citation (a note in Chicago)."""

    fact: Fact
    quote: Styled
    in_text: Styled
    number: int  # the number of the fact's source in the reference list
    note: int  # the note number (Chicago): facts are numbered in the order given
    extras: dict[str, Styled] = lazy.field(default_factory=dict)
    passage: Styled = lazy.field(default_factory=Styled)  # quotation and citation as pasted, the full stop after


@lazy.record(frozen=True)
class Reference:
    """One source's entry: a reference list line, or a record in a machine format."""

    source: str
    key: str
    number: int
    entry: Styled


@lazy.record(frozen=True)
class Citations:
    style: str
    citations: list[FactCitation]
    references: list[Reference]
    document: str | None = None  # machine formats: the whole file, ready to save
    notes_style: bool = False  # Chicago notes: each citation is a note on its own line
    combined: Styled | None = None  # pandoc: one citation for all the facts, [@a, paras. 3, 5; @b, para. 2]

    @property
    def machine(self) -> bool:
        return self.document is not None


def check_style(name: str) -> str:
    if name not in STYLE_NAMES:
        raise CqfactsError(f"unknown style {name!r}; choose one of {', '.join(STYLE_NAMES)}")
    return name


def parse_accessed(text: str, today: dt.date | None = None) -> dt.date:
    """--accessed: a date as YYYY-MM-DD, or 'today'."""
    if text.strip().lower() == "today":
        return today or dt.date.today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CqfactsError(f"--accessed {text!r} is not a date; write YYYY-MM-DD or 'today'") from None


def cite(facts: Sequence[Fact], sources: Mapping[str, Source], style: str, url: str | None = None,
         accessed: dt.date | None = None) -> Citations:
    """Cite facts in a style. Several facts from one source share one reference; --url and --accessed
    describe one source, so they need all facts to come from it."""
    check_style(style)
    works = _works(facts, sources, url, accessed)
    order = list(works)
    numbers = {sid: n for n, sid in enumerate(order, 1)}
    if style == PANDOC:
        keys = {sid: citation_key(w.source) for sid, w in works.items()}
        own = [Styled.of(pandoc_citation({keys[f.source]: [f.paragraph]})) for f in facts]
        cites = [FactCitation(f, STYLES["apa"].quotation(f), cited, numbers[f.source], n)
                 for n, (f, cited) in enumerate(zip(facts, own, strict=True), 1)]
        paragraphs: dict[str, list[int]] = {}
        for f in facts:
            paragraphs.setdefault(keys[f.source], []).append(f.paragraph)
        return Citations(style, cites, [], combined=Styled.of(pandoc_citation(paragraphs)))
    if style in MACHINE_STYLES:
        refs = [Reference(sid, citation_key(w.source), numbers[sid], Styled.of(record(style, w)))
                for sid, w in works.items()]
        quotes = [FactCitation(f, Styled.of(f.quote), Styled(), numbers[f.source], n)
                  for n, f in enumerate(facts, 1)]
        return Citations(style, quotes, refs, document(style, list(works.values())))
    chosen: Style = STYLES[style]
    seen: set[str] = set()
    citations = []
    for n, fact in enumerate(facts, 1):
        work = works[fact.source]
        place = Place(number=numbers[fact.source], note=n, first=fact.source not in seen)
        seen.add(fact.source)
        quote, in_text = chosen.quotation(fact), chosen.in_text(work, fact, place)
        citations.append(FactCitation(fact, quote, in_text, place.number, n, chosen.notes(work, fact),
                                      chosen.passage(quote, in_text)))
    refs = [Reference(sid, citation_key(w.source), numbers[sid], chosen.reference(w, numbers[sid]))
            for sid, w in works.items()]
    if not chosen.numbered:
        refs.sort(key=lambda r: _sort_key(r.entry.plain()))
    return Citations(style, citations, refs, notes_style=chosen.notes_style)


def _works(facts: Sequence[Fact], sources: Mapping[str, Source], url: str | None,
           accessed: dt.date | None) -> dict[str, Work]:
    """The facts' sources in order of first citation, with the writer's --url and --accessed."""
    order = list(dict.fromkeys(f.source for f in facts))
    if (url or accessed) and len(order) > 1:
        raise CqfactsError(f"--url and --accessed describe one source, but these facts come from {len(order)}: "
                           f"{', '.join(order)}; cite each source's facts separately")
    return {sid: Work.of(sources[sid], url, accessed) for sid in order}


def cite_csl(facts: Sequence[Fact], sources: Mapping[str, Source], csl: str, parts: Mapping[str, bool],
             fmt: str, url: str | None = None, accessed: dt.date | None = None) -> str:
    """Cite facts in any CSL style (a .csl file or an official style's name) through pandoc's citeproc."""
    from cqfacts.citation.csl import csl_item
    from cqfacts.citation.csl_styles import render

    works = _works(facts, sources, url, accessed)
    keys = {sid: citation_key(w.source) for sid, w in works.items()}
    return render(facts, {sid: csl_item(w, keys[sid]) for sid, w in works.items()}, keys, csl, parts, fmt)


def pandoc_citation(paragraphs: Mapping[str, Sequence[int]]) -> str:
    """pandoc's citation syntax: [@key, para. 12], one source's paragraphs as 'paras. 12, 14', several sources
    joined by ';' in one citation. pandoc's citeproc reads 'para.' and 'paras.' as the paragraph locator."""
    parts = []
    for key, numbers in paragraphs.items():
        unique = sorted(set(numbers))
        parts.append(f"@{key}, {'para.' if len(unique) == 1 else 'paras.'} {', '.join(map(str, unique))}")
    return "[" + "; ".join(parts) + "]"


def bibliography(sources: Sequence[Source], fmt: str) -> str:
    """The file `cqfacts bib` writes: these sources' records in a machine format, for pandoc's --bibliography
    or a reference manager."""
    if fmt not in MACHINE_STYLES:
        raise CqfactsError(f"unknown format {fmt!r}; choose one of {', '.join(MACHINE_STYLES)}")
    return document(fmt, [Work.of(s) for s in sources])


def _sort_key(entry: str) -> str:
    """Reference lists run alphabetically by their first word, leading quotation marks and articles aside."""
    text = entry.lstrip("“‘\"'[").casefold()
    for article in ("the ", "a ", "an "):
        if text.startswith(article):
            return text[len(article):]
    return text


__all__ = [
    "DEFAULT_STYLE",
    "PANDOC",
    "STYLES",
    "STYLE_NAMES",
    "Citations",
    "FactCitation",
    "Reference",
    "Styled",
    "bibliography",
    "check_style",
    "cite",
    "cite_csl",
    "parse_accessed",
]
