"""What a build's worker makes of one chunk of a file of facts: its facts parsed, checked and indexed.

A file holding only facts (``fact_headers`` counts them) is cut at its ``[facts.ID]`` headers: chunk k of
it is facts [k * size, (k + 1) * size), parsed (rtoml), checked and indexed a thousand facts at a time, so
a worker holds a thousand facts as objects and a chunk's postings as flat arrays; it comes back as compact
parts (encoded records, postings arrays, ids). The facts' sources and entities are looked up in the tables of the base's
other files (``Tables``, sent along). Anything unusual (a parse error, a problem, an unknown reference, a
table where only facts were expected) gives None: the build then reads the base as ``loader.load`` does,
for the exact messages.
"""

from __future__ import annotations

import json
import os
import re
from array import array
from itertools import chain, pairwise
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

from cqfacts.cache import freshness
from cqfacts.cache.postings import Flat, chunk_postings
from cqfacts.cache.records import encode, encode_json
from cqfacts.cache.storage import groups

PARSE_FACTS = 1_000  # facts parsed at a time: rtoml's document of them takes about 12 MB
# A line that could open a table other than a fact's, and what may come before a file's first table.
_OTHER_TABLE_RE = re.compile(rb"^[ \t]*\[(?!\[?facts\.)", re.M)
_TABLE_RE = re.compile(rb"^[ \t]*\[", re.M)
_PREAMBLE_RE = re.compile(rb"(?:\xef\xbb\xbf)?(?:[ \t]*(?:#[^\n]*)?\r?\n|[ \t]*schema_version[ \t]*=[ \t]*[0-9]+"
                          rb"[ \t]*(?:#[^\n]*)?\r?\n)*")
# Where a file may be cut: a fact's own header, alone on its line.
_FACT_HEADER_RE = re.compile(rb"^\[facts\.[a-z0-9-]+\][ \t]*\r?$", re.M)
# A line that may open a table: the regular expressions above are tried only where one starts (found by
# its newline, which the engine seeks fast; run over the whole file, they took 0.1 s per 4 MB).
_BRACKET_LINE_RE = re.compile(rb"\n[ \t]*\[")


class Named(NamedTuple):
    """What indexing reads of an entity (``search.build_index``: its names)."""

    name: str
    printed: str | None
    aliases: tuple[str, ...]


class Tables(NamedTuple):
    """What a worker needs of the base's tables: each entity's names, and the ids of the sources."""

    entities: dict[str, Named]
    sources: frozenset[str]


def tables(base: Any) -> Tables:
    return Tables({k: Named(e.name, e.printed, e.aliases) for k, e in base.entities.items()}, frozenset(base.sources))


class Sent(NamedTuple):
    """The tables as each chunk's task carries them to a worker: encoded once by the build (``sent``, JSON: data
    only), decoded once by each worker (``_received``). As objects, each task's pickling and unpickling cost
    0.2 and 0.4 s at 50,000 entities, for each of a million-fact base's hundred chunks."""

    key: int  # tells one reading of the tables from another
    tables: bytes


def sent(known: Tables) -> Sent:
    text = encode_json([known.entities, sorted(known.sources)])
    return Sent(int.from_bytes(os.urandom(8), "little"), text.encode("utf-8"))


def _decoded(data: bytes) -> Tables:
    entities, sources = json.loads(data)
    return Tables({k: Named(name, printed, tuple(aliases)) for k, (name, printed, aliases) in entities.items()},
                  frozenset(sources))


class Shared(NamedTuple):
    """What every chunk of a base works out of its entities alike: each entity's place in the tables (which gives
    its fields' codes, ``postings.Flat``) and what naming it adds to a fact (``search.entities_texts``: its terms,
    in its fields)."""

    numbers: dict[str, int]
    texts: dict[str, list[tuple[float, int, tuple[str, ...]]]]


