"""Machine-readable records for reference managers: BibTeX, biblatex, RIS and CSL-JSON.

Each is checked against a real reader (pandoc) in the tests. Field choices follow ../shared/CITATIONS.md:
a web page is ``@misc`` (BibTeX), ``@online`` (biblatex), ``TY  - ELEC`` (RIS, as Zotero writes it) and
``"type": "webpage"`` (CSL-JSON); the other types as ``ENTRY_TYPES`` says.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata

from cqfacts.citation.csl import csl_item, csl_json, csl_title, note
from cqfacts.citation.words import MINOR_WORDS, MONTHS, language_name, sentence_case, title_case
from cqfacts.citation.work import PERIODICALS, WEB, Work
from cqfacts.lazy import Pattern
from cqfacts.model import Author, Source

RIS_EOL = "\r\n"  # the RIS specification's line ending


def _ascii_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z0-9]+", folded)


def citation_key(source: Source) -> str:
    """A key made only from the source's fields, so it never changes between runs or versions.

    Who (the first author's family name; for an organisation, the first part of the curated source id,
    since 'chongqingmunicipalpeoplesgovernment' helps nobody), the year, and the first two words of the
    short title that are not articles, conjunctions or prepositions: ``cqgov2024newchongqing``.
    """
    first = source.authors[0]
    who = "".join(_ascii_words(first.family or "")) if first.is_person else source.id.split("-")[0]
    words = [w for w in _ascii_words(source.short_title or source.title) if w not in MINOR_WORDS]
    year = str(source.issued[0]) if source.issued else "nd"
    return f"{who or 'anon'}{year}{''.join(words[:2])}"


# --- BibTeX and biblatex ------------------------------------------------------------------------------

# Braces as commands, not \{ and \}: BibTeX and biber count every brace, escaped or not, so a lone "{" in a
# title written \{ leaves the field unbalanced and the whole .bib file unreadable.
_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "~": r"\textasciitilde{}",
                  "^": r"\textasciicircum{}"}
_TYPOGRAPHY = {"“": "``", "”": "''", "‘": "`", "’": "'", "—": "---", "–": "--"}
_RUN = Pattern(r"[^\W_]+(?:['’][^\W_]+)*")


def latex(text: str) -> str:
    """Text for a .bib field: the ten special characters escaped, curly quotes and dashes as TeX writes them."""
    return "".join(_LATEX_SPECIAL.get(ch) or _TYPOGRAPHY.get(ch, ch) for ch in text)


def bib_title(stored: str) -> str:
    """A title in title case (BibTeX styles lower what they need) with proper nouns and the subtitle's
    first word braced, so that no style lowers them: ``New {Chongqing} Is … Direction---{A} Panoramic``."""
    sentence, title = sentence_case(stored), title_case(stored)
    out, at = [], 0
    for n, run in enumerate(_RUN.finditer(sentence)):
        if n == 0 or not any(ch.isupper() for ch in run.group()):
            continue
        out.append(latex(title[at:run.start()]) + "{" + latex(title[run.start():run.end()]) + "}")
        at = run.end()
    out.append(latex(title[at:]))
    return "".join(out)


def _bib_names(authors: tuple[Author, ...]) -> str:
    # An organisation in double braces is one name, not 'Government, Chongqing Municipal People's'.
    return " and ".join(latex(f"{a.family}, {a.given}" if a.given else str(a.family)) if a.is_person
                        else "{" + latex(a.display) + "}" for a in authors)


def _bib_record(entry_type: str, key: str, fields: list[tuple[str, str | None]]) -> str:
    lines = [f"@{entry_type}{{{key},"]
    for name, value in fields:
        if value is None:
            continue
        lines.append(f"  {name} = {value},")
    return "\n".join(lines) + "\n}\n"


def _bib_url(url: str | None) -> str | None:
    """A URL for a verbatim .bib field: braces percent-encoded (the same URL), or they would end the field."""
    return None if url is None else url.replace("{", "%7B").replace("}", "%7D")


def _braced(text: str | None) -> str | None:
    return None if text is None else "{" + text + "}"


# CSL type -> (BibTeX entry, biblatex entry, RIS type): the entry types reference managers use for each.
ENTRY_TYPES = {
    "webpage": ("misc", "online", "ELEC"),
    "post": ("misc", "online", "BLOG"),
    "article-newspaper": ("article", "article", "NEWS"),
    "article-magazine": ("article", "article", "MGZN"),
    "article-journal": ("article", "article", "JOUR"),
    "report": ("techreport", "report", "RPRT"),
    "book": ("book", "book", "BOOK"),
    "chapter": ("incollection", "incollection", "CHAP"),
}


def _bib_pages(page: str | None) -> str | None:
    return None if page is None else _braced(latex(re.sub(r"\s*[–-]\s*", "--", page)))


def _bib_text(text: str | None) -> str | None:
    return None if not text else _braced(latex(text))


def _container_fields(work: Work, biblatex: bool) -> list[tuple[str, str | None]]:
    """Where the work appears and who publishes it, in each dialect's field names."""
    container = _braced("{" + latex(work.container) + "}") if work.container else None
    kind = work.type
    fields: list[tuple[str, str | None]] = []
    if kind in WEB:
        fields.append(("organization" if biblatex else "howpublished", container))
    elif kind in PERIODICALS:
        fields.append(("journaltitle" if biblatex else "journal", container))
        if biblatex and kind != "article-journal":
            fields.append(("entrysubtype", "{" + kind.split("-")[1] + "}"))
    elif kind == "chapter":
        fields.append(("booktitle", _braced(bib_title(work.container))))
    if work.editors:
        fields.append(("editor", _braced(_bib_names(work.editors))))
    if kind == "report":
        fields.append(("institution", _bib_text(work.publisher)))
        fields.append(("type", _bib_text(work.genre or "Report")))
    elif kind in ("book", "chapter"):
        fields.append(("publisher", _bib_text(work.publisher)))
    fields += [("location" if biblatex else "address", _bib_text(work.publisher_place)),
               ("edition", _bib_text(work.edition)), ("volume", _bib_text(work.volume)),
               ("number", _bib_text(work.issue if kind in PERIODICALS else work.number)),
               ("pages", _bib_pages(work.page)), ("doi", _braced(_bib_url(work.source.doi))),
               ("isbn", _bib_text(work.isbn))]
    return fields


