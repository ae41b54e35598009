"""One chunk's search index as the cache stores it: its sorted terms and their postings as arrays of integers.

A term's postings are entries [offsets[i], offsets[i + 1]) of three arrays: the fact's number within the
chunk, the field code (the chunk's own: the build renumbers them for the whole base), the count; each array
as narrow as the chunk's largest value allows.
"""

from __future__ import annotations

from array import array
from itertools import accumulate, chain
from operator import itemgetter
from typing import Any

from cqfacts.cache.storage import narrowest, strings


def chunk_postings(index: Any) -> dict[str, Any]:
    """The sections of one chunk's ``search.SearchIndex`` (``terms`` and ``postings.*``), and its vocabulary."""
    terms = index.vocabulary
    found = list(map(index.postings.__getitem__, terms))  # each term's {fact number: (code, count)}
    places = list(chain.from_iterable(map(dict.values, found)))
    offsets = array("I", [0])
    offsets.extend(accumulate(map(len, found)))
    return {"terms": strings(terms), "postings.numbers": narrowest(array("I", chain.from_iterable(found))),
            "postings.codes": array("I", map(itemgetter(0), places)),
            "postings.counts": narrowest(array("I", map(itemgetter(1), places))),
            "postings.offsets": narrowest(offsets), "vocabulary": terms}