def shared(entities: dict[str, Any]) -> Shared:
    """Worked out all at once, before any chunk: what lives on through a worker's chunks is then not scattered
    among what each chunk makes and drops (a worker's memory grew by 170 MB over 50 chunks when its
    entities' terms were kept as met). Once a worker, not once a chunk: a chunk of 10,000 facts of a base of
    50,000 entities names about 15,000 of them."""
    from cqfacts.model import FactBase
    from cqfacts.search import entities_texts

    numbers = {entity_id: n for n, entity_id in enumerate(entities)}
    return Shared(numbers, entities_texts(FactBase(sources={}, entities=entities, facts={}), Flat(numbers)))


# A worker's tables of one key, and their ``Shared``: worked out once, not once per chunk (a chunk of a base
# of 50,000 entities names about 15,000 of them).
_RECEIVED: dict[int, tuple[Tables, Shared]] = {}


def _received(tables: Sent) -> tuple[Tables, Shared]:
    found = _RECEIVED.get(tables.key)
    if found is None:
        _RECEIVED.clear()
        known = _decoded(tables.tables)
        found = _RECEIVED[tables.key] = (known, shared(known.entities))
    return found


def fact_headers(raw: bytes) -> list[int] | None:
    """Where each fact's header starts, when a file looks like it holds nothing but facts (and its
    schema_version): a cheap look at its lines, checked again as each piece is parsed. Else None."""
    first = _TABLE_RE.search(raw)
    if first is None or _PREAMBLE_RE.fullmatch(raw, 0, first.start()) is None:
        return None
    other, header = _OTHER_TABLE_RE.match, _FACT_HEADER_RE.match
    headers = []
    for at in chain([0], map(_after_newline, _BRACKET_LINE_RE.finditer(raw))):
        if other(raw, at):
            return None
        if header(raw, at):
            headers.append(at)
    return headers or None


def _after_newline(match: re.Match[bytes]) -> int:
    return match.start() + 1


class Plan(NamedTuple):
    """Where a file of facts is cut (``plan``), worked out once from its bytes; each chunk's worker reads only
    the preamble and its own chunk, and uses the plan when they hash as they did (``regions``), else reads the
    file whole and works it out again from its own bytes."""

    digest: str  # the hash (freshness.digest) of the bytes the plan was made from
    facts: int
    preamble: int  # where the first fact's header starts: what comes before holds only the schema version
    chunks: list[list[int]]  # each chunk's cuts: where each of its pieces starts, and where it ends
    size: int  # of the file
    # Each chunk's hash: of the preamble and the chunk, one after the other (the file's own for a single chunk).
    regions: list[str]


def plan(raw: bytes, digest: str, size: int) -> Plan | None:
    """How a file of facts is cut into chunks of ``size`` facts and pieces of ``PARSE_FACTS``; None for a file
    that is not a file of facts only (``fact_headers``)."""
    headers = fact_headers(raw)
    if headers is None:
        return None
    ends = [*headers[size::size], len(raw)]
    cuts = [[*headers[k * size:(k + 1) * size:PARSE_FACTS], end] for k, end in enumerate(ends)]
    preamble = raw[:headers[0]]
    regions = [digest] if len(cuts) == 1 else [freshness.digest(preamble, raw[c[0]:c[-1]]) for c in cuts]
    return Plan(digest, len(headers), headers[0], cuts, len(raw), regions)


def read_chunk(file: Path, named: bool, k: int, size: int, tables: Sent, first: int, planned: Plan | None = None
               ) -> tuple[freshness.Stamp, int, dict[str, Any]] | None:
    """Chunk ``k`` of a file of facts (``chunk``'s parts, its facts numbered from ``first``), the stamp of the
    bytes it was cut from and how many chunks those bytes hold; None when anything is unusual (the build then
    reads the base the slow way). ``planned``: the file's plan, used if it was made from the same bytes."""
    got = _region(file, named, k, size, planned)
    if got is None:
        return None
    preamble, region, stamp, cut = got
    fast = _parsed(preamble)
    if fast is None or not fast[1].keys() <= {"schema_version"}:
        return None
    version = fast[1].get("schema_version")
    cuts = cut.chunks[k]
    at = cuts[0]
    known, worked_out = _received(tables)
    made = Chunk(known.entities, first, worked_out)
    for start, end in pairwise(cuts):
        found = _checked(str(file), region[start - at:end - at], version, known)
        if found is None:
            return None
        made.add(found)
        del found  # a piece's facts as objects, never the chunk's
    return stamp, len(cut.chunks), made.parts()


