"""A cached index's postings and fields, read from each chunk's part of the cache file as search asks.

``Postings`` (``DiskPostings``) are found through the term directory: which chunks hold a term, and its
place in each; a query's terms are read together, those close together in a chunk's terms in one piece per
column. Field labels (``Fields``) are decoded when first asked for, or only their weights, many at once.
Whatever is found wrong raises, and ``disk.Store.replace`` answers from the TOML's index instead.
"""

from __future__ import annotations

import json
import operator
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from cqfacts.cache.columns import Postings, postings_of
from cqfacts.cache.readers import Numbers, Strings
from cqfacts.cache.storage import Damaged

if TYPE_CHECKING:
    from cqfacts.cache.disk import Store


def _joined(pieces: list[tuple[str, memoryview]]) -> array[int]:
    """One array of the numbers of these pieces (typecode, bytes), as wide as the widest piece's."""
    typecodes = {typecode for typecode, _ in pieces}
    if len(typecodes) == 1:
        column = array(typecodes.pop())
        column.frombytes(b"".join(data for _, data in pieces))
        return column
    column = array(pieces[0][0])
    for typecode, data in pieces:
        column = _append(column, typecode, data)
    return column


def _append(column: array[int], typecode: str, data: bytes | memoryview) -> array[int]:
    """``column`` with the numbers of ``data`` (of ``typecode``) after them, widened when they are wider."""
    if typecode == column.typecode:
        column.frombytes(data)
        return column
    part = array(typecode)
    part.frombytes(data)
    if part.itemsize > column.itemsize:
        column = array(typecode, column)
    column.extend(part if part.typecode == column.typecode else array(column.typecode, part))
    return column


_GAP = 1024  # postings between two terms of a chunk, below which both are read in one piece


def _runs(entries: list[tuple[int, str]], ends: Sequence[int]) -> Iterator[list[tuple[int, str]]]:
    """(place, term) of one chunk, by place, in runs of terms whose postings lie close together."""
    run = [entries[0]]
    for entry in entries[1:]:
        if ends[entry[0]] - ends[run[-1][0] + 1] <= _GAP:
            run.append(entry)
        else:
            yield run
            run = [entry]
    yield run


class Fields(dict[int, tuple[str, float, bool]]):
    """Field code -> (label, weight, is alias), each decoded when first asked for. ``DiskPostings`` checks the
    labels whole before it hands out the first postings: a code in hand never meets a damaged label."""

    def __init__(self, store: Store):
        super().__init__()
        self._labels = Strings(store.reader, "fields")

    def __missing__(self, code: int) -> tuple[str, float, bool]:
        return self._decoded(code, self._labels.raw(code))

    def _decoded(self, code: int, raw: bytes) -> tuple[str, float, bool]:
        label, weight, alias = json.loads(raw)
        field = self[code] = (str(label), float(weight), bool(alias))
        return field

    def weights(self, codes: set[int]) -> dict[int, float]:
        """The weight of each of these fields, told by its code (a cache's fields are ``search.base_fields``):
        a common word's postings are in the fields of thousands of entities, whose labels go unread."""
        from cqfacts.search import base_field_weight

        if codes and not 0 <= min(codes) <= max(codes) < len(self._labels):
            raise Damaged(f"no field {max(codes) if min(codes) >= 0 else min(codes)}")
        return {code: base_field_weight(code) for code in codes}


