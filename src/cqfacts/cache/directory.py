"""The cache's term directory: for each term of the base's vocabulary, the chunks that hold it and where.

A base of a million facts is indexed in a hundred chunks, each with its own sorted terms; without the
directory, finding a term's postings meant a bisection in every chunk's terms. With it a query finds the
term once in the vocabulary (term number v), then reads entries [offsets[v], offsets[v + 1]) of
``chunks`` (which chunk, ascending) and ``places`` (the term's number in that chunk's terms, where its
postings' offsets are). The build feeds it each vocabulary term's chunks as it merges the chunks' terms.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

from cqfacts.cache.storage import narrowest


class Directory:
    """Built term by term, in the vocabulary's order; ``sections`` are what the cache file stores."""

    def __init__(self, chunks: int):
        self.offsets = array("I", [0])
        self.chunks = array("H" if chunks <= 2**16 else "I")
        self.places = array("I")
        self._next = [0] * chunks  # the number of the next term of each chunk

    def add(self, held_by: Iterable[int]) -> None:
        """The next term of the vocabulary, in these chunks (ascending)."""
        following, chunks, places = self._next, self.chunks, self.places
        for k in held_by:
            chunks.append(k)
            places.append(following[k])
            following[k] += 1
        self.offsets.append(len(chunks))

    def sections(self) -> list[tuple[str, array[int]]]:
        return [("directory.offsets", narrowest(self.offsets)), ("directory.chunks", self.chunks),
                ("directory.places", narrowest(self.places))]


def by_length(words: Iterable[str]) -> tuple[bytes, array[int]]:
    """The typo words (``search.letter_words``) grouped by length, each group in the vocabulary's order, one
    word a line; and where each length's group starts (bytes), for lengths 0 to the longest, and the end.
    A typo cannot change a word's length by more than the typos allowed, so typo matching reads only the
    words of the lengths it can reach, not the whole list (240,000 words at a million facts)."""
    groups: dict[int, list[str]] = {}
    for word in words:
        groups.setdefault(len(word), []).append(word)
    starts = array("Q", [0])
    pieces = []
    for length in range(max(groups, default=-1) + 1):
        piece = "".join(word + "\n" for word in groups.get(length, ())).encode("utf-8")
        pieces.append(piece)
        starts.append(starts[-1] + len(piece))
    return b"".join(pieces), narrowest(starts)
