"""A cache file's typed sections, read as they are asked for: ``Numbers`` (an array of integers, a page at a time),
``Strings`` (a blob of strings and their offsets, each decoded when asked for) and ``Groups`` (records, compressed
in groups). Each reads through a ``storage.Reader``, which checks every block it reads."""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Iterator, Sequence
from itertools import pairwise
from typing import Any

from cqfacts.cache.storage import GROUP, Damaged, Reader


class Numbers(Sequence[int]):
    """An array of integers in the cache file, read a page (``PAGE`` numbers) at a time as it is asked for:
    a query bisects a few terms and reads a few facts' numbers, not megabytes of arrays."""

    PAGE = 1024

    def __init__(self, reader: Reader, name: str):
        entry = reader.meta["sections"].get(name)
        if not isinstance(entry, list) or len(entry) != 3 or entry[2] not in ("B", "H", "I", "Q"):
            raise Damaged(f"part {name!r} is not numbers")
        self._reader, (self._start, length, self.typecode) = reader, entry
        self._size = array(self.typecode).itemsize
        if length % self._size:
            raise Damaged(f"part {name!r} is cut short")
        self._length = length // self._size
        self._pages: dict[int, array[int]] = {}
        self._whole: array[int] | None = None

    def __len__(self) -> int:
        return self._length

    def _page(self, page: int) -> array[int]:
        found = self._pages.get(page)
        if found is None:
            first = page * self.PAGE
            found = array(self.typecode)
            found.frombytes(self._reader.read(self._start + first * self._size,
                                              (min(first + self.PAGE, self._length) - first) * self._size))
            self._pages[page] = found
        return found

    def __getitem__(self, i: Any) -> Any:
        if i.__class__ is slice:
            return [self[j] for j in range(*i.indices(self._length))]
        if i < 0:
            i += self._length
        if not 0 <= i < self._length:
            raise IndexError(i)
        return self._page(i // self.PAGE)[i % self.PAGE]

    def take(self, indices: list[int]) -> list[int]:
        """``self[i]`` for each of ``indices``; many of them are taken from the whole array, read once."""
        if len(indices) * 256 < self._length:
            return [self[i] for i in indices]
        if self._whole is None:
            self._whole = self.whole()
        return list(map(self._whole.__getitem__, indices))

    def span(self, first: int, last: int) -> array[int]:
        """Numbers [first, last) as an array, in one read."""
        if not 0 <= first <= last <= self._length:
            raise IndexError(first)
        found = array(self.typecode)
        found.frombytes(self._reader.read(self._start + first * self._size, (last - first) * self._size))
        return found

    def whole(self) -> array[int]:
        return self.span(0, self._length)


class Strings(Sequence[str]):
    """The strings of a ``strings()`` blob, each decoded when asked for (bisect works on it as on a list);
    the offsets are read as they are needed (``Numbers``), or whole to go through them all."""

    def __init__(self, reader: Reader, name: str):
        self._reader = reader
        self._start = reader.where(name)
        self._offsets = Numbers(reader, name + ".offsets")
        self._length = len(self._offsets) - 1
        if self._length < 0:
            raise Damaged(f"part {name!r} has no offsets")

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, i: Any) -> Any:
        if i.__class__ is slice:
            return [self[j] for j in range(*i.indices(self._length))]
        return self.raw(i).decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        if not self._length:
            return iter(())
        offsets = self._offsets.whole()
        first = offsets[0]
        blob = self._reader.read(self._start + first, offsets[-1] - first)
        return iter([blob[a - first:b - first].decode("utf-8") for a, b in pairwise(offsets)])

    def raw(self, i: int) -> bytes:
        if i < 0:
            i += self._length
        if not 0 <= i < self._length:
            raise IndexError(i)
        offsets = self._offsets
        at = offsets[i]
        return self._reader.read(self._start + at, offsets[i + 1] - at)

    def many(self, indices: Sequence[int]) -> list[bytes]:
        """``raw(i)`` for each of ``indices``, from one read of the offsets and one of the strings between
        the first and the last of them."""
        if not indices:
            return []
        low, high = min(indices), max(indices)
        if low < 0 or high >= self._length:
            raise IndexError(low if low < 0 else high)
        offsets = self._offsets.span(low, high + 2)
        first = offsets[0]
        blob = self._reader.read(self._start + first, offsets[-1] - first)
        return [blob[offsets[i - low] - first:offsets[i - low + 1] - first] for i in indices]

    def find(self, text: str) -> int:
        """Where a string is (these being sorted: UTF-8 sorts as the text does), -1 when it is not here."""
        key, raw = text.encode("utf-8"), self.raw
        low, high = 0, self._length
        while low < high:
            middle = (low + high) // 2
            if raw(middle) < key:
                low = middle + 1
            else:
                high = middle
        return low if low < self._length and raw(low) == key else -1


class Groups(Sequence[str]):
    """The records of a ``groups()`` part, each group inflated when one of its records is first asked for."""

    def __init__(self, reader: Reader, name: str, count: int):
        self._groups = Strings(reader, name)
        self._count = count
        self._last: tuple[int, list[str]] = (-1, [])

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._count))]
        if not 0 <= i < self._count:
            raise IndexError(i)
        group, own = divmod(i, GROUP)
        if self._last[0] != group:
            text = zlib.decompress(self._groups.raw(group)).decode("utf-8")
            self._last = (group, text.split("\n"))
        return self._last[1][own]
