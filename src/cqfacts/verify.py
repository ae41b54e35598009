"""Check quotes against the archived text of their source: verbatim, and in the paragraph they cite."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from cqfacts.errors import CqfactsError, Problem
from cqfacts.model import Fact, FactBase, Origin

_DATELINE_RE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\b")
_SPACE_RE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Collapse runs of whitespace to one space: quotes are compared 'whitespace differences aside'."""
    return _SPACE_RE.sub(" ", text).strip()


@dataclass(frozen=True)
class ArchivedText:
    """An archived source: its paragraphs, numbered as fact ``paragraph`` fields count them.

    Paragraph N is the Nth non-empty line after the dateline (the first line that starts with a
    YYYY-MM-DD date); with no dateline, after the title line.
    """

    path: str
    paragraphs: tuple[str, ...]

    @classmethod
    def read(cls, path: str | Path) -> ArchivedText:
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise CqfactsError(f"{path}: cannot read the source text: {exc.strerror or exc}") from None
        text = raw.decode("utf-8-sig", errors="replace")
        lines = text.splitlines()
        start = next((i + 1 for i, line in enumerate(lines) if _DATELINE_RE.match(line)), 1)
        paragraphs = tuple(squash(line) for line in lines[start:] if line.strip())
        return cls(str(path), paragraphs)

    def find(self, quote: str) -> list[int]:
        """The 1-based numbers of the paragraphs that contain the quote."""
        needle = squash(quote)
        return [n for n, para in enumerate(self.paragraphs, start=1) if needle in para]

    def nearest(self, quote: str) -> tuple[int, str]:
        """The paragraph number and passage most like a quote that was not found."""
        from rapidfuzz import fuzz

        needle = squash(quote)
        best = (0.0, 0, "")
        for n, para in enumerate(self.paragraphs, start=1):
            found = fuzz.partial_ratio_alignment(needle, para)
            if found is not None and found.score > best[0]:
                best = (found.score, n, para[found.dest_start:found.dest_end])
        return best[1], best[2]


def sources_for(base: FactBase, archive: ArchivedText, source_id: str | None) -> list[str]:
    """Which sources an archived text belongs to: the one named, else those whose ``archive`` names it."""
    if source_id is not None:
        if source_id not in base.sources:
            known = ", ".join(sorted(base.sources)) or "none"
            raise CqfactsError(f"unknown source {source_id!r}; sources in this fact base: {known}")
        return [source_id]
    name = Path(archive.path).name
    matching = [s.id for s in base.sources.values() if s.archive == name]
    if matching:
        return matching
    if len(base.sources) == 1:
        return list(base.sources)
    raise CqfactsError(f"{archive.path}: no source has archive = {name!r}; name one with --source-id")


def check_quotes(base: FactBase, archive: ArchivedText, source_ids: list[str]) -> list[Problem]:
    """Every quote of these sources must occur verbatim (whitespace aside) in the paragraph it cites."""
    problems: list[Problem] = []
    for fact in base.facts.values():
        if fact.source in source_ids:
            problem = _check_fact(fact, archive)
            if problem:
                problems.append(problem)
    return problems


def _check_fact(fact: Fact, archive: ArchivedText) -> Problem | None:
    origin = fact.origin or Origin("?", 0)
    line = origin.line_of("quote")
    found = archive.find(fact.quote)
    if not found:
        para, passage = archive.nearest(fact.quote)
        hint = f'; nearest passage (paragraph {para}): "{passage}"' if passage else ""
        return Problem(origin.file, line, fact.id, f"quote not found in {Path(archive.path).name}{hint}")
    for n in found:
        if n == fact.paragraph and _context_matches(fact, archive.paragraphs[n - 1]):
            return None
    if fact.paragraph not in found:
        where = ", ".join(map(str, found))
        return Problem(origin.file, origin.line_of("paragraph"), fact.id,
                       f"paragraph is {fact.paragraph} but the quote is in paragraph {where}")
    return Problem(origin.file, origin.line_of("prefix"), fact.id,
                   "prefix/suffix do not match the text around the quote")


def _context_matches(fact: Fact, paragraph: str) -> bool:
    if not fact.prefix and not fact.suffix:
        return True
    needle = (squash(fact.prefix) + " " if fact.prefix else "") + squash(fact.quote)
    needle += (" " + squash(fact.suffix)) if fact.suffix else ""
    return needle in paragraph or needle.replace(" ", "") in paragraph.replace(" ", "")
