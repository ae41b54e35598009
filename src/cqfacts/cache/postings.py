"""One chunk's search index as the cache stores it: its sorted terms and their postings as arrays of integers.

A term's postings are entries [offsets[i], offsets[i + 1]) of three arrays: the fact's number in the base,
the field code, the count; each array as narrow as the chunk's largest value allows. ``Flat`` files a
chunk's facts as ``search.build_index`` does (the same rules, the same postings) but keeps each term's
postings as one flat list of numbers (fact, code, count, fact, code, count...), filled in fact order: no
dict or tuple per posting, and the terms need only be sorted at the end, their postings already grouped.
Its field codes are the base's, the same in every chunk (``search.base_fields``: a fact's own fields, then
two for each entity, by its place in the tables), so the chunks are written as they come, never renumbered.
"""

from __future__ import annotations

from array import array
from collections import Counter, defaultdict, deque
from collections.abc import Mapping
from itertools import accumulate, chain, repeat
from operator import floordiv
from typing import Any

from cqfacts.cache.storage import lines, narrowest
from cqfacts.search import Builder, base_field_code


class Flat(Builder):
    """A ``search.Builder`` that keeps each term's postings as one flat list: fact number, field code, count;
    ``entity_numbers``: each entity's place in the base's tables, which gives its fields' codes."""

    def __init__(self, entity_numbers: Mapping[str, int]) -> None:
        super().__init__()
        self.by_term: defaultdict[str, list[int]] = defaultdict(list)
        self._entity_numbers = entity_numbers

    def entity_code(self, entity_id: str, alias: bool) -> int:
        return base_field_code(self._entity_numbers[entity_id], alias)

    def store(self, number: int, best: dict[str, int], counts: Counter[str]) -> None:
        # Each term's list extended by (number, code, count), all in C: no Python step per posting.
        deque(map(list.extend, map(self.by_term.__getitem__, best), zip(repeat(number), best.values(),
                                                                        counts.values())), 0)


def chunk_postings(flat: Flat) -> dict[str, Any]:
    """The sections of one chunk's postings (``terms`` and ``postings.*``). The builder's postings are emptied
    as they become arrays (a worker's memory peaks here)."""
    by_term = flat.by_term
    vocabulary = sorted(by_term)
    lists = list(map(by_term.__getitem__, vocabulary))
    offsets = array("I", [0])
    offsets.extend(map(floordiv, accumulate(map(len, lists)), repeat(3)))
    every = array("I", chain.from_iterable(lists))  # fact, code, count, fact, code, count...
    del lists
    by_term.clear()
    return {"terms": lines(vocabulary), "postings.numbers": every[0::3],
            "postings.codes": narrowest(every[1::3]), "postings.counts": narrowest(every[2::3]),
            "postings.offsets": narrowest(offsets)}
