"""What a build's worker makes of one file of facts: its facts read piece by piece, checked, indexed in chunks.

A file holding only facts (``facts_only``) is split at its ``[facts.ID]`` headers into pieces of at most
``CHUNK_FACTS`` facts, each parsed (rtoml) and checked on its own, so a worker never holds more than a
chunk's facts as objects; each chunk comes back as compact parts (encoded records, postings arrays, ids).
The facts' sources and entities are looked up in the tables of the base's other files, which each worker
reads once (checking they are the bytes the build parsed). Anything unusual (a parse error, a problem,
an unknown reference, a table where only facts were expected) gives None: the build then reads the base
as ``loader.load`` does, for the exact messages.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cqfacts.cache import freshness
from cqfacts.cache.postings import chunk_postings
from cqfacts.cache.records import encode
from cqfacts.cache.storage import groups

# A line that could open a table other than a fact's, and what may come before a file's first table.
_OTHER_TABLE_RE = re.compile(rb"^[ \t]*\[(?!\[?facts\.)", re.M)
_TABLE_RE = re.compile(rb"^[ \t]*\[", re.M)
_PREAMBLE_RE = re.compile(rb"(?:\xef\xbb\xbf)?(?:[ \t]*(?:#[^\n]*)?\r?\n|[ \t]*schema_version[ \t]*=[ \t]*[0-9]+"
                          rb"[ \t]*(?:#[^\n]*)?\r?\n)*")
# Where a file may be cut: a fact's own header, alone on its line.
_FACT_HEADER_RE = re.compile(rb"^\[facts\.[a-z0-9-]+\][ \t]*\r?$", re.M)

_TABLES: dict[tuple[tuple[str, str], ...], tuple[dict[str, Any], frozenset[str]] | None] = {}


def facts_only(raw: bytes) -> bool:
    """Whether a file looks like it holds nothing but facts (and its schema_version): a cheap look at its
    lines, checked again when each piece is parsed."""
    if _OTHER_TABLE_RE.search(raw):
        return False
    first = _TABLE_RE.search(raw)
    preamble = raw[:first.start()] if first else raw
    return _PREAMBLE_RE.fullmatch(preamble) is not None


def pieces(raw: bytes, size: int) -> Iterator[bytes]:
    """The file cut before every ``size``-th fact header: pieces of at most ``size`` facts each."""
    cuts = [m.start() for m in _FACT_HEADER_RE.finditer(raw)][size::size]
    for start, end in zip([0, *cuts], [*cuts, len(raw)], strict=True):
        yield raw[start:end]


def tables(files: tuple[tuple[str, str], ...]) -> tuple[dict[str, Any], frozenset[str]] | None:
    """The entities and source ids of the base's files of tables ((path, sha256) pairs), read once per
    process; None when a file is no longer what the build parsed, or not clean."""
    if files not in _TABLES:
        _TABLES.clear()
        _TABLES[files] = _read_tables(files)
    return _TABLES[files]


def _read_tables(files: tuple[tuple[str, str], ...]) -> tuple[dict[str, Any], frozenset[str]] | None:
    from cqfacts.checker import check_document
    from cqfacts.loader import read_bytes
    from cqfacts.toml_text import LineIndex, parse_fast

    entities: dict[str, Any] = {}
    sources: set[str] = set()
    for path, digest in files:
        try:
            raw = read_bytes(Path(path))
        except OSError:
            return None
        fast = parse_fast(raw) if freshness.digest(raw) == digest else None
        if fast is None:
            return None
        items, _, problems = check_document(path, *fast, lines=LineIndex(""))
        if problems:
            return None
        entities.update(items["entities"])
        sources.update(items["sources"])
    return entities, frozenset(sources)


def read_facts(file: Path, named: bool, table_files: tuple[tuple[str, str], ...], size: int
               ) -> tuple[freshness.Stamp, list[dict[str, Any]]] | None:
    """A file of facts as chunks of at most ``size`` facts (``chunk``'s parts), with the stamp of the bytes
    parsed; None when anything is unusual (the build then reads the base the slow way)."""
    from cqfacts.checker import check_document
    from cqfacts.loader import read_bytes
    from cqfacts.toml_text import LineIndex, parse_fast

    known = tables(table_files)
    if known is None:
        return None
    entities, sources = known
    try:
        raw, stamp = freshness.read_stamped(file, named, read_bytes)
    except OSError:
        return None
    if not facts_only(raw):
        return None
    chunks: list[dict[str, Any]] = []
    facts: list[Any] = []
    version = None
    for n, piece in enumerate(pieces(raw, size)):
        fast = parse_fast(piece)
        if fast is None:
            return None
        text, data = fast
        if n == 0:
            version = data.get("schema_version")
        elif "schema_version" not in data:
            data["schema_version"] = version
        if not data.keys() <= {"schema_version", "facts"}:
            return None
        items, refs, problems = check_document(str(file), text, data, lines=LineIndex(""))
        if problems or any((r.source is not None and r.source not in sources)
                           or not entities.keys() >= set(r.entities) for r in refs):
            return None
        facts += items["facts"].values()
        del fast, text, data, items, refs, piece  # a chunk's facts as objects, never the file's
        while len(facts) >= size:
            chunks.append(chunk(entities, facts[:size]))
            del facts[:size]
    if facts:
        chunks.append(chunk(entities, facts))
    return stamp, chunks


def chunk(entities: dict[str, Any], facts: list[Any]) -> dict[str, Any]:
    """The parts of the cache file that hold these facts: records, ids, index (fact numbers from the first)."""
    from cqfacts.model import FactBase
    from cqfacts.search import build_index

    index = build_index(FactBase(sources={}, entities=entities, facts={}), facts)
    return {"records": groups([encode(fact) for fact in facts]), "ids": "\n".join(index.ids).encode("utf-8"),
            "fields": index.fields, "lengths": array("I", index.lengths), "words": index.words,
            **chunk_postings(index)}


def forget() -> None:
    """Drop the tables read by ``tables`` (a build in this process is over)."""
    _TABLES.clear()
