"""A fact base answered from a cache file: items and index postings read from disk as a command asks for them.

Whatever goes wrong while reading (a damaged block, a record that does not decode, a part that is missing)
is handled in one place, ``Store.replace``: a one-line notice, the cache removed, the base read from the
TOML (and its cache rebuilt), and the rest of the command answered from that base. Fact numbers are file
order in both, so what was already read stays right.
"""

from __future__ import annotations

import json
import operator
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any

from cqfacts.cache.columns import Postings, postings_of
from cqfacts.cache.records import DECODERS
from cqfacts.cache.storage import Damaged, Numbers, Reader, Strings
from cqfacts.lazy import record
from cqfacts.model import FactBase


@record
class CachedFactBase(FactBase):
    """A fact base read from a cache: items are read as they are asked for; ``search_index`` answers search."""

    search_index: Any = None


class Store:
    """The open cache file of one base, and what replaces it when it turns out to be damaged."""

    def __init__(self, reader: Reader, files: tuple[str, ...], replace: Callable[[str], FactBase]):
        self.reader, self.files = reader, files
        self._replace = replace
        self.replacement: FactBase | None = None
        self.replacement_index: Any = None
        self.listeners: list[Callable[[Any], None]] = []  # told the replacement's index

    def replace(self, exc: BaseException) -> FactBase:
        """The base read from TOML, after a notice: called when anything read from the cache is wrong."""
        if self.replacement is None:
            from cqfacts.search import index_for

            reason = str(exc) if isinstance(exc, Damaged) else f"{type(exc).__name__}: {exc}"
            self.replacement = self._replace(reason)
            index = getattr(self.replacement, "search_index", None)
            self.replacement_index = index if index is not None else index_for(self.replacement)
            for listener in self.listeners:
                listener(self.replacement_index)
        return self.replacement


class Items(Mapping[str, Any]):
    """Id -> source, entity or fact, in file order, each decoded from the cache when first asked for."""

    def __init__(self, store: Store, table: str, ids: Sequence[str], by_id: Sequence[int],
                 record: Callable[[int], str]):
        self._store, self._table, self._ids, self._by_id, self._record = store, table, ids, by_id, record
        self._decode = DECODERS[table]
        self._read: dict[str, Any] = {}

    def _replaced(self, exc: BaseException) -> dict[str, Any]:
        return getattr(self._store.replace(exc), self._table)

    def number(self, item_id: str) -> int | None:
        """The item's number in file order, None when there is no such item."""
        ids, order = self._ids, self._by_id
        low, high = 0, len(order)
        while low < high:  # bisect over the ids in sorted order
            middle = (low + high) // 2
            if ids[order[middle]] < item_id:
                low = middle + 1
            else:
                high = middle
        return order[low] if low < len(order) and ids[order[low]] == item_id else None

    def __getitem__(self, item_id: str) -> Any:
        if self._store.replacement is not None:
            return self._replaced(None)[item_id]  # type: ignore[arg-type]
        item = self._read.get(item_id)
        if item is None:
            try:
                n = self.number(item_id)
                if n is None:
                    raise KeyError(item_id)
                item = self._decoded(n, item_id)
            except KeyError:
                raise
            except Exception as exc:
                return self._replaced(exc)[item_id]
        return item

    def numbered(self, n: int) -> Any:
        """Item number ``n`` in file order: ``self[id]`` without looking the id up (a bisection of reads)."""
        if self._store.replacement is None:
            try:
                item_id = self._ids[n]
                return self._read.get(item_id) or self._decoded(n, item_id)
            except Exception as exc:
                self._store.replace(exc)
        return self._replaced(None)[self._store.replacement_index.ids[n]]

    def _decoded(self, n: int, item_id: str) -> Any:
        """Item number ``n``, decoded from its record, which must be ``item_id``'s."""
        item = self._decode(self._record(n))
        if item.id != item_id:
            raise Damaged(f"{self._table} record {n} is not {item_id!r}")
        self._read[item_id] = item
        return item

    def __iter__(self) -> Iterator[str]:
        if self._store.replacement is not None:
            return iter(self._replaced(None))  # type: ignore[arg-type]
        try:
            return iter(list(self._ids))
        except Exception as exc:
            return iter(self._replaced(exc))

    def __len__(self) -> int:
        return len(self._by_id)

    def values(self) -> list[Any]:  # type: ignore[override]
        if self._store.replacement is None:
            try:
                read = self._read  # ids are in file order: each one's number is its place
                return [read.get(i) or self._decoded(n, i) for n, i in enumerate(self._ids)]
            except Exception as exc:
                self._store.replace(exc)
        return list(self._replaced(None).values())  # type: ignore[arg-type]

    def items(self) -> list[tuple[str, Any]]:  # type: ignore[override]
        values = self.values()
        return [(item.id, item) for item in values]