def _region(file: Path, named: bool, k: int, size: int, planned: Plan | None
            ) -> tuple[bytes, bytes, freshness.Stamp, Plan] | None:
    """Chunk k's bytes and the preamble's, the file's stamp, and its plan. With a plan, only those bytes are read:
    when they hash as the plan's did, they are the bytes the plan was made from (the chunks cover the file),
    and the stamp is the plan's file's. Else the file is read whole, and cut as its own bytes say."""
    from cqfacts.loader import read_bytes

    if planned is not None and k < len(planned.chunks):
        cuts = planned.chunks[k]
        spans = [(0, planned.preamble), (cuts[0], cuts[-1])]
        read = freshness.read_spans(file, planned.size, spans)
        if read is not None and read[1][4] == planned.regions[k]:
            (preamble, region), stamp = read
            return preamble, region, [*stamp[:4], planned.digest], planned
    try:
        raw, stamp = freshness.read_stamped(file, named, read_bytes)
    except OSError:
        return None
    cut = planned if planned is not None and planned.digest == stamp[4] else plan(raw, stamp[4], size)
    if cut is None or k >= len(cut.chunks):
        return None
    cuts = cut.chunks[k]
    return raw[:cut.preamble], raw[cuts[0]:cuts[-1]], stamp, cut


def _parsed(piece: bytes) -> tuple[str, dict[str, Any]] | None:
    from cqfacts.toml_text import parse_fast

    return parse_fast(piece)


def _checked(file: str, piece: bytes, version: Any, known: Tables) -> list[Any] | None:
    """The facts of a piece of a file, checked; None when it is not only clean facts naming known ids."""
    from cqfacts.checker import check_document
    from cqfacts.toml_text import LineIndex

    fast = _parsed(piece)
    if fast is None or not fast[1].keys() <= {"facts"}:
        return None
    text, data = fast
    if version is not None:
        data["schema_version"] = version
    items, refs, problems = check_document(file, text, data, lines=LineIndex(""))
    if problems:
        return None
    # The ids the facts name (None: no valid source), all at once.
    sources = set(map(attrgetter("source"), refs))
    sources.discard(None)
    if not (known.sources >= sources and known.entities.keys() >= set().union(*map(attrgetter("entities"), refs))):
        return None
    return list(items["facts"].values())


class Chunk:
    """The parts of the cache file that hold a chunk's facts: records, ids, index (fact numbers from ``first``,
    field codes the base's), made as its facts are added, piece by piece."""

    def __init__(self, entities: dict[str, Any], first: int, worked_out: Shared):
        from cqfacts.model import FactBase

        self._base = FactBase(sources={}, entities=entities, facts={})  # what indexing reads of the tables
        self._index = Flat(worked_out.numbers)
        self._index.by_entity = worked_out.texts  # read only: every entity of the base is there
        self._first = first
        self._records: list[str] = []
        self._ids: list[str] = []

    def add(self, facts: list[Any]) -> None:
        from cqfacts.search import file_facts

        file_facts(self._base, facts, self._index, self._first + len(self._ids))
        self._records += map(encode, facts)
        self._ids += (fact.id for fact in facts)

    def parts(self) -> dict[str, Any]:
        index = self._index
        parts = chunk_postings(index)
        return {"records": groups(self._records), "ids": "\n".join(self._ids).encode("utf-8"), "first": self._first,
                "lengths": array("I", index.lengths), **parts}


def chunk(entities: dict[str, Any], facts: list[Any], first: int, worked_out: Shared) -> dict[str, Any]:
    """The parts of the cache file that hold these facts, numbered from ``first``."""
    made = Chunk(entities, first, worked_out)
    made.add(facts)
    return made.parts()
