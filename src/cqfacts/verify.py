"""Check quotes against the archived text of their source: verbatim, and in the paragraph they cite.

The archive layout (what ``cqfacts source add`` writes, and how ``paragraph`` fields count): the first
line is the title; the next non-empty line is the dateline when it starts with a YYYY-MM-DD date; every
non-empty line after that (after the title when there is no dateline) is one paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from cqfacts.curate.quotefind import difference, nearest, squash
from cqfacts.errors import CqfactsError, Problem
from cqfacts.model import Fact, FactBase, Origin, Source

DATELINE_RE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\b")
MAX_SOURCE_BYTES = 20 * 2**20

__all__ = ["ArchivedText", "archive_path", "check_archives", "check_quotes", "squash"]


@dataclass(frozen=True)
class ArchivedText:
    """An archived source: its paragraphs (as written, and squashed), numbered as ``paragraph`` counts them."""

    path: str
    paragraphs: tuple[str, ...]  # whitespace runs squashed, for comparing
    lines: tuple[str, ...] = ()  # each paragraph as the archive writes it
    title: str = ""
    dateline: str = ""
    sha256: str = ""  # of the file's bytes

    @classmethod
    def read(cls, path: str | Path) -> ArchivedText:
        """Read an archive (a regular file of at most 20 MB: a pipe or /dev/zero is refused, never waited on)."""
        from cqfacts.loader import read_bytes

        try:
            raw = read_bytes(Path(path), limit=MAX_SOURCE_BYTES, what="a source text",
                             too_big="too big for a source text")
        except OSError as exc:
            raise CqfactsError(f"{path}: cannot read the source text: {exc.strerror or exc}") from None
        import hashlib
        from dataclasses import replace

        archive = cls.from_text(str(path), raw.decode("utf-8-sig", errors="replace"))
        return replace(archive, sha256=hashlib.sha256(raw).hexdigest())

    @classmethod
    def from_text(cls, path: str, text: str) -> ArchivedText:
        lines = text.splitlines()
        first = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
        start, dateline = first + 1, ""
        following = next((i for i in range(first + 1, len(lines)) if lines[i].strip()), None)
        if following is not None and DATELINE_RE.match(lines[following]):
            start, dateline = following + 1, lines[following].strip()
        body = tuple(line.strip() for line in lines[start:] if line.strip())
        title = lines[first].strip() if first < len(lines) else ""
        return cls(path, tuple(squash(line) for line in body), body, title, dateline)

    def find(self, quote: str) -> list[int]:
        """The 1-based numbers of the paragraphs that contain the quote verbatim (whitespace aside)."""
        needle = squash(quote)
        return [n for n, para in enumerate(self.paragraphs, start=1) if needle in para]


def archive_path(source: Source) -> Path | None:
    """Where a source's ``archive`` is: relative to the file that defines the source."""
    if not source.archive:
        return None
    folder = Path(source.origin.file).parent if source.origin else Path.cwd()
    return folder / source.archive


def sources_for(base: FactBase, archive: ArchivedText, source_id: str | None, guess: bool = True) -> list[str]:
    """Which sources an archived text belongs to: the one named, else those whose ``archive`` has its file name,
    else (``guess``) the only source there is."""
    if source_id is not None:
        if source_id not in base.sources:
            known = ", ".join(sorted(base.sources)) or "none"
            raise CqfactsError(f"unknown source {source_id!r}; sources in this fact base: {known}")
        return [source_id]
    name = Path(archive.path).name
    matching = [s.id for s in base.sources.values() if s.archive and Path(s.archive).name == name]
    if matching:
        return matching
    if guess and len(base.sources) == 1:
        return list(base.sources)
    raise CqfactsError(f"{archive.path}: no source has archive = {name!r}; name one with --source-id")


def check_archives(base: FactBase, texts: list[Path], source_id: str | None = None,
                   quiet_unmatched: bool = False) -> tuple[list[Problem], list[str]]:
    """Check every source's quotes: against the texts named (``--source``), else against its own archive.

    Returns the problems and the archives read. ``quiet_unmatched``: a text no source claims is passed over
    (the base has problems of its own, which say why: a TOML syntax error hides every source).
    """
    if source_id is not None and len(texts) != 1:
        raise CqfactsError("--source-id names the source of one --source text; give exactly one --source")
    problems: list[Problem] = []
    checked: list[str] = []
    covered: set[str] = set()
    for path in texts:
        archive = ArchivedText.read(path)
        try:
            # A base with problems may have lost the source the text belongs to: guess nothing then.
            ids = sources_for(base, archive, source_id, guess=not quiet_unmatched)
        except CqfactsError:
            if quiet_unmatched:
                continue
            raise
        covered.update(ids)
        problems += check_quotes(base, archive, ids)
        checked.append(str(path))
    for source in base.sources.values():
        path = archive_path(source)
        if path is None or source.id in covered:
            continue
        origin = source.origin or Origin("?", 0)
        if not path.exists():
            problems.append(Problem(origin.file, origin.line_of("archive"), f"sources.{source.id}",
                                    f"archive {source.archive!r} not found at {path}; put the text there"
                                    " (cqfacts source add) or check with --source FILE", severity="warning"))
            continue
        try:
            archive = ArchivedText.read(path)
        except CqfactsError as exc:
            problems.append(Problem(origin.file, origin.line_of("archive"), f"sources.{source.id}", str(exc)))
            continue
        if source.sha256 and source.sha256 != archive.sha256:
            problems.append(Problem(origin.file, origin.line_of("sha256"), f"sources.{source.id}",
                                    f"{path} has changed since its sha256 was recorded; if the change is meant,"
                                    f" record sha256 = \"{archive.sha256}\"", severity="warning"))
        problems += check_quotes(base, archive, [source.id])
        checked.append(str(path))
    return problems, checked


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
        para, passage = nearest(archive.paragraphs, fact.quote)
        hint = (f'; nearest passage (paragraph {para}): "{passage}"; {difference(fact.quote, passage)}'
                if passage else "")
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
