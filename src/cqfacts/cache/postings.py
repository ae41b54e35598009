"""One chunk's search index as the cache stores it: its sorted terms and their postings as arrays of integers.

A term's postings are entries [offsets[i], offsets[i + 1]) of three arrays: the fact's number within the
chunk, the field code (the chunk's own: the build renumbers them for the whole base), the count; each array
as narrow as the chunk's largest value allows. ``Flat`` files a chunk's facts as ``search.build_index``
does (the same rules, the same postings) but keeps them as four flat arrays, sorted by term once at the end:
a tenth of the memory of a dict per term and a tuple per posting, at the same speed.
"""

from __future__ import annotations

from array import array
from collections import Counter
from itertools import accumulate, repeat
from typing import Any

from cqfacts.cache.storage import narrowest, strings
from cqfacts.search import Builder


class Flat(Builder):
    """A ``search.Builder`` that keeps each posting as an entry of four flat arrays, in fact order."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[str] = []  # each posting's term; its fact number, field code and count beside
        self._same: dict[str, str] = {}  # one string object per term (each text's terms are new ones)
        self.numbers = array("I")
        self.in_field = array("I")
        self.occurrences = array("I")

    def store(self, number: int, best: dict[str, int], counts: Counter[str]) -> None:
        self.entries += map(self._same.setdefault, best, best)
        self.numbers.extend(repeat(number, len(best)))
        self.in_field.extend(best.values())
        self.occurrences.extend(counts.values())


def chunk_postings(flat: Flat) -> dict[str, Any]:
    """The sections of one chunk's postings (``terms`` and ``postings.*``), and its sorted vocabulary."""
    per_term = Counter(flat.entries)
    vocabulary = sorted(per_term)
    rank = {term: i for i, term in enumerate(vocabulary)}
    ranks = array("I", map(rank.__getitem__, flat.entries))
    order = sorted(range(len(ranks)), key=ranks.__getitem__)  # stable: a term's facts stay in fact order
    offsets = array("I", [0])
    offsets.extend(accumulate(map(per_term.__getitem__, vocabulary)))

    def in_order(values: array[int]) -> array[int]:
        return array("I", map(values.__getitem__, order))

    return {"terms": strings(vocabulary), "postings.numbers": narrowest(in_order(flat.numbers)),
            "postings.codes": in_order(flat.in_field), "postings.counts": narrowest(in_order(flat.occurrences)),
            "postings.offsets": narrowest(offsets), "vocabulary": vocabulary}
