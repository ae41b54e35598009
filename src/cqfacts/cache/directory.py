"""The cache's term directory: for each term of the base's vocabulary, the chunks that hold it and where.

A base of a million facts is indexed in a hundred chunks, each with its own sorted terms; without the
directory, finding a term's postings meant a bisection in every chunk's terms. With it a query finds the
term once in the vocabulary (term number v), then reads entries [offsets[v], offsets[v + 1]) of
``chunks`` (which chunk, ascending) and ``places`` (the term's number in that chunk's terms, where its
postings' offsets are). The build feeds it each vocabulary term's chunks as it merges the chunks' terms.
"""

from __future__ import annotations

import heapq
import itertools
import operator
from array import array
from collections.abc import Iterable, Iterator
from typing import Any

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


def write_vocabulary(writer: Any, chunks: int) -> None:
    """Every chunk's terms, each once, in order (merged from the chunks' terms as written: at a million facts
    the vocabulary has millions of terms), the typo words among them, and the directory of which chunks hold
    each term; written by the build's ``storage.Writer`` after the chunks."""
    from cqfacts.search import letter_words

    offsets = array("Q", [0])
    words: list[str] = []
    directory = Directory(chunks)

    def pieces() -> Iterator[bytes]:
        batch: list[bytes] = []
        merged = heapq.merge(*(zip(_terms(writer, k), itertools.repeat(k)) for k in range(chunks)))
        for term, held in itertools.groupby(merged, key=operator.itemgetter(0)):
            directory.add(map(operator.itemgetter(1), held))
            batch.append(term)
            offsets.append(offsets[-1] + len(term))
            if len(batch) == 10_000:
                words.extend(letter_words(b.decode("utf-8") for b in batch))
                yield b"".join(batch)
                batch = []
        words.extend(letter_words(b.decode("utf-8") for b in batch))
        yield b"".join(batch)

    writer.add_pieces("vocabulary", pieces())
    writer.add("vocabulary.offsets", narrowest(offsets))
    for section in directory.sections():
        writer.add(*section)
    blob, starts = by_length(words)
    writer.add("words", blob)
    writer.add("words.by_length", starts)


def _terms(writer: Any, k: int) -> Iterator[bytes]:
    """Chunk k's terms (sorted, UTF-8: in the order of their text) read back from the file being written."""
    blob = writer.read_back(f"terms.{k}")
    offsets = array(writer.sections[f"terms.{k}.offsets"][2])
    offsets.frombytes(writer.read_back(f"terms.{k}.offsets"))
    return map(blob.__getitem__, map(slice, offsets, offsets[1:]))
