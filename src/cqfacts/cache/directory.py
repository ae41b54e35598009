"""The cache's term directory: for each term of the base's vocabulary, the chunks that hold it and where.

A base of a million facts is indexed in a hundred chunks, each with its own sorted terms; without the
directory, finding a term's postings meant a bisection in every chunk's terms. With it a query finds the
term once in the vocabulary (term number v), then reads entries [offsets[v], offsets[v + 1]) of
``chunks`` (which chunk, ascending) and ``places`` (the term's number in that chunk's terms, where its
postings' offsets are). The build makes it as it merges the chunks' terms into the vocabulary.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from itertools import accumulate, chain, count, islice, repeat
from operator import sub
from typing import Any

from cqfacts.cache.storage import narrowest

# The merge takes the terms in ranges of about this many (term, chunk) entries at a time: what it holds.
_MERGED_AT_ONCE = 400_000


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


def write_vocabulary(writer: Any, chunks: int) -> None:
    """Every chunk's terms, each once, in order (merged from the chunks' terms as written: at a million facts
    the vocabulary has two million terms, held by eight million (term, chunk) entries), the typo words among
    them, and the directory of which chunks hold each term; written by the build's ``storage.Writer`` after
    the chunks.

    The merge goes range of terms by range of terms, each step a pass in C over all of the range's entries:
    each chunk's terms of the range filed under the term (a dict), the terms sorted, their entries joined.
    An entry is one number, chunk << 32 | place, so that the chunks and places come out of it as the two
    halves of 64-bit integers."""
    from cqfacts.search import letter_words

    held = [_ChunkTerms(writer, k) for k in range(chunks)]
    offsets = array("Q", [0])
    words: list[str] = []
    held_offsets = array("Q", [0])
    held_chunks = array("H" if chunks <= 2**16 else "I")
    places = array("I")

    def pieces() -> Iterator[bytes]:
        taken = [0] * chunks
        for bound in [*_bounds(held), None]:
            found: defaultdict[bytes, list[int]] = defaultdict(list)
            for k, terms in enumerate(held):
                end = len(terms) if bound is None else bisect_left(terms, bound, taken[k])
                if end > taken[k]:
                    deque(map(list.append, map(found.__getitem__, terms.between(taken[k], end)),
                              count(k << 32 | taken[k])), 0)
                    taken[k] = end
            vocabulary = sorted(found)
            lists = list(map(found.__getitem__, vocabulary))
            del found
            held_offsets.extend(islice(accumulate(map(len, lists), initial=held_offsets[-1]), 1, None))
            halves = array("I", array("Q", chain.from_iterable(lists)).tobytes())
            del lists
            low, high = halves[0::2], halves[1::2]
            if sys.byteorder == "big":
                low, high = high, low
            places.extend(low)
            held_chunks.extend(high if held_chunks.typecode == "I" else array("H", high))
            offsets.extend(islice(accumulate(map(len, vocabulary), initial=offsets[-1]), 1, None))
            words.extend(letter_words(map(bytes.decode, vocabulary)))
            yield b"".join(vocabulary)

    writer.add_pieces("vocabulary", pieces())
    writer.add("vocabulary.offsets", narrowest(offsets))
    writer.add("directory.offsets", narrowest(held_offsets))
    writer.add("directory.chunks", held_chunks)
    writer.add("directory.places", narrowest(places))
    blob, starts = by_length(words)
    writer.add("words", blob)
    writer.add("words.by_length", starts)


class _ChunkTerms:
    """Chunk k's terms (sorted, UTF-8: in the order of their text) in the file being written, read as needed:
    its offsets whole, its terms range by range. A sequence of bytes, for ``bisect``."""

    def __init__(self, writer: Any, k: int):
        self._writer, self._name = writer, f"terms.{k}"
        self._offsets = array(writer.sections[f"{self._name}.offsets"][2], writer.read_back(f"{self._name}.offsets"))

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, i: int) -> bytes:
        return self._writer.read_back(self._name, self._offsets[i], self._offsets[i + 1])

    def between(self, first: int, end: int) -> Iterator[bytes]:
        """Terms [first, end)."""
        offsets = self._offsets
        at = offsets[first]
        data = self._writer.read_back(self._name, at, offsets[end])
        return map(data.__getitem__, map(slice, map(sub, offsets[first:end], repeat(at)),
                                          map(sub, offsets[first + 1:end + 1], repeat(at))))


def _bounds(held: list[_ChunkTerms]) -> list[bytes]:
    """Where the merge's ranges of terms end: terms of the chunk with the most, at even steps, so that each range
    holds about ``_MERGED_AT_ONCE`` entries of all chunks."""
    if not held:
        return []
    most = max(held, key=len)
    step = max(1, -(-len(most) * _MERGED_AT_ONCE // max(1, sum(map(len, held)))))
    return [most[i] for i in range(step, len(most), step)]
