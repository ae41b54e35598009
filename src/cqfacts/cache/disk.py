"""A fact base answered from a cache file: items and index postings read from disk as a command asks for them.

Whatever goes wrong while reading (a damaged block, a record that does not decode, a part that is missing)
is handled in one place, ``Store.replace``: a one-line notice, the cache removed, the base read from the
TOML (and its cache rebuilt), and the rest of the command answered from that base. Fact numbers are file
order in both, so what was already read stays right.
"""

from __future__ import annotations

import json
import struct
import sys
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any

from cqfacts.cache.columns import Postings, postings_of
from cqfacts.cache.records import DECODERS
from cqfacts.cache.storage import Damaged, Reader, Strings
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

    def __init__(self, store: Store, table: str, ids: Sequence[str], by_id: array[int],
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
                item = self._decode(self._record(n))
                if item.id != item_id:
                    raise Damaged(f"{self._table} record {n} is not {item_id!r}")
            except KeyError:
                raise
            except Exception as exc:
                return self._replaced(exc)[item_id]
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
                return [self._read.get(i) or self[i] for i in self._ids]
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

    def __init__(self, store: Store, facts: Items, ids: Sequence[str], lengths: array[int], chunks: int):
        self._store, self._facts = store, facts
        self.ids, self.lengths, self.size = ids, lengths, len(lengths)
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
        return self._guarded("words", lambda: self._disk_words)

    @cached_property
    def _disk_vocabulary(self) -> Sequence[str]:
        return _Vocabulary(self._store, _Terms(self._store.reader, "vocabulary"))

    @cached_property
    def _disk_words(self) -> list[str]:
        blob = self._store.reader.section("words").decode("utf-8")
        return blob.split("\n") if blob else []


class _Numbers(Sequence[int]):
    """An array of integers in the cache file, each read when asked for: a query bisects a few terms of
    each chunk, so reading every offset of every chunk (megabytes at 100,000 facts) would cost it most."""

    def __init__(self, reader: Reader, name: str):
        entry = reader.meta["sections"].get(name)
        if not isinstance(entry, list) or len(entry) != 3 or entry[2] not in ("B", "H", "I", "Q"):
            raise Damaged(f"part {name!r} is not numbers")
        self._reader, (self._start, length, typecode) = reader, entry
        self._size = array(typecode).itemsize
        self._pair = struct.Struct(f"={2}{typecode}")
        if length % self._size:
            raise Damaged(f"part {name!r} is cut short")
        self._length = length // self._size

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, i: Any) -> Any:
        if i.__class__ is slice:
            return [self[j] for j in range(*i.indices(self._length))]
        if not 0 <= i < self._length:
            raise IndexError(i)
        return int.from_bytes(self._reader.read(self._start + i * self._size, self._size), sys.byteorder)

    def pair(self, i: int) -> tuple[int, int]:
        """Numbers ``i`` and ``i + 1``, in one read."""
        if not 0 <= i < self._length - 1:
            raise IndexError(i)
        return self._pair.unpack(self._reader.read(self._start + i * self._size, 2 * self._size))


class _Terms(Strings):
    """A ``Strings`` part whose offsets are read as bisection needs them, two at a time."""

    def __init__(self, reader: Reader, name: str):
        self._reader = reader
        self._start = reader.where(name)
        self._numbers = _Numbers(reader, name + ".offsets")
        self._length = len(self._numbers) - 1
        self._seen: dict[int, bytes] = {}

    def raw(self, i: int) -> bytes:
        if i < 0:
            i += self._length
        found = self._seen.get(i)
        if found is None:  # bisections for several terms begin at the same few middles
            first, last = self._numbers.pair(i)
            found = self._seen[i] = self._reader.read(self._start + first, last - first)
        return found

    def find(self, term: str) -> int:
        """Where a term is (these are sorted, and UTF-8 sorts as the text does), -1 when it is not here."""
        key, raw = term.encode("utf-8"), self.raw
        low, high = 0, self._length
        while low < high:
            middle = (low + high) // 2
            if raw(middle) < key:
                low = middle + 1
            else:
                high = middle
        return low if low < self._length and raw(low) == key else -1