class _Positions(Mapping[str, int]):
    """Fact id -> fact number (search reads it only to rank a subset of the facts)."""

    def __init__(self, facts: Items):
        self._facts = facts

    def __getitem__(self, fact_id: str) -> int:
        n = self._facts.number(fact_id)
        if n is None:
            raise KeyError(fact_id)
        return n

    def __iter__(self) -> Iterator[str]:
        return iter(self._facts)

    def __len__(self) -> int:
        return len(self._facts)


class DiskIndex:
    """A cached base's search index (what ``search.SearchIndex`` holds), read from disk as search asks.

    What search reads for every posting (``fields``, ``lengths``, ``ids``) are plain attributes, pointed at
    the TOML's index when the cache turns out to be damaged.
    """

    def __init__(self, store: Store, facts: Items, ids: Sequence[str], lengths: Sequence[int], chunks: int):
        self._store, self._facts = store, facts
        self.ids, self.lengths = _Column(store, "ids", ids), _Column(store, "lengths", lengths)
        self.size = len(lengths)
        self.fields: Mapping[int, tuple[str, float, bool]] = _Fields(store)
        self.postings: Mapping[str, dict[int, tuple[int, int]]] = _Postings(store, chunks)
        store.listeners.append(self._switch)

    def _switch(self, index: Any) -> None:
        self.ids, self.lengths, self.fields, self.postings = index.ids, index.lengths, index.fields, index.postings

    def _guarded(self, name: str, make: Callable[[], Any]) -> Any:
        if self._store.replacement is None:
            try:
                return make()
            except Exception as exc:
                self._store.replace(exc)
        return getattr(self._store.replacement_index, name)

    @property
    def length_figures(self) -> tuple[int, int] | None:
        """(sum, shortest) of the facts' lengths, when the build recorded them (else the ranker works them out)."""
        meta = self._store.reader.meta
        total, shortest = meta.get("length_total"), meta.get("length_min")
        if self._store.replacement is None and isinstance(total, int) and isinstance(shortest, int):
            return total, shortest
        return None

    @property
    def positions(self) -> Mapping[str, int]:
        return self._guarded("positions", lambda: _Positions(self._facts))

    @property
    def vocabulary(self) -> Sequence[str]:
        return self._guarded("vocabulary", lambda: self._disk_vocabulary)

    @property
    def words(self) -> list[str]:
        return self.words_between(0, sys.maxsize)

    def words_between(self, shortest: int, longest: int) -> list[str]:
        """The typo words of these lengths (``cache.directory.by_length``), read from disk."""
        if self._store.replacement is None:
            try:
                starts = self._word_starts
                first, last = max(shortest, 0), min(longest, len(starts) - 2)
                if first > last:
                    return []
                data = self._store.reader.read(self._store.reader.where("words") + starts[first],
                                               starts[last + 1] - starts[first])
                return data.decode("utf-8").split("\n")[:-1]
            except Exception as exc:
                self._store.replace(exc)
        return [w for w in self._store.replacement_index.words if shortest <= len(w) <= longest]

    @cached_property
    def _disk_vocabulary(self) -> Sequence[str]:
        return _Column(self._store, "vocabulary", Strings(self._store.reader, "vocabulary"))

    @cached_property
    def _word_starts(self) -> array[int]:
        starts = self._store.reader.numbers("words.by_length")
        if not starts or starts[0] != 0 or starts[-1] != self._store.reader.meta["sections"]["words"][1] or \
                any(map(operator.gt, starts, starts[1:])):
            raise Damaged("the typo words' lengths are damaged")
        return starts


