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
from itertools import accumulate, chain, count, islice
from typing import Any

from cqfacts.cache.storage import narrowest

# The merge takes the terms in ranges of about this many (term, chunk) entries at a time: what it holds.
_MERGED_AT_ONCE = 300_000
# Terms read of the chunks to find where the ranges end (each a read of the file): about this many a range.
_SAMPLES = 256


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

    The merge goes range of terms by range of terms: ``ranges`` reads each range's terms of every chunk from
    the file, ``merged`` merges one range (each independent of the others: the build has its processes merge
    them, two at a time), and ``write`` writes the merged ranges, in order, as they come."""

    def __init__(self, writer: Any, chunks: int):
        self._writer = writer
        self._held = [_ChunkTerms(writer, k) for k in range(chunks)]

    def ranges(self) -> Iterator[Range]:
        """Each range's terms: of each chunk that has some, (the chunk, the first term's place, their bytes)."""
        held = self._held
        taken = [0] * len(held)
        for bound in [*_bounds(held), None]:
            parts = []
            for k, terms in enumerate(held):
                end = len(terms) if bound is None else bisect_left(terms, bound, taken[k])
                if end > taken[k]:
                    parts.append((k, taken[k], terms.span(taken[k], end)))
                    taken[k] = end
            yield len(held), parts

    def write(self, merged: Iterable[Merged]) -> None:
        """The vocabulary, the directory and the typo words, from the ranges merged (``merged``), in order."""
        writer = self._writer
        offsets = array("Q", [0])
        words: list[str] = []
        held_offsets = array("Q", [0])
        held_chunks = array(_chunks_typecode(len(self._held)))
        places = array("I")

        def pieces() -> Iterator[bytes]:
            for blob, lengths, held, chunks_of, places_of, words_of in merged:
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


# A range of terms as ``Vocabulary.ranges`` reads it: how many chunks there are, and each one's terms in it.
Range = tuple[int, list[tuple[int, int, bytes]]]
# A range merged: the terms' bytes, each term's length, how many chunks hold each, those chunks, each term's
# place in them, and the typo words among the terms.
Merged = tuple[bytes, "array[int]", "array[int]", "array[int]", "array[int]", list[str]]


def _chunks_typecode(chunks: int) -> str:
    return "H" if chunks <= 2**16 else "I"


def merged(terms: Range) -> Merged:
    """One range of terms (``Vocabulary.ranges``) merged in one pass in C over its entries: each chunk's terms
    filed under the term (a dict), the terms sorted, their entries joined. An entry is one number,
    chunk << 32 | place, so that the chunks and places come out of it as the two halves of 64-bit integers."""
    from cqfacts.search import letter_words

    chunks, parts = terms
    found: defaultdict[bytes, list[int]] = defaultdict(list)
    for k, first, data in parts:  # (each term ends with a newline: ``storage.lines``)
        deque(map(list.append, map(found.__getitem__, data.split(b"\n")[:-1]), count(k << 32 | first)), 0)
    vocabulary = sorted(found)
    lists = list(map(found.__getitem__, vocabulary))
    del found
    held = array("I", map(len, lists))
    halves = array("I", array("Q", chain.from_iterable(lists)).tobytes())
    del lists
    places, held_chunks = halves[0::2], halves[1::2]
    if sys.byteorder == "big":
        places, held_chunks = held_chunks, places
    return (b"".join(vocabulary), array("I", map(len, vocabulary)), held,
            array(_chunks_typecode(chunks), held_chunks), places, letter_words(map(bytes.decode, vocabulary)))


class _ChunkTerms:
    """Chunk k's terms (sorted, UTF-8: in the order of their text; each ended by a newline, ``storage.lines``) in
    the file being written, read as needed: its offsets whole, its terms range by range. A sequence of bytes,
    for ``bisect``."""

    def __init__(self, writer: Any, k: int):
        self._writer, self._name = writer, f"terms.{k}"
        self._offsets = array(writer.sections[f"{self._name}.offsets"][2], writer.read_back(f"{self._name}.offsets"))

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, i: int) -> bytes:
        return self._writer.read_back(self._name, self._offsets[i], self._offsets[i + 1] - 1)

    def span(self, first: int, end: int) -> bytes:
        """Terms [first, end), each ended by its newline."""
        return self._writer.read_back(self._name, self._offsets[first], self._offsets[end])


def _bounds(held: list[_ChunkTerms]) -> list[bytes]:
    """Where the merge's ranges of terms end, so that each range holds about as many entries of all chunks,
    ``_MERGED_AT_ONCE`` at most. Chunks share most of their terms: cut at one chunk's terms, a range held up to
    2.4 times the entries of another (at a million facts, its process took 130 MB more). So terms of every
    chunk are taken, every ``step``-th, chunk k's from its own offset (the chunks' samples would else fall on
    the same terms, and add up in lumps), each standing for the entries of its chunk since the one before;
    sorted, they are cut where those add up to a range's. A chunk's entries since its last term taken are
    counted only at its next: about half a step of each chunk's, which the first range is given ahead."""
    total = sum(map(len, held))
    # An even number of ranges, alike: two processes merge them two at a time (an odd number leaves one of
    # them idle for the last).
    ranges = 2 * max(1, -(-total // (2 * _MERGED_AT_ONCE)))
    per_range = max(1, -(-total // ranges))
    step = max(1, per_range // _SAMPLES)
    taken = []  # (term, the entries of its chunk before it and after the term taken before)
    for k, terms in enumerate(held):
        first = k * step // len(held)
        taken += ((terms[i], min(i - first, step) if i > first else first) for i in range(first, len(terms), step))
    taken.sort()
    bounds, so_far = [], sum(min(step, len(terms)) for terms in held) // 2
    for term, before in taken:
        so_far += before
        if so_far >= per_range and (not bounds or term > bounds[-1]):
            bounds.append(term)
            so_far = 0
            if len(bounds) == ranges - 1:
                break
    return bounds
