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


class Vocabulary:
    """Every chunk's terms, each once, in order (merged from the chunks' terms as written: at a million facts
    the vocabulary has two million terms, held by eight million (term, chunk) entries), the typo words among
    them, and the directory of which chunks hold each term; written by the build's ``storage.Writer`` after
    the chunks.

    The merge goes range of terms by range of terms (``_merged``), each range independent of the others: with
    ``pool`` (worker processes forked once this is made, so that they inherit the file being written), the
    ranges are merged two at a time while this process does other work (the build sorts the fact ids), and
    ``write`` writes them as they come back, in order."""

    def __init__(self, writer: Any, chunks: int, pool: Any = None):
        self._writer, self._chunks = writer, chunks
        _HELD[:] = [_ChunkTerms(writer, k) for k in range(chunks)]
        bounds = _bounds(_HELD)
        ranges = list(zip([None, *bounds], [*bounds, None], strict=True))
        # Submitted now: the pool's processes are forked at its first task, after _HELD is set.
        self._merged = pool.map(_merged, ranges) if pool is not None else map(_merged, ranges)

    def write(self) -> None:
        writer, chunks = self._writer, self._chunks
        offsets = array("Q", [0])
        words: list[str] = []
        held_offsets = array("Q", [0])
        held_chunks = array(_chunks_typecode(chunks))
        places = array("I")

        def pieces() -> Iterator[bytes]:
            for blob, lengths, held, chunks_of, places_of, words_of in self._merged:
                offsets.extend(islice(accumulate(lengths, initial=offsets[-1]), 1, None))
                held_offsets.extend(islice(accumulate(held, initial=held_offsets[-1]), 1, None))
                held_chunks.extend(chunks_of)
                places.extend(places_of)
                words.extend(words_of)
                yield blob

        writer.add_pieces("vocabulary", pieces())
        writer.add("vocabulary.offsets", narrowest(offsets))
        writer.add("directory.offsets", narrowest(held_offsets))
        writer.add("directory.chunks", held_chunks)
        writer.add("directory.places", narrowest(places))
        blob, starts = by_length(words)
        writer.add("words", blob)
        writer.add("words.by_length", starts)
        _HELD.clear()


def _chunks_typecode(chunks: int) -> str:
    return "H" if chunks <= 2**16 else "I"


# The chunks' terms of the cache being written (``Vocabulary``), where the merge's processes find them.
_HELD: list[_ChunkTerms] = []


def _merged(bounds: tuple[bytes | None, bytes | None]) -> tuple[bytes, array[int], array[int], array[int],
                                                               array[int], list[str]]:
    """The terms [low, high) of every chunk (None: from the first, to the last), merged in one pass in C over
    their entries: each chunk's terms filed under the term (a dict), the terms sorted, their entries joined.
    An entry is one number, chunk << 32 | place, so that the chunks and places come out of it as the two
    halves of 64-bit integers. Returned: the terms' bytes, each term's length, how many chunks hold each,
    those chunks, each term's place in them, and the typo words among the terms."""
    from cqfacts.search import letter_words

    low, high = bounds
    found: defaultdict[bytes, list[int]] = defaultdict(list)
    for k, terms in enumerate(_HELD):
        first = 0 if low is None else bisect_left(terms, low)
        end = len(terms) if high is None else bisect_left(terms, high, first)
        if end > first:
            deque(map(list.append, map(found.__getitem__, terms.between(first, end)), count(k << 32 | first)), 0)
    vocabulary = sorted(found)
    lists = list(map(found.__getitem__, vocabulary))
    del found
    held = array("I", map(len, lists))
    halves = array("I", array("Q", chain.from_iterable(lists)).tobytes())
    del lists
    places, chunks = halves[0::2], halves[1::2]
    if sys.byteorder == "big":
        places, chunks = chunks, places
    return (b"".join(vocabulary), array("I", map(len, vocabulary)), held,
            array(_chunks_typecode(len(_HELD)), chunks), places,
            letter_words(map(bytes.decode, vocabulary)))


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
