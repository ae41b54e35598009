"""One chunk's search index as the cache stores it: its sorted terms and their postings as arrays of integers.

A term's postings are entries [offsets[i], offsets[i + 1]) of three arrays: the fact's number within the
chunk, the field code (the chunk's own: the build renumbers them for the whole base), the count; each array
as narrow as the chunk's largest value allows.
"""

from __future__ import annotations

from array import array
from typing import Any

from cqfacts.cache.storage import narrowest, strings


def chunk_postings(index: Any) -> dict[str, Any]:
    """The sections of one chunk's ``search.SearchIndex`` (``terms`` and ``postings.*``), and its vocabulary."""
    terms = index.vocabulary
    numbers, codes, counts, offsets = array("I"), array("I"), array("I"), array("I", [0])
    postings = index.postings
    for term in terms:
        found = postings[term]
        numbers.extend(found)
        in_field, occurrences = zip(*found.values(), strict=True)
        codes.extend(in_field)
        counts.extend(occurrences)
        offsets.append(len(numbers))
    return {"terms": strings(terms), "postings.numbers": narrowest(numbers), "postings.codes": codes,
            "postings.counts": narrowest(counts), "postings.offsets": narrowest(offsets), "vocabulary": terms}
