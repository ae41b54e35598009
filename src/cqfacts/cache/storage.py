"""The cache file: named sections of plain bytes (UTF-8 text, JSON, arrays of integers), each part checksummed.

Layout: a 64-byte header (magic, where the meta is, its CRC-32), the sections, the CRC-32 of every 4 KiB
block of the sections, then the meta (JSON: format, fingerprint, stamps, where each section is, the CRC of
the block table). Nothing in it is code: a reader decodes JSON and fills ``array``s from bytes. It is read
with ``pread`` from the descriptor that was checked, a block's CRC checked the first time any byte of it is
read, so a damaged page is found wherever it is, and only the parts a command needs are read at all.
"""

from __future__ import annotations

import json
import os
import struct
import sys
import zlib
from array import array
from collections.abc import Iterable
from itertools import accumulate, count
from typing import Any

MAGIC = b"cqfacts\x00cache\x00\x00\x00"
_HEADER = struct.Struct("<16sQQI")
HEADER_SIZE = 64
# A block is checked whole the first time any byte of it is read: a query at a million facts reads 2,500
# scattered pieces, 41 MB of 16 KiB blocks, 20 MB of 4 KiB ones (a 200 ms query took 35 ms less).
BLOCK = 4 * 1024
_CHECKED_AT_ONCE = 64  # blocks read at a time by ``Reader.check`` (256 KiB)


class Damaged(Exception):
    """The cache file is not what cqfacts wrote: cut short, overwritten, or not a cache at all."""


def strings(items: Iterable[str]) -> tuple[bytes, array[int]]:
    """Strings as one UTF-8 blob and the offsets of each one's start (and of the end)."""
    return blobs(map(str.encode, items))  # UTF-8 (str.encode's own), each in C: a chunk's 30,000 terms in 6 ms less


def lines(items: list[str]) -> tuple[bytes, array[int]]:
    """Strings that hold no newline as one UTF-8 blob, each ended by a newline, and where each starts (and where
    the last ends): a build's merge cuts a range of them all at once (``bytes.split``, not a slice each: 8
    million terms at a million facts, 2 s less)."""
    encoded = list(map(str.encode, items))
    blob = b"\n".join(encoded) + b"\n" if encoded else b""
    if blob.count(b"\n") != len(encoded):
        raise ValueError("a string to be written one a line holds a newline")
    return blob, narrowest(array("Q", map(int.__add__, accumulate(map(len, encoded), initial=0), count())))


def blobs(items: Iterable[bytes]) -> tuple[bytes, array[int]]:
    """Byte strings as one blob and the offsets of each one's start (and of the end)."""
    encoded = list(items)
    return b"".join(encoded), starts(encoded)


def starts(items: list[bytes]) -> array[int]:
    """Where each of these byte strings starts in their blob (``blobs``), and where the last ends."""
    return narrowest(array("Q", accumulate(map(len, items), initial=0)))


def pread_exactly(fd: int, start: int, length: int) -> bytes | None:
    """Bytes [start, start + length) of the file, read whatever the reads return at a time; None when it ends
    before."""
    data = bytearray()
    while len(data) < length:
        piece = os.pread(fd, length - len(data), start + len(data))
        if not piece:
            return None
        data += piece
    return bytes(data)


GROUP = 32  # records compressed together: a third of their size, and a fact read costs one small inflate


def groups(records: list[str]) -> tuple[bytes, array[int]]:
    """Records (JSON: never a raw newline) joined by newlines in groups of ``GROUP``, each group deflated."""
    return blobs(zlib.compress("\n".join(records[i:i + GROUP]).encode("utf-8"), 1)
                 for i in range(0, len(records), GROUP))


def narrowest(numbers: array[int]) -> array[int]:
    """The same numbers in the narrowest array type that holds them (the table of contents names the type).

    Worked out from the numbers' bytes, each step a pass in C: which of each number's bytes are ever set
    (``bytes.count``), then the bytes that stay, taken out (slices with a step). ``max`` and ``array(code, ...)``
    made a Python integer of every number: 40 ms of a 5,000-fact chunk's 1.3 s."""
    size = numbers.itemsize  # an array of unsigned numbers, as the cache's are
    if not numbers:
        return array("B")
    raw, count = numbers.tobytes(), len(numbers)
    # Byte j of each number (j = 0 the lowest) is raw[at(j)::size].
    at = (lambda j: j) if sys.byteorder == "little" else (lambda j: size - 1 - j)
    needed = next((j + 1 for j in range(size - 1, 0, -1) if raw[at(j)::size].count(0) != count), 1)
    typecode = next((code for code in "BHI" if array(code).itemsize >= needed), numbers.typecode)
    width = array(typecode).itemsize
    if width >= size:
        return numbers if typecode == numbers.typecode else array(typecode, numbers)
    kept = bytearray(count * width)
    for j in range(width):  # byte j of each number, to its place in the narrower one
        kept[(j if sys.byteorder == "little" else width - 1 - j)::width] = raw[at(j)::size]
    narrowed = array(typecode)
    narrowed.frombytes(kept)
    return narrowed


