"""Machine-readable records for reference managers: BibTeX, biblatex, RIS and CSL-JSON.

Each is checked against a real reader (pandoc) in the tests. Field choices follow ../shared/CITATIONS.md:
a web page is ``@misc`` (BibTeX), ``@online`` (biblatex), ``TY  - ELEC`` (RIS, as Zotero writes it) and
``"type": "webpage"`` (CSL-JSON).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from typing import Any

from cqfacts.citation.words import MINOR_WORDS, MONTHS, language_name, sentence_case, title_case
from cqfacts.citation.work import Work
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


def csl_title(work: Work) -> str:
    """CSL data holds titles in sentence case: what APA prints, and what title-case styles start from."""
    return sentence_case(work.title)


def _note(work: Work) -> str:
    """The translation and the printed time: things no CSL field holds."""
    parts = []
    if work.source.original_language:
        parts.append(f"Translated from {language_name(work.source.original_language)}")
    published = work.source.published
    if isinstance(published, dt.datetime):
        parts.append(f"published at {published:%H:%M} as printed, no time zone given")
    return "; ".join(parts)


def _date_parts(day: dt.date) -> dict[str, Any]:
    return {"date-parts": [[day.year, day.month, day.day]]}


def _csl_name(author: Author) -> dict[str, str]:
    if not author.is_person:
        return {"literal": author.display}
    return {k: v for k, v in (("family", author.family), ("given", author.given)) if v}


def csl_item(work: Work) -> dict[str, Any]:
    """One CSL-JSON item (valid against csl-data.json v1.0): no time in dates, the schema has none."""
    key = citation_key(work.source)
    item: dict[str, Any] = {
        "id": key,
        "citation-key": key,
        "type": "webpage",
        "title": csl_title(work),
        "title-short": work.short_title,
        "container-title": work.site,
        "publisher": work.publisher,
        "author": [_csl_name(a) for a in work.authors],
        "issued": _date_parts(work.published),
        "language": work.source.language,
    }
    if work.url:
        item["URL"] = work.url
    if work.accessed:
        item["accessed"] = _date_parts(work.accessed)
    note = _note(work)
    if note:
        item["note"] = note
    return item


def csl_json(works: list[Work]) -> str:
    return json.dumps([csl_item(w) for w in works], ensure_ascii=False, indent=2) + "\n"


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


def bibtex(work: Work) -> str:
    """Classic BibTeX ``@misc``: the site in howpublished, year and month, the day in the note."""
    published = work.published
    note = [f"Published {published.day} {MONTHS[published.month - 1]} {published.year}"]
    if work.accessed:
        note.append(f"accessed {work.accessed.day} {MONTHS[work.accessed.month - 1]} {work.accessed.year}")
    if work.source.original_language:
        note.append(f"translated from {language_name(work.source.original_language)}")
    return _bib_record("misc", citation_key(work.source), [
        ("author", _braced(_bib_names(work.authors))),
        ("title", _braced(bib_title(work.title))),
        ("howpublished", _braced(latex(work.site))),
        ("year", _braced(str(published.year))),
        ("month", MONTHS[published.month - 1][:3].lower()),  # the month macro, unbraced
        ("url", _braced(_bib_url(work.url))),
        ("note", _braced(latex("; ".join(note)))),
    ])


def biblatex(work: Work) -> str:
    """biblatex ``@online``: ISO dates, the site as the organization, langid and origlanguage."""
    original = work.source.original_language
    return _bib_record("online", citation_key(work.source), [
        ("author", _braced(_bib_names(work.authors))),
        ("title", _braced(bib_title(work.title))),
        ("shorttitle", _braced(bib_title(work.short_title))),
        ("organization", _braced("{" + latex(work.site) + "}")),
        ("date", _braced(work.published.isoformat())),
        ("url", _braced(_bib_url(work.url))),
        ("urldate", _braced(work.accessed.isoformat()) if work.accessed else None),
        ("langid", _braced(language_name(work.source.language).lower())),
        ("origlanguage", _braced(language_name(original).lower()) if original else None),
    ])


def ris(work: Work) -> str:
    """RIS as Zotero writes a web page: TY ELEC, one AU per author (an organisation without a comma)."""
    def ris_date(day: dt.date) -> str:
        return f"{day.year:04d}/{day.month:02d}/{day.day:02d}/"

    tags: list[tuple[str, str | None]] = [("TY", "ELEC"), ("ID", citation_key(work.source))]
    tags += [("AU", f"{a.family}, {a.given}" if a.is_person and a.given else a.display) for a in work.authors]
    tags += [("TI", csl_title(work)), ("ST", work.short_title), ("T2", work.site), ("PB", work.publisher),
             ("PY", str(work.published.year)), ("DA", ris_date(work.published)), ("LA", work.source.language),
             ("UR", work.url), ("Y2", ris_date(work.accessed) if work.accessed else None), ("N1", _note(work) or None)]
    # One tag a line: a line break inside a value (TOML allows one in a title) would end the field there.
    lines = [f"{tag}  - {' '.join(value.split())}" for tag, value in tags if value is not None]
    return RIS_EOL.join([*lines, "ER  - ", ""])


RECORDS = {"bibtex": bibtex, "biblatex": biblatex, "ris": ris}
MACHINE_STYLES = ("bibtex", "biblatex", "ris", "csl-json")


def record(style: str, work: Work) -> str:
    """One source's record in a machine format (a CSL-JSON record is one item as a JSON object)."""
    if style == "csl-json":
        return json.dumps(csl_item(work), ensure_ascii=False, indent=2)
    return RECORDS[style](work)


def document(style: str, works: list[Work]) -> str:
    """The whole file for these sources: records one after another, or one CSL-JSON array."""
    if style == "csl-json":
        return csl_json(works)
    separator = RIS_EOL if style == "ris" else "\n"
    return separator.join(record(style, w) for w in works)
