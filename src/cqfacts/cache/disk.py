"""A fact base answered from a cache file: items and index postings read from disk as a command asks for them.

Whatever goes wrong while reading (a damaged block, a record that does not decode, a part that is missing)
is handled in one place, ``Store.replace``: a one-line notice, the cache removed, the base read from the
TOML (and its cache rebuilt), and the rest of the command answered from that base. Fact numbers are file
order in both, so what was already read stays right.
"""

from __future__ import annotations

import operator
import sys
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any

from cqfacts.cache.disk_postings import DiskPostings, Fields
from cqfacts.cache.readers import Numbers
from cqfacts.cache.records import DECODERS
from cqfacts.cache.storage import Damaged, Reader
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
        self.fields: Mapping[int, tuple[str, float, bool]] = Fields(store)
        self._on_disk = DiskPostings(store, chunks)
        self.postings: Mapping[str, dict[int, tuple[int, int]]] = self._on_disk
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
        return self._typo_words(shortest, longest, None)

    def words_holding(self, shortest: int, longest: int, pieces: list[str]) -> list[str]:
        """The typo words of these lengths that hold one of ``pieces`` (``matching.typo_pieces``): found in the
        bytes read, only those decoded (at a million facts, 4 of the 138,000 words of 11 to 15 letters hold a
        piece of "semiconducter"); all the words of a length when most of them do (``_holding``)."""
        return self._typo_words(shortest, longest, pieces)

    def _typo_words(self, shortest: int, longest: int, pieces: list[str] | None) -> list[str]:
        if self._store.replacement is None:
            try:
                starts, reader = self._word_starts, self._store.reader
                at, words = reader.where("words"), []
                # A length at a time: the memory that held one length's bytes serves the next.
                for length in range(max(shortest, 0), min(longest, len(starts) - 2) + 1):
                    data = reader.read(at + starts[length], starts[length + 1] - starts[length])
                    found = _holding(data, pieces) if pieces is not None else None
                    words += found if found is not None else data.decode("utf-8").split("\n")[:-1]
                return words
            except Exception as exc:
                self._store.replace(exc)
        replacement = self._store.replacement_index
        return replacement.words_between(shortest, longest) if pieces is None else \
            replacement.words_holding(shortest, longest, pieces)

    @cached_property
    def _disk_vocabulary(self) -> Sequence[str]:
        return _Column(self._store, "vocabulary", self._on_disk.vocabulary)

    @cached_property
    def _word_starts(self) -> array[int]:
        starts = Numbers(self._store.reader, "words.by_length").whole()
        if not starts or starts[0] != 0 or starts[-1] != self._store.reader.meta["sections"]["words"][1] or \
                any(map(operator.gt, starts, starts[1:])):
            raise Damaged("the typo words' lengths are damaged")
        return starts


# Finding the words that hold a piece costs as much per word found as decoding all of 512 bytes of words
# (40 words of 12 letters): when pieces are found more often than that, all the words are decoded instead.
_BYTES_PER_FIND = 512


def _holding(data: bytes, pieces: list[str]) -> list[str] | None:
    """The lines of ``data`` (a word a line, each ending in a newline) that hold one of ``pieces``, each once;
    None when more than one in ``_BYTES_PER_FIND`` bytes do ("chanhhong": 'ng' is in 79,000 of 113,000)."""
    lines: dict[int, int] = {}  # where each line found starts -> where it ends
    most = len(data) // _BYTES_PER_FIND
    for piece in pieces:
        raw = piece.encode("utf-8")  # (UTF-8 is found only where a character starts)
        if not raw:
            return None  # (every word holds it)
        at = data.find(raw)
        while at >= 0:
            start, end = data.rfind(b"\n", 0, at) + 1, data.index(b"\n", at)
            lines[start] = end
            if len(lines) > most:
                return None
            at = data.find(raw, end + 1)  # the line's other places need no finding
    return [data[start:end].decode("utf-8") for start, end in lines.items()]


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
        """``self[i]`` for each of ``indices`` (``readers.Numbers.take``)."""
        if self._store.replacement is None:
            try:
                return self._column.take(indices)  # type: ignore[attr-defined, no-any-return]
            except Exception as exc:
                self._store.replace(exc)
        return list(map(getattr(self._store.replacement_index, self._name).__getitem__, indices))