class Writer:
    """Writes sections through a file descriptor, sequentially, then the block table, the meta and the header."""

    def __init__(self, fd: int):
        self.fd = fd
        self.pos = 0
        self.sections: dict[str, list[int]] = {}
        self._blocks = array("I")
        self._crc = 0
        _write_all(fd, bytes(HEADER_SIZE), 0)  # the header's place: written last, when the rest is known
        self.pos = HEADER_SIZE
        os.lseek(fd, self.pos, os.SEEK_SET)

    def _write(self, data: bytes | memoryview) -> None:
        view = memoryview(data).cast("B")
        done = 0
        while done < len(view):  # the CRC of each block as it fills (a piece ends in one, or crosses some)
            room = BLOCK - (self.pos + done - HEADER_SIZE) % BLOCK
            piece = view[done:done + room]
            self._crc = zlib.crc32(piece, self._crc)
            done += len(piece)
            if len(piece) == room:
                self._blocks.append(self._crc)
                self._crc = 0
        while view:  # written whole, not block by block: 4 KiB blocks were 266,000 writes at a million facts
            written = os.write(self.fd, view)
            self.pos += written
            view = view[written:]

    def add(self, name: str, data: bytes | array[Any]) -> None:
        """A section: bytes, or an array of integers (written in this machine's byte order)."""
        self.add_pieces(name, [memoryview(data)], data.typecode if isinstance(data, array) else None)  # no copy

    def add_pieces(self, name: str, pieces: Iterable[bytes | memoryview], typecode: str | None = None) -> None:
        """A section of bytes made of pieces, written as they come (a section too large to hold at once)."""
        if self.pos % 8:
            self._write(bytes(8 - self.pos % 8))
        start = self.pos
        for piece in pieces:
            self._write(piece)
        self.sections[name] = [start, self.pos - start, *([typecode] if typecode else [])]

    def read_back(self, name: str, begin: int = 0, end: int | None = None) -> bytes:
        """A section written before, or bytes [begin, end) of it (the file's descriptor reads as well as writes)."""
        start, length, *_ = self.sections[name]
        start, length = start + begin, (length if end is None else end) - begin
        data = pread_exactly(self.fd, start, length)
        if data is None:
            raise OSError(f"the cache being written is short of its parts ({length:,} bytes at {start:,})")
        return data

    def finish(self, meta: dict[str, Any]) -> None:
        if (self.pos - HEADER_SIZE) % BLOCK:
            self._blocks.append(self._crc)
        end = self.pos
        blocks = self._blocks.tobytes()
        _write_all(self.fd, blocks, end)
        text = json.dumps({**meta, "sections": self.sections, "data_end": end, "blocks": len(self._blocks),
                           "blocks_crc": zlib.crc32(blocks)}, separators=(",", ":")).encode("utf-8")
        _write_all(self.fd, text, end + len(blocks))
        _write_all(self.fd, _HEADER.pack(MAGIC, end + len(blocks), len(text), zlib.crc32(text)), 0)


def _write_all(fd: int, data: bytes, at: int) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, at)
        view, at = view[written:], at + written