def bibtex(work: Work) -> str:
    """Classic BibTeX: year and month (the month macro), the day in the note."""
    issued = work.issued
    note_parts = [f"Published {_day_words(issued)}"] if len(issued) == 3 else []
    if work.accessed:
        note_parts.append(f"accessed {_day_words(work.accessed)}")
    if work.source.original_language:
        note_parts.append(f"translated from {language_name(work.source.original_language)}")
    return _bib_record(ENTRY_TYPES[work.type][0], citation_key(work.source), [
        ("author", _braced(_bib_names(work.authors))),
        ("title", _braced(bib_title(work.title))),
        *_container_fields(work, biblatex=False),
        ("year", _braced(str(issued[0])) if issued else None),
        ("month", MONTHS[issued[1] - 1][:3].lower() if len(issued) > 1 else None),  # the month macro, unbraced
        ("url", _braced(_bib_url(work.url))),
        ("note", _braced(latex("; ".join(note_parts))) if note_parts else None),
    ])


def _day_words(day: dt.date | tuple[int, ...]) -> str:
    year, month, date = (day.year, day.month, day.day) if isinstance(day, dt.date) else day
    return f"{date} {MONTHS[month - 1]} {year}"


def _iso(parts: tuple[int, ...]) -> str:
    return "-".join([f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:])])


def biblatex(work: Work) -> str:
    """biblatex: ISO dates (a year or month alone too), langid and origlanguage."""
    original = work.source.original_language
    return _bib_record(ENTRY_TYPES[work.type][1], citation_key(work.source), [
        ("author", _braced(_bib_names(work.authors))),
        ("title", _braced(bib_title(work.title))),
        ("shorttitle", _braced(bib_title(work.short_title))),
        *_container_fields(work, biblatex=True),
        ("date", _braced(_iso(work.issued)) if work.issued else None),
        ("url", _braced(_bib_url(work.url))),
        ("urldate", _braced(work.accessed.isoformat()) if work.accessed else None),
        ("langid", _braced(language_name(work.source.language).lower())),
        ("origlanguage", _braced(language_name(original).lower()) if original else None),
    ])


def ris(work: Work) -> str:
    """RIS as Zotero writes it: one AU per author (an organisation without a comma), A2 for editors."""
    def ris_date(parts: tuple[int, ...]) -> str:
        padded = [f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:])]
        return "/".join(padded + [""] * (4 - len(padded)))

    def name(a: Author) -> str:
        return f"{a.family}, {a.given}" if a.is_person and a.given else a.display

    start, _, end = (work.page or "").replace("—", "–").partition("–") if work.page else ("", "", "")
    accessed = work.accessed
    tags: list[tuple[str, str | None]] = [("TY", ENTRY_TYPES[work.type][2]), ("ID", citation_key(work.source))]
    tags += [("AU", name(a)) for a in work.authors]
    tags += [("A2", name(a)) for a in work.editors]
    tags += [("TI", csl_title(work)), ("ST", work.short_title), ("T2", work.container or None),
             ("PB", work.source.publisher), ("CY", work.publisher_place), ("VL", work.volume),
             ("IS", work.issue if work.type in PERIODICALS else work.number), ("SP", start.strip() or None),
             ("EP", end.strip() or None), ("ET", work.edition), ("M3", work.genre), ("SE", work.section),
             ("DO", work.source.doi), ("SN", work.isbn),
             ("PY", work.year), ("DA", ris_date(work.issued) if work.issued else None), ("LA", work.source.language),
             ("UR", work.url), ("Y2", ris_date((accessed.year, accessed.month, accessed.day)) if accessed else None),
             ("N1", note(work) or None)]
    # One tag a line: a line break inside a value (TOML allows one in a title) would end the field there.
    lines = [f"{tag}  - {' '.join(value.split())}" for tag, value in tags if value is not None]
    return RIS_EOL.join([*lines, "ER  - ", ""])


RECORDS = {"bibtex": bibtex, "biblatex": biblatex, "ris": ris}
MACHINE_STYLES = ("bibtex", "biblatex", "ris", "csl-json")


def record(style: str, work: Work) -> str:
    """One source's record in a machine format (a CSL-JSON record is one item as a JSON object)."""
    if style == "csl-json":
        return json.dumps(csl_item(work, citation_key(work.source)), ensure_ascii=False, indent=2)
    return RECORDS[style](work)


def document(style: str, works: list[Work]) -> str:
    """The whole file for these sources: records one after another, or one CSL-JSON array."""
    if style == "csl-json":
        return csl_json([csl_item(w, citation_key(w.source)) for w in works])
    separator = RIS_EOL if style == "ris" else "\n"
    return separator.join(record(style, w) for w in works)