class _Vocabulary(Sequence[str]):
    """The index's sorted terms, read as bisection asks; damage found on the way switches to the TOML's."""

    def __init__(self, store: Store, terms: Strings):
        self._store, self._terms = store, terms

    def __len__(self) -> int:
        return len(self._terms)

    def __getitem__(self, i: Any) -> Any:
        if self._store.replacement is None:
            try:
                return self._terms[i]
            except IndexError:
                raise
            except Exception as exc:
                self._store.replace(exc)
        return self._store.replacement_index.vocabulary[i]


class _Fields(dict[int, tuple[str, float, bool]]):
    """Field code -> (label, weight, is alias), each decoded when first asked for. ``_Postings`` checks the
    labels whole before it hands out the first postings: a code in hand never meets a damaged label."""

    def __init__(self, store: Store):
        super().__init__()
        self._labels = Strings(store.reader, "fields")

    def __missing__(self, code: int) -> tuple[str, float, bool]:
        label, weight, alias = json.loads(self._labels[code])
        field = self[code] = (str(label), float(weight), bool(alias))
        return field


class _Postings(Mapping[str, dict[int, tuple[int, int]]]):
    """term -> {fact number: (field code, occurrences)}, merged from each chunk's part of the file; ``lists``
    gives the same as arrays, which is how the ranker reads them."""

    def __init__(self, store: Store, chunks: int):
        self._store, self._chunks, self._starts = store, chunks, store.reader.meta["chunk_starts"]
        self._fields_checked = False
        self._read: dict[str, Postings | None] = {}
        self._dicts: dict[str, dict[int, tuple[int, int]]] = {}  # as a SearchIndex holds them, for who asks
        self._parts: list[tuple[_Terms, _Numbers, list[tuple[int, str, int]]]] = []

    def _part(self, chunk: int) -> tuple[_Terms, _Numbers, list[tuple[int, str, int]]]:
        if not self._fields_checked:
            self._store.reader.section("fields")
            self._fields_checked = True
        while len(self._parts) <= chunk:
            k = len(self._parts)
            reader = self._store.reader
            arrays = []
            for name in ("numbers", "codes", "counts"):
                start, _, *typecode = reader.meta["sections"][f"postings.{k}.{name}"]
                arrays.append((start, typecode[0], array(typecode[0]).itemsize))
            self._parts.append((_Terms(reader, f"terms.{k}"), _Numbers(reader, f"postings.{k}.offsets"), arrays))
        return self._parts[chunk]

    def _lookup(self, term: str) -> Postings | None:
        parts: list[tuple[int, array[int], array[int], array[int]]] = []
        reader = self._store.reader
        for chunk in range(self._chunks):
            terms, offsets, arrays = self._part(chunk)
            i = terms.find(term)
            if i < 0:
                continue
            first, last = offsets.pair(i)
            if not first < last:
                raise Damaged(f"the postings of {term!r} are damaged")
            numbers, codes, counts = (array(typecode) for _, typecode, _ in arrays)
            for values, (start, _, size) in zip((numbers, codes, counts), arrays, strict=True):
                values.frombytes(reader.read(start + size * first, size * (last - first)))
            parts.append((self._starts[chunk], numbers, codes, counts))
        if not parts:
            return None
        if len(parts) == 1 and parts[0][0] == 0:
            return Postings(*parts[0][1:])
        # Fact numbers are stored from the chunk's first fact: made the base's, in one array per column.
        numbers = array("I")
        # Each chunk's columns are as narrow as its own values allow: the base's are as wide as the widest.
        codes, counts = (array(max((part[column] for part in parts), key=lambda a: a.itemsize).typecode)
                         for column in (2, 3))
        for start, chunk_numbers, chunk_codes, chunk_counts in parts:
            numbers.extend(map(start.__add__, chunk_numbers))
            for whole, part in ((codes, chunk_codes), (counts, chunk_counts)):
                whole.extend(part if part.typecode == whole.typecode else iter(part))  # (copied when alike)
        return Postings(numbers, codes, counts)

    def _get(self, term: str) -> Postings | None:
        if term not in self._read:
            self._read[term] = self._lookup(term)
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
        return isinstance(term, str) and self.lists(term) is not None

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