class Reader:
    """Sections of a cache file, read with ``pread`` from an open descriptor, each block checked once.

    Not ``mmap``: every page of a mapped file that a query touches (and the pages the kernel maps around
    it) counts in the process's memory, 270 MB for one query at a million facts, and a file cut short
    under a mapping kills the process with SIGBUS instead of raising.
    """

    def __init__(self, fd: int, size: int):
        self._fd = fd
        if size < HEADER_SIZE:
            raise Damaged(f"{size} bytes, not a cache")
        magic, meta_at, meta_length, meta_crc = _HEADER.unpack(self._pread(0, _HEADER.size))
        if magic != MAGIC:
            raise Damaged("not a cqfacts cache")
        if meta_at + meta_length != size:
            raise Damaged(f"{size:,} bytes where its parts need {meta_at + meta_length:,}")
        text = self._pread(meta_at, meta_length)
        if zlib.crc32(text) != meta_crc:
            raise Damaged("its table of contents is damaged")
        self.meta: dict[str, Any] = json.loads(text)
        self._end = self.meta["data_end"]
        if not isinstance(self._end, int) or not HEADER_SIZE <= self._end <= meta_at:
            raise Damaged("its table of contents is damaged")
        self._crcs: array[int] | None = None  # the block table, read with the first section (``_block_table``)
        self._checked = bytearray(-(-(self._end - HEADER_SIZE) // BLOCK))

    def _block_table(self) -> array[int]:
        """The CRC of each block, read and checked when the first section is read: a caller has first looked at
        the meta, so a cache of another format (other blocks) is out of date, not damaged."""
        if self._crcs is None:
            blocks = self._pread(self._end, 4 * self.meta["blocks"])
            if zlib.crc32(blocks) != self.meta["blocks_crc"] or len(self._checked) != len(blocks) // 4:
                raise Damaged("its block table is damaged")
            self._crcs = array("I")
            self._crcs.frombytes(blocks)
        return self._crcs

    def _pread(self, at: int, length: int) -> bytes:
        data = os.pread(self._fd, length, at)
        if len(data) != length:
            raise Damaged(f"cut short at {at + len(data):,} bytes")
        return data

    def close(self) -> None:
        """Nothing to release: the descriptor is the caller's."""

    def copy_to(self, fd: int, meta: dict[str, Any]) -> None:
        """Write this file with another meta (new stamps) through ``fd``: its sections and block table as they are."""
        end = self._end + 4 * self.meta["blocks"]
        for at in range(0, end, 2**20):
            _write_all(fd, self._pread(at, min(2**20, end - at)), at)
        text = json.dumps(meta, separators=(",", ":")).encode("utf-8")
        _write_all(fd, text, end)
        _write_all(fd, _HEADER.pack(MAGIC, end, len(text), zlib.crc32(text)), 0)

    def read(self, start: int, length: int) -> bytes:
        """Bytes [start, start + length) of the sections, after checking the blocks they lie in."""
        first, last = self._blocks(start, length)
        if first == last and self._checked[first]:  # the common case: a small part of a block read before
            return self._pread(start, length)
        at, data = self._checked_blocks(first, last)  # one read of the whole blocks the part lies in
        return data[start - at:start - at + length]

    def check(self, name: str) -> None:
        """Check every block of a section, keeping none of it: read 256 KiB at a time (read whole, the 4 MB of
        a million-fact base's field labels were allocated and copied twice: 9 ms, not 3)."""
        start, length, *_ = self._entry(name)
        first, last = self._blocks(start, length)
        for block in range(first, last + 1, _CHECKED_AT_ONCE):
            end = min(block + _CHECKED_AT_ONCE, last + 1) - 1
            if not all(self._checked[block:end + 1]):
                self._checked_blocks(block, end)

    def _blocks(self, start: int, length: int) -> tuple[int, int]:
        """The first and the last block that bytes [start, start + length) of the sections lie in."""
        end = start + length
        if start < HEADER_SIZE or length < 0 or end > self._end:
            raise Damaged(f"a part out of bounds ({start:,}+{length:,})")
        return (start - HEADER_SIZE) // BLOCK, (max(end, start + 1) - 1 - HEADER_SIZE) // BLOCK

    def _checked_blocks(self, first: int, last: int) -> tuple[int, bytes]:
        """Blocks first to last read in one piece, each not checked before checked in it; where they start, and them."""
        at = HEADER_SIZE + first * BLOCK
        data = self._pread(at, min(HEADER_SIZE + (last + 1) * BLOCK, self._end) - at)
        view = memoryview(data)
        crcs = self._block_table()
        for block in range(first, last + 1):
            if not self._checked[block]:
                offset = (block - first) * BLOCK  # (each block checked where it lies, not copied out first)
                if zlib.crc32(view[offset:offset + BLOCK]) != crcs[block]:
                    raise Damaged(f"block {block:,} is damaged")
                self._checked[block] = 1
        return at, data

    def _entry(self, name: str) -> list[Any]:
        entry = self.meta["sections"].get(name)
        if not isinstance(entry, list) or len(entry) not in (2, 3):
            raise Damaged(f"no part {name!r}")
        return entry

    def section(self, name: str) -> bytes:
        start, length, *_ = self._entry(name)
        return self.read(start, length)

    def where(self, name: str) -> int:
        return self._entry(name)[0]

    def json(self, name: str) -> Any:
        return json.loads(self.section(name))