class _Column(Sequence[Any]):
    """A part of the index read as it is asked for (ids, lengths, vocabulary): damage found on the way, in
    the middle of a ranking, switches to the TOML's index (its numbering is the same: file order)."""

    def __init__(self, store: Store, name: str, column: Sequence[Any]):
        self._store, self._name, self._column = store, name, column

    def __len__(self) -> int:
        return len(self._column)

    def __getitem__(self, i: Any) -> Any:
        if self._store.replacement is None:
            try:
                return self._column[i]
            except IndexError:
                raise
            except Exception as exc:
                self._store.replace(exc)
        return getattr(self._store.replacement_index, self._name)[i]

    def take(self, indices: list[int]) -> list[int]:
        """``self[i]`` for each of ``indices`` (``storage.Numbers.take``)."""
        if self._store.replacement is None:
            try:
                return self._column.take(indices)  # type: ignore[attr-defined, no-any-return]
            except Exception as exc:
                self._store.replace(exc)
        return list(map(getattr(self._store.replacement_index, self._name).__getitem__, indices))


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


_FEW_FIELDS = 16  # fields to decode, above which their labels are read in one piece


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


def _weight(raw: bytes) -> float:
    """The weight of a field's label, ``[label, weight, is alias]`` in JSON, read from its end: the
    label may hold commas, the weight and the flag never do (the same float ``json`` would give)."""
    end = raw.rindex(b",")
    if not raw.startswith(b'["') or raw[end:] not in (b",true]", b",false]"):
        raise Damaged("a field's label is damaged")
    return float(raw[raw.rindex(b",", 0, end) + 1:end])


class _Fields(dict[int, tuple[str, float, bool]]):
    """Field code -> (label, weight, is alias), each decoded when first asked for. ``_Postings`` checks the
    labels whole before it hands out the first postings: a code in hand never meets a damaged label."""

    def __init__(self, store: Store):
        super().__init__()
        self._labels = Strings(store.reader, "fields")
        self._weights: dict[int, float] = {}  # of the fields whose weight only was read

    def __missing__(self, code: int) -> tuple[str, float, bool]:
        return self._decoded(code, self._labels.raw(code))

    def _decoded(self, code: int, raw: bytes) -> tuple[str, float, bool]:
        label, weight, alias = json.loads(raw)
        field = self[code] = (str(label), float(weight), bool(alias))
        return field

    def weights(self, codes: set[int]) -> dict[int, float]:
        """The weight of each of these fields; many not decoded yet are read together (``Strings.many``),
        and only their weights taken (``_weight``): a common word's postings are in the fields of thousands
        of entities."""
        weights = self._weights
        missing = [code for code in codes if code not in self and code not in weights]
        if len(missing) > _FEW_FIELDS:
            weights.update(zip(missing, map(_weight, self._labels.many(missing)), strict=True))
        return {code: weights[code] if code in weights else self[code][1] for code in codes}


class _Postings(Mapping[str, dict[int, tuple[int, int]]]):
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
        self._vocabulary = Strings(reader, "vocabulary")
        self._directory = [Numbers(reader, f"directory.{name}") for name in ("offsets", "chunks", "places")]

    def _part(self, chunk: int) -> tuple[Numbers, list[tuple[int, str, int]]]:
        found = self._parts.get(chunk)
        if found is None:
            if not self._fields_checked:
                self._store.reader.section("fields")
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
            v = self._vocabulary.find(term)
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
                return known is not None if known is not False else self._vocabulary.find(term) >= 0
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
        return iter(Strings(self._store.reader, "vocabulary"))

    def __len__(self) -> int:
        return len(Strings(self._store.reader, "vocabulary"))