class DiskPostings(Mapping[str, dict[int, tuple[int, int]]]):
    """term -> {fact number: (field code, occurrences)}, merged from each chunk's part of the file; ``lists``
    gives the same as arrays, which is how the ranker reads them."""

    def __init__(self, store: Store, chunks: int):
        self._store, self._chunks = store, chunks
        reader = store.reader
        self._fields_checked = False
        self._read: dict[str, Postings | None] = {}
        self._dicts: dict[str, dict[int, tuple[int, int]]] = {}  # as a SearchIndex holds them, for who asks
        self._parts: dict[int, tuple[Numbers, list[tuple[int, str, int]]]] = {}
        # The directory: where each term of the vocabulary is, in which chunks (``cache.directory``).
        self.vocabulary = Strings(reader, "vocabulary")  # the index reads it too (``DiskIndex``): one copy
        self._directory = [Numbers(reader, f"directory.{name}") for name in ("offsets", "chunks", "places")]

    def _part(self, chunk: int) -> tuple[Numbers, list[tuple[int, str, int]]]:
        found = self._parts.get(chunk)
        if found is None:
            if not self._fields_checked:
                self._store.reader.check("fields")
                self._fields_checked = True
            if not 0 <= chunk < self._chunks:
                raise Damaged(f"no chunk {chunk}")
            sections, arrays = self._store.reader.meta["sections"], []
            for name in ("numbers", "codes", "counts"):
                start, _, typecode = sections[f"postings.{chunk}.{name}"]
                arrays.append((start, typecode, array(typecode).itemsize))
            found = self._parts[chunk] = (Numbers(self._store.reader, f"postings.{chunk}.offsets"), arrays)
        return found

    def _read_terms(self, terms: list[str]) -> None:
        """These terms' postings, into ``_read``: the directory names the chunks that hold each (ascending)
        and its place in each; each chunk's columns are appended as read (fact numbers are the base's).
        Terms close together in a chunk's terms (a word's forms: export, exported, exports) are read in one
        piece per column of that chunk (``_runs``)."""
        offsets, chunks, places = self._directory
        by_chunk: dict[int, list[tuple[int, str]]] = {}
        columns: dict[str, list[list[tuple[str, memoryview]]]] = {}  # per column, each chunk's piece
        for term in terms:
            v = self.vocabulary.find(term)
            if v < 0:
                self._read[term] = None
                continue
            first, last = offsets[v], offsets[v + 1]
            held_by = chunks.span(first, last)
            if not held_by or any(map(operator.ge, held_by, held_by[1:])):
                raise Damaged(f"the directory of {term!r} is damaged")
            for chunk, place in zip(held_by, places.span(first, last), strict=True):
                by_chunk.setdefault(chunk, []).append((place, term))
            columns[term] = []
        reader = self._store.reader
        for chunk in sorted(by_chunk):
            ends, arrays = self._part(chunk)
            for run in _runs(sorted(by_chunk[chunk]), ends):
                begin, end = ends[run[0][0]], ends[run[-1][0] + 1]
                read = [memoryview(reader.read(start + size * begin, size * (end - begin)) if begin < end else b"")
                        for start, _, size in arrays]  # (each term's part of a run taken without a copy)
                for place, term in run:
                    low, high = ends[place], ends[place + 1]
                    if not begin <= low < high <= end:
                        raise Damaged(f"the postings of {term!r} are damaged")
                    own = columns[term]
                    if not own:
                        own += [[] for _ in arrays]
                    for pieces, data, (_, typecode, size) in zip(own, read, arrays, strict=True):
                        pieces.append((typecode, data[size * (low - begin):size * (high - begin)]))
        for term, own in columns.items():  # each column made at once: many growing side by side cost copies
            self._read[term] = Postings(*map(_joined, own))

    def prefetch(self, terms: Iterable[str]) -> None:
        """Read these terms' postings together (a query's terms: ``lists`` then finds them read)."""
        if self._store.replacement is None:
            try:
                self._read_terms(sorted({term for term in terms if term not in self._read}))
            except Exception as exc:
                self._store.replace(exc)

    def _get(self, term: str) -> Postings | None:
        if term not in self._read:
            self._read_terms([term])
        return self._read[term]

    def lists(self, term: str) -> Postings | None:
        """The term's postings as arrays in fact order (``cache.columns``), None when no fact has it."""
        if self._store.replacement is None:
            try:
                return self._get(term)
            except Exception as exc:
                self._store.replace(exc)
        return postings_of(self._store.replacement_index, term)

    def __contains__(self, term: object) -> bool:
        """Whether a fact has the term: its vocabulary says (every term of it is some chunk's), unread."""
        if not isinstance(term, str):
            return False
        if self._store.replacement is None:
            try:
                known = self._read.get(term, False)
                return known is not None if known is not False else self.vocabulary.find(term) >= 0
            except Exception as exc:
                self._store.replace(exc)
        return term in self._store.replacement_index.postings

    def __getitem__(self, term: str) -> dict[int, tuple[int, int]]:
        if self._store.replacement is None:
            found = self._dicts.get(term)
            if found is not None:
                return found
        lists = self.lists(term)
        if lists is None:
            raise KeyError(term)
        if self._store.replacement is not None:
            return self._store.replacement_index.postings[term]
        found = self._dicts[term] = lists.as_dict()
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.vocabulary)

    def __len__(self) -> int:
        return len(self.vocabulary)
