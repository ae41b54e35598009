"""One term's postings as columns, the form the ranker reads them in, from an index in memory or on disk.

An index in memory (``search.SearchIndex``) holds ``postings[term]`` as a dict fact number -> (field code,
occurrences); a cached base's index (``cache.disk.DiskIndex``) reads the same from each chunk's arrays
(``cache.postings`` writes them). The ranker reads either as ``Postings``: fact numbers (ascending: facts
are indexed in file order), field codes and counts side by side, so that it can weigh every posting of a
common word in one pass without making a dict or a tuple per posting, and find one fact's posting by
bisection.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import Any


class Postings:
    """A term's postings: ``numbers[i]`` (ascending), ``codes[i]`` (its field) and ``counts[i]`` (occurrences)."""

    __slots__ = ("codes", "counts", "numbers")

    def __init__(self, numbers: Sequence[int], codes: Sequence[int], counts: Sequence[int]):
        self.numbers, self.codes, self.counts = numbers, codes, counts

    def __len__(self) -> int:
        return len(self.numbers)

    def find(self, n: int) -> int:
        """Where fact ``n`` is in these postings, -1 when the term is not in it."""
        numbers = self.numbers
        i = bisect_left(numbers, n)
        return i if i < len(numbers) and numbers[i] == n else -1

    def as_dict(self) -> dict[int, tuple[int, int]]:
        """The postings as ``SearchIndex`` holds them: fact number -> (field code, occurrences)."""
        return dict(zip(self.numbers, zip(self.codes, self.counts, strict=True), strict=True))


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
