"""Citations in a draft: pandoc's ``[@key, para. 12]`` and ``@key``, and the in-text forms ``cqfacts cite`` prints.

A pandoc key is a source's citation key (``cqgov2024newchongqing``, see ``cqfacts.citation.records``) or its
id; an in-text citation names a source's author, publisher or (short) title, as in
``(Chongqing Municipal People’s Government, 2024, para. 21)`` (APA), ``(“New Chongqing”)`` (MLA) or
``(Chongqing Municipal People’s Government 2024)`` (Chicago author-date). A parenthesis that looks like
an author and a year but names no source of the base is a citation of a source the base does not hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cqfacts.model import FactBase
from cqfacts.normalize import fold


@dataclass(frozen=True)
class Citation:
    """A citation in the draft: where, as written, the source it names (None: not in the base), paragraphs."""

    start: int
    end: int
    text: str
    cited: str  # the key or the name as written
    source: str | None
    paragraphs: tuple[int, ...] = ()


_BRACKETED_RE = re.compile(r"\[(?P<body>[^\[\]\n]*(?<![\w.])-?@[^\[\]\n]*)\](?!\()")
_ITEM_RE = re.compile(r"(?<![\w.])-?@(?P<key>\{[^}\n]+\}|[\w][\w:.#$%&+?<>~/-]*)(?P<rest>[^;]*)")
_BARE_RE = re.compile(r"(?<![\w.@\[])-?@(?P<key>\{[^}\n]+\}|[A-Za-z_][\w:.#$%&+?<>~/-]*)"
                      r"(?:\s*\[(?P<rest>[^\[\]\n]*)\])?")
_PAREN_RE = re.compile(r"\((?P<body>[^()\n]{2,300})\)")
_LOCATOR_RE = re.compile(r"(?:\b(?:paragraphs?|paras?|par)\b\.?|¶¶?)\s*(?P<list>\d+(?:\s*(?:[-–—,&]|and|to)\s*\d+)*)",
                         re.IGNORECASE)
_AUTHOR_YEAR_RE = re.compile(r"^(?:see |cf\. |e\.g\., )?(?P<who>[A-Z][^\d(),;]{1,80}?),?\s+(?:\d{4}[a-z]?|n\.d\.)\b")
# Words that start a parenthesis with a year in it without being an author: "(in 2023, ...)".
_NOT_AUTHORS = frozenset({"in", "by", "since", "from", "until", "as", "before", "after", "during", "around", "about",
                          "circa", "up", "early", "late", "mid", "end", "the", "a", "an", "and", "or", "for", "of",
                          "between", "fy", "q1", "q2", "q3", "q4", "h1", "h2", "jan", "january", "feb", "february",
                          "march", "april", "may", "june", "july", "august", "september", "october", "november",
                          "december", "spring", "summer", "autumn", "fall", "winter", "year", "ending", "through"})
_LEFTOVER_RE = re.compile(r"\b(?:\d{4}[a-z]?|n\.d\.|see|cf|e\.g|also|and|et al)\b|[^\w\s]")


def paragraph_locators(text: str) -> tuple[int, ...]:
    """The paragraphs a locator names: "para. 12" → (12,), "paras. 12–14" → (12, 13, 14), "¶ 3, 5" → (3, 5)."""
    found: list[int] = []
    for m in _LOCATOR_RE.finditer(text):
        for part in re.split(r"\s*(?:,|&|\band\b)\s*", m.group("list")):
            ends = [int(n) for n in re.findall(r"\d+", part)[:2]]
            if len(ends) == 2 and 0 <= ends[1] - ends[0] < 200:
                found.extend(range(ends[0], ends[1] + 1))
            else:
                found.extend(ends)
    return tuple(dict.fromkeys(found))


def _keys(base: FactBase) -> dict[str, str]:
    from cqfacts.citation.records import citation_key

    keys = {source_id: source_id for source_id in base.sources}
    keys.update({citation_key(source): source.id for source in base.sources.values()})
    return keys


def _names(base: FactBase) -> list[tuple[str, str]]:
    """(folded name, source id) for every name a source is cited by, longest first."""
    names = []
    for source in base.sources.values():
        for name in (source.title, source.short_title, source.publisher, *(a.display for a in source.authors)):
            if name and len(name) > 3:
                names.append((fold(name), source.id))
        for author in source.authors:
            if author.is_person and author.family:
                names.append((fold(author.family), source.id))
    return sorted(set(names), key=lambda row: -len(row[0]))


def find_citations(text: str, base: FactBase) -> list[Citation]:
    """Every citation in a draft, in reading order."""
    keys = _keys(base) if "@" in text else {}
    found: list[Citation] = []
    taken: list[tuple[int, int]] = []
    for m in _BRACKETED_RE.finditer(text):
        taken.append(m.span())
        for item in _ITEM_RE.finditer(m.group("body")):
            key = item.group("key").strip("{}").rstrip(":.#$%&-+?<>~/")
            found.append(Citation(m.start(), m.end(), m.group(), key, keys.get(key),
                                  paragraph_locators(item.group("rest"))))
    for m in _BARE_RE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        key = m.group("key").strip("{}").rstrip(":.#$%&-+?<>~/")
        end = m.end() if m.group("rest") is not None else m.start() + m.group().index("@") + 1 + len(key)
        taken.append((m.start(), end))
        found.append(Citation(m.start(), end, text[m.start():end], key, keys.get(key),
                              paragraph_locators(m.group("rest") or "")))
    names = _names(base)
    for m in _PAREN_RE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        citation = _in_text(m, names)
        if citation:
            found.append(citation)
    return sorted(found, key=lambda c: c.start)


def _in_text(m: re.Match[str], names: list[tuple[str, str]]) -> Citation | None:
    body = m.group("body")
    folded = fold(body)
    paragraphs = paragraph_locators(body)
    rest = _LOCATOR_RE.sub(" ", folded)
    for name, source_id in names:
        if name in rest:
            leftover = _LEFTOVER_RE.sub(" ", rest.replace(name, " ")).split()
            if len(leftover) <= 2:
                return Citation(m.start(), m.end(), m.group(), body.strip(), source_id, paragraphs)
    who = _AUTHOR_YEAR_RE.match(body.strip())
    words = _LEFTOVER_RE.sub(" ", _LOCATOR_RE.sub(" ", body)).split()
    if who and who.group("who").split()[0].casefold() not in _NOT_AUTHORS and len(words) <= 8:
        return Citation(m.start(), m.end(), m.group(), who.group("who").strip(), None, paragraphs)
    return None
