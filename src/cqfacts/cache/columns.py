"""One term's postings as columns, the form the ranker reads them in, from an index in memory or on disk.

An index in memory (``search.SearchIndex``) holds ``postings[term]`` as a dict fact number -> (field code,
occurrences); a cached base's index (``cache.disk.DiskIndex``) reads the same from each chunk's arrays
(``cache.postings`` writes them). The ranker reads either as ``Postings``: fact numbers (ascending: facts
are indexed in file order), field codes and counts side by side, so that it can weigh every posting of a
common word in one pass without making a dict or a tuple per posting, and find one fact's posting by
bisection.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Collection, Iterable, Iterator, Sequence
from itertools import repeat
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyroaring import BitMap


class Postings:
    """A term's postings: ``numbers[i]`` (ascending), ``codes[i]`` (its field) and ``counts[i]`` (occurrences)."""

    __slots__ = ("_found", "_most", "codes", "counts", "numbers")

    def __init__(self, numbers: Sequence[int], codes: Sequence[int], counts: Sequence[int]):
        self.numbers, self.codes, self.counts = numbers, codes, counts
        self._found: dict[int, int] = {}  # fact -> place, of the facts looked for: a query asks again
        self._most: int | None = None

    def most(self) -> int:
        """The highest count (worked out once: bounds ask for it more than once)."""
        if self._most is None:
            self._most = max(self.counts)
        return self._most

    def __len__(self) -> int:
        return len(self.numbers)

    def find(self, n: int) -> int:
        """Where fact ``n`` is in these postings, -1 when the term is not in it."""
        i = self._found.get(n)
        if i is None:
            numbers = self.numbers
            i = bisect_left(numbers, n)
            i = self._found[n] = i if i < len(numbers) and numbers[i] == n else -1
        return i

    def places(self, ordered: list[int]) -> tuple[list[int], list[int]]:
        """The facts of ``ordered`` (ascending) that have the term, and their places here: each found by
        bisection in C (``map``), not by a lookup in Python."""
        numbers = self.numbers
        size = len(numbers)
        pairs = [(n, i) for n, i in zip(ordered, map(bisect_left, repeat(numbers), ordered), strict=True)
                 if i < size and numbers[i] == n]
        return [n for n, _ in pairs], [i for _, i in pairs]

    def as_dict(self) -> dict[int, tuple[int, int]]:
        """The postings as ``SearchIndex`` holds them: fact number -> (field code, occurrences)."""
        return dict(zip(self.numbers, zip(self.codes, self.counts, strict=True), strict=True))


# From this many postings, a word's facts are counted and intersected as a bitmap (``Facts.as_bitmap``): below,
# importing pyroaring (7 ms) would cost more than Python's sets take.
BITMAP_FROM = 100_000


class Facts(Collection[int]):
    """The facts any of a word's terms is in, from their postings' fact numbers (each ascending) and a few
    more (a concept the query names): how many, and whether one is, without a set of them all when one
    term holds most of them; the set is made when it is asked for (``as_set``). A common word's forms
    hold hundreds of thousands of postings at a million facts, and most queries need only their number: of
    a word that ``large``, they are counted as a compressed bitmap (``as_bitmap``), in C."""

    def __init__(self, postings: Iterable[Postings], more: Iterable[int] = ()):
        self._postings = sorted(postings, key=len, reverse=True)
        self._lists = [found.numbers for found in self._postings]
        self._more = set(more)
        self._set: set[int] | None = None
        self._size: int | None = None
        self._bitmap: BitMap | None = None
        self.large = sum(map(len, self._lists)) >= BITMAP_FROM

    def as_bitmap(self) -> BitMap:
        """The facts as a ``pyroaring.BitMap`` (CRoaring's compressed bitmap: counted and intersected in C), made
        once: at a million facts, "exports" and its forms are in 198,000 facts, counted in 0.2 ms, not 20."""
        if self._bitmap is None:
            from pyroaring import BitMap

            maps = [BitMap(numbers if isinstance(numbers, array) and numbers.typecode == "I" else array("I", numbers))
                    for numbers in self._lists]
            self._bitmap = BitMap.union(BitMap(self._more), *maps)
        return self._bitmap

    def as_set(self) -> set[int]:
        if self._set is None:
            self._set = set(self._more).union(*self._lists)
        return self._set

    def __len__(self) -> int:
        if self._size is None:
            self._size = self._count()
        return self._size

    def more_than(self, n: int) -> bool:
        """Whether more than ``n`` facts are here: uncounted when the largest term's alone are more."""
        return (bool(self._lists) and len(self._lists[0]) > n) or len(self) > n

    def _count(self) -> int:
        if self._set is not None or not self._lists:
            return len(self.as_set())
        if self.large or self._bitmap is not None:
            return len(self.as_bitmap())
        largest, *others = self._lists
        if not others and not self._more:
            return len(largest)
        # The largest term's facts, and those of the rest it does not have: found by bisection when few.
        rest = set(self._more).union(*others)
        if len(rest) * 8 < len(largest):
            shared = sum(1 for n in rest if self._postings[0].find(n) >= 0)
        else:
            shared = len(rest.intersection(largest))
        return len(largest) + len(rest) - shared

    def common(self, facts: set[int]) -> set[int]:
        """The facts of ``facts`` that are here too: each looked up in the terms' postings when they are
        few; else the postings gone through (a set lookup each), never making the set of them all."""
        if self._set is not None:
            return facts & self._set
        found = facts.intersection(self._more)
        if sum(map(len, self._lists)) > 8 * len(facts):
            ordered = sorted(facts)
            for postings in self._postings:
                found.update(postings.places(ordered)[0])
            return found
        for numbers in self._lists:
            found.update(facts.intersection(numbers))
        return found

    def __contains__(self, n: object) -> bool:
        if self._set is not None:
            return n in self._set
        return isinstance(n, int) and (n in self._more or any(found.find(n) >= 0 for found in self._postings))

    def __iter__(self) -> Iterator[int]:
        if len(self._lists) == 1 and not self._more:
            return iter(self._lists[0])
        return iter(self.as_set())


def in_all(found: list[Facts], left_out: set[int]) -> list[int]:
    """The facts in every one of ``found`` but not in ``left_out``, taken from the smallest: as bitmaps when
    one is large (``Facts.large``), else each step looked up in the next one's postings (``Facts.common``)."""
    smallest, *others = sorted(found, key=len)
    if any(facts.large for facts in found):
        from pyroaring import BitMap

        common = smallest.as_bitmap() - BitMap(left_out)
        for facts in others:
            if not common:
                break
            common &= facts.as_bitmap()
        return list(common)
    within = smallest.as_set() - left_out
    for facts in others:
        if not within:
            break
        within = facts.common(within)
    return list(within)


def postings_of(index: Any, term: str) -> Postings | None:
    """The postings of a term in an index in memory or on disk; None when no fact has it."""
    postings = index.postings
    read = getattr(postings, "lists", None)
    if read is not None:
        return read(term)
    found = postings.get(term)
    if not found:
        return None
    codes, counts = zip(*found.values(), strict=True)
    return Postings(list(found), codes, counts)
