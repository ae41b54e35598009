"""The cache file's block checks (``cache.storage``): a section checked whole without being kept, block by block."""

import os

import pytest

from cqfacts.cache.storage import BLOCK, HEADER_SIZE, Damaged, Reader, Writer

# Over a hundred blocks: ``Reader.check`` reads 64 at a time; the section ends in the middle of a block.
_SIZE = 100 * BLOCK + BLOCK // 3


def _written(path, *, damaged_at=None):
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    writer = Writer(fd)
    writer.add("before", b"x" * BLOCK)  # the first block, whole
    writer.add("big", bytes(range(256)) * (_SIZE // 256) + b"y" * (_SIZE % 256))
    writer.add("after", b"z" * 5000)
    writer.finish({})
    if damaged_at is not None:
        start = writer.sections["big"][0]
        os.pwrite(fd, b"\xff", start + damaged_at)
    return fd, writer.sections


def _reader(fd):
    return Reader(fd, os.fstat(fd).st_size)


def test_a_section_checked_whole_is_then_read_without_checking_again(tmp_path):
    fd, sections = _written(tmp_path / "cache")
    reader = _reader(fd)
    reader.check("big")
    start, length = sections["big"]
    first, last = (start - HEADER_SIZE) // BLOCK, (start + length - 1 - HEADER_SIZE) // BLOCK
    assert all(reader._checked[first:last + 1]) and last - first > 64
    assert reader.section("big") == bytes(range(256)) * (_SIZE // 256) + b"y" * (_SIZE % 256)


@pytest.mark.parametrize("where", [0, 65 * BLOCK + 7, _SIZE - 1], ids=["first block", "second read", "last byte"])
def test_damage_anywhere_in_a_section_is_found_by_its_check(tmp_path, where):
    fd, _ = _written(tmp_path / "cache", damaged_at=where)
    with pytest.raises(Damaged, match=r"block .* is damaged"):
        _reader(fd).check("big")
    assert _reader(fd).section("before") == b"x" * BLOCK  # the block before it is whole


def test_a_section_cut_short_is_damaged(tmp_path):
    fd, sections = _written(tmp_path / "cache")
    reader = _reader(fd)
    os.ftruncate(fd, sections["big"][0] + BLOCK)
    with pytest.raises(Damaged, match="cut short"):
        reader.check("big")


def test_strings_one_a_line_are_cut_by_their_newlines_or_by_their_offsets():
    from cqfacts.cache.storage import lines

    terms = ["1+10+1000", "hydrogen", "氢能", "", "tianmu"]
    blob, offsets = lines(terms)
    assert blob.split(b"\n")[:-1] == [t.encode() for t in terms]
    assert [blob[offsets[i]:offsets[i + 1] - 1].decode() for i in range(len(terms))] == terms
    assert offsets[-1] == len(blob) and lines([]) == (b"", lines([])[1]) and list(lines([])[1]) == [0]
    with pytest.raises(ValueError, match="newline"):
        lines(["two\nlines"])
