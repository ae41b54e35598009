"""The cache as another local user would attack it, and as a failing disk would damage it (issue 10).

Each case runs cqfacts through its real entry point and checks: the right answer (the one ``--no-cache``
gives), a one-line notice naming the path and why, no code run, no file written outside the cache folder,
no traceback. The tests run as root here, so "another user" is a file or folder chowned to uid 65534.
"""

from __future__ import annotations

import os
import pickle
import shutil
import stat
from pathlib import Path

import pytest

from conftest import FACTS, run, run_process
from test_hostile import unchanged

ARGS = ["search", "Tianmu", "--json"]
NOBODY = 65534
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")


@pytest.fixture
def base(tmp_path) -> Path:
    folder = tmp_path / "base"
    folder.mkdir()
    shutil.copyfile(FACTS, folder / "facts.toml")
    return folder


@pytest.fixture
def expected(base) -> tuple[int, str]:
    result = run("--no-cache", "--facts", str(base), *ARGS)
    assert result.exit_code == 0
    return result.exit_code, result.stdout


def cached(base: Path, cache: Path, *args: str, **env: str | None) -> tuple[int, str, str]:
    result = run("--facts", str(base), *(args or ARGS), env={"CQFACTS_CACHE_DIR": str(cache), **env})
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def cache_file(cache: Path, base: Path) -> Path:
    from cqfacts.cache import cache_name

    return cache / cache_name(base)


class Marker:
    """A pickle that, if anything ever unpickled it, would create a file: proof that no code ran."""

    path = ""

    def __reduce__(self):
        return (Path.touch, (Path(self.path),))


def planted_pickle(marker: Path) -> bytes:
    Marker.path = str(marker)
    return pickle.dumps(Marker())


# --- Only the user's own cache is read ---------------------------------------------------------------------

def test_a_pickle_at_the_cache_name_runs_nothing_and_is_replaced(tmp_path, base, expected):
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    target = cache_file(cache, base)
    marker = tmp_path / "ran"
    target.write_bytes(planted_pickle(marker))
    target.chmod(0o600)
    with unchanged(base):
        code, out, err = cached(base, cache)
    assert (code, out) == expected
    assert err == f"cqfacts: the cache {target} cannot be read (not a cqfacts cache); rebuilding it\n"
    assert not marker.exists()
    assert cached(base, cache) == (*expected, "")  # rebuilt: read silently


@needs_root
def test_a_cache_file_of_another_user_is_not_read(tmp_path, base, expected):
    cache = tmp_path / "cache"
    cached(base, cache)  # a real, fresh cache: only its owner is wrong
    target = cache_file(cache, base)
    os.chown(target, NOBODY, NOBODY)
    code, out, err = cached(base, cache)
    assert (code, out) == expected
    assert err == (f"cqfacts: the cache {target} is not used (owned by uid {NOBODY}, not by you (uid 0)); "
                   "rebuilding it\n")
    assert target.stat().st_uid == 0  # replaced by one of our own, not written into
    assert cached(base, cache) == (*expected, "")


@needs_root
@pytest.mark.parametrize("variable", ["CQFACTS_CACHE_DIR", "XDG_CACHE_HOME", "HOME"])
def test_a_cache_folder_of_another_user_is_never_used_root_included(tmp_path, base, expected, variable):
    # As under sudo -E: root's cqfacts is pointed at a folder another user owns, and so could fill.
    theirs = tmp_path / "theirs"
    folder = {"CQFACTS_CACHE_DIR": theirs, "XDG_CACHE_HOME": theirs / "cqfacts",
              "HOME": theirs / ".cache" / "cqfacts"}[variable]
    folder.mkdir(parents=True, mode=0o700)
    for path in [theirs, *theirs.rglob("*")]:
        os.chown(path, NOBODY, NOBODY)
    marker = tmp_path / "ran"
    from cqfacts.cache import cache_name

    (folder / cache_name(base)).write_bytes(planted_pickle(marker))
    env = {"CQFACTS_CACHE_DIR": None, "XDG_CACHE_HOME": None, "HOME": None, variable: str(theirs)}
    with unchanged(base), unchanged(theirs):
        result = run("--facts", str(base), *ARGS, env=env)
    assert (result.exit_code, result.stdout) == expected
    assert result.stderr.startswith(f"cqfacts: the cache folder {folder} is not used: owned by uid {NOBODY}, ")
    assert result.stderr.count("\n") == 1
    assert not marker.exists()


@pytest.mark.parametrize("mode", [0o770, 0o707, 0o777])
def test_a_cache_folder_others_can_write_is_not_used(tmp_path, base, expected, mode):
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(mode)
    with unchanged(base), unchanged(cache):
        code, out, err = cached(base, cache)
    assert (code, out) == expected
    assert err == (f"cqfacts: the cache folder {cache} is not used: writable by others (mode {mode:04o}); reading "
                   "the fact base without it (make it yours with mode 700, or set $CQFACTS_CACHE_DIR)\n")


def test_a_symbolic_link_as_the_cache_folder_is_not_followed(tmp_path, base, expected):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (tmp_path / "cache").symlink_to(elsewhere)
    code, out, err = cached(base, tmp_path / "cache")
    assert (code, out) == expected
    assert "is not used: a symbolic link, not a folder" in err and err.count("\n") == 1
    assert list(elsewhere.iterdir()) == []


PLANTS = {
    "a named pipe": lambda target: os.mkfifo(target, 0o600),
    "a symbolic link to /dev/zero": lambda target: target.symlink_to("/dev/zero"),
    "a symbolic link to a file outside": lambda target: target.symlink_to(target.parent.parent / "victim"),
    "a folder": lambda target: target.mkdir(),
}


@pytest.mark.parametrize("plant", PLANTS)
def test_something_planted_at_the_cache_name_is_never_read_or_written_through(tmp_path, base, expected, plant):
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    victim = tmp_path / "victim"
    victim.write_text("not yours\n")
    target = cache_file(cache, base)
    PLANTS[plant](target)
    with unchanged(base):  # a real process: a pipe or /dev/zero must not hang it
        result = run_process("--facts", str(base), *ARGS, env={"CQFACTS_CACHE_DIR": str(cache)}, timeout=60)
    assert (result.returncode, result.stdout) == expected
    assert result.stderr.startswith(f"cqfacts: the cache {target} ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert victim.read_text() == "not yours\n"
    if plant != "a folder":  # a folder is not replaced by a file: it stays refused, and the TOML answers
        assert stat.S_ISREG(target.lstat().st_mode)
        assert cached(base, cache) == (*expected, "")


def test_a_symbolic_link_at_the_temporary_name_is_never_written_through(tmp_path, base, expected, monkeypatch):
    import tempfile

    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    victim = tmp_path / "victim"
    victim.write_text("not yours\n")
    from cqfacts.cache import cache_name

    name = cache_name(base)
    (cache / f"{name}.planted.tmp").symlink_to(victim)
    names = iter(["planted", "planted", "ours"])  # mkstemp's first two tries meet the link

    class Names:
        def __iter__(self):
            return self

        def __next__(self):
            return next(names)

    monkeypatch.setattr(tempfile, "_get_candidate_names", Names)
    code, out, err = cached(base, cache)
    assert (code, out, err) == (*expected, "")
    assert victim.read_text() == "not yours\n"
    assert sorted(p.name for p in cache.iterdir()) == [name, f"{name}.planted.tmp"]
    assert stat.S_ISREG((cache / name).lstat().st_mode)


def test_folders_are_0700_and_files_0600_even_under_umask_000(tmp_path, base, expected):
    cache = tmp_path / "made" / "by" / "cqfacts"
    old = os.umask(0)
    try:
        assert cached(base, cache) == (*expected, "")
    finally:
        os.umask(old)
    for folder in (tmp_path / "made", tmp_path / "made" / "by", cache):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    (only,) = cache.iterdir()
    assert stat.S_IMODE(only.stat().st_mode) == 0o600


def test_a_cache_far_larger_than_its_base_needs_is_refused_unread(tmp_path, base, expected):
    from cqfacts.cache import SIZE_FACTOR, SIZE_SLACK

    cache = tmp_path / "cache"
    cached(base, cache)
    target = cache_file(cache, base)
    limit = SIZE_FACTOR * (base / "facts.toml").stat().st_size + SIZE_SLACK
    with target.open("r+b") as f:
        f.truncate(limit + 1)  # sparse: a huge file costs nothing here, and must cost nothing to refuse
    code, out, err = cached(base, cache)
    assert (code, out) == expected
    assert err == (f"cqfacts: the cache {target} is not used ({limit + 1:,} bytes, more than a cache of this fact "
                   f"base can need ({limit:,})); rebuilding it\n")


# --- Never a wrong or stale answer -------------------------------------------------------------------------

@pytest.mark.parametrize("contents", ["identical", "changed, same size and mtime"])
def test_a_file_rewritten_while_the_cache_is_built(tmp_path, base, monkeypatch, contents):
    from cqfacts.cache import build

    facts = base / "facts.toml"
    original = facts.read_text("utf-8")
    rewritten = original if contents == "identical" else original.replace("Tianmu-1", "Tianmx-1")
    before = cached(base, tmp_path / "cache")[1]

    def racing_writer(path: Path) -> None:  # right after the build read the file, before it records the stamp
        monkeypatch.setattr(build, "AFTER_READ", None)
        st = facts.stat()
        facts.write_text(rewritten, "utf-8")
        os.utime(facts, ns=(st.st_atime_ns, st.st_mtime_ns))

    monkeypatch.setattr(build, "AFTER_READ", racing_writer)
    shutil.rmtree(tmp_path / "cache")
    code, out, err = cached(base, tmp_path / "cache")
    assert (code, out, err) == (0, before, "")  # the base as it was read
    now = run("--no-cache", "--facts", str(base), *ARGS)
    assert (now.stdout == before) == (contents == "identical")
    assert cached(base, tmp_path / "cache") == (0, now.stdout, "")  # never the half-read base as the new one
    inode = cache_file(tmp_path / "cache", base).stat().st_ino
    assert cached(base, tmp_path / "cache") == (0, now.stdout, "")
    assert cache_file(tmp_path / "cache", base).stat().st_ino == inode


def test_three_spellings_of_one_base_share_one_cache(tmp_path, base, expected, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.chdir(tmp_path)
    assert cached(Path("base"), cache) == (*expected, "")
    (built,) = cache.iterdir()
    inode = built.stat().st_ino
    for spelling in ("./base", str(base), "base/", str(tmp_path / "." / "base")):
        assert cached(Path(spelling), cache) == (*expected, ""), spelling
    assert [p.stat().st_ino for p in cache.iterdir()] == [inode]  # never rebuilt by another spelling
    (tmp_path / "link").symlink_to(base)
    assert cached(Path("link"), cache) == (*expected, "")
    assert [p.stat().st_ino for p in cache.iterdir()] == [inode]


# --- Damage: a notice, the answer from the TOML, a rebuilt cache -------------------------------------------

def _sections(target: Path) -> dict[str, list[int]]:
    from cqfacts.cache.storage import Reader

    fd = os.open(target, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        reader = Reader(fd, size)
        sections = {**reader.meta["sections"], "<meta>": [size - 40, 40],
                    "<blocks>": [reader.meta["data_end"], 4 * reader.meta["blocks"]]}
        reader.close()
        return sections
    finally:
        os.close(fd)


def _zero(data: bytearray, at: int, length: int) -> None:
    data[at:at + length] = bytes(length)


def _flip(data: bytearray, at: int) -> None:
    data[at] ^= 1


def _without(data: bytearray, section: str) -> None:
    """A well-formed cache (table of contents and its checksum right) that lacks a part: a missing table."""
    import json
    import struct
    import zlib

    from cqfacts.cache.storage import MAGIC

    _, at, length, _ = struct.unpack_from("<16sQQI", data, 0)
    meta = json.loads(bytes(data[at:at + length]))
    del meta["sections"][section]
    text = json.dumps(meta).encode()
    data[at:] = text
    data[:struct.calcsize("<16sQQI")] = struct.pack("<16sQQI", MAGIC, at, len(text), zlib.crc32(text))


SEARCH = {"search"}
ALL = {"search", "list", "show"}
DAMAGE = {  # how, and the commands that read the damaged part (the others answer right without noticing)
    "zeroed header": (lambda data, s: _zero(data, 0, 64), ALL),
    "zeroed table of contents": (lambda data, s: _zero(data, *s["<meta>"]), ALL),
    "zeroed block table": (lambda data, s: _zero(data, *s["<blocks>"]), ALL),
    "zeroed fact ids": (lambda data, s: _zero(data, *s["facts.ids"][:2]), ALL),
    "zeroed postings": (lambda data, s: _zero(data, *s["postings.0.numbers"][:2]), SEARCH),
    "zeroed field labels": (lambda data, s: _zero(data, *s["fields"][:2]), SEARCH),
    "zeroed fact records": (lambda data, s: _zero(data, *s["facts.records.0"][:2]), ALL),
    "a bit flipped in the vocabulary": (lambda data, s: _flip(data, s["vocabulary"][0] + s["vocabulary"][1] // 2),
                                        SEARCH),
    "a bit flipped in the fact lengths": (lambda data, s: _flip(data, s["lengths"][0] + 8), SEARCH),
    "a missing part": (lambda data, s: _without(data, "entities.records"), ALL),
    "a missing part of the index": (lambda data, s: _without(data, "terms.0"), SEARCH),
    "cut short": (lambda data, s: data.__delitem__(slice(len(data) // 3, None)), ALL),
    "bytes appended": (lambda data, s: data.extend(b"\0" * 5000), ALL),
    "garbage": (lambda data, s: data.__setitem__(slice(None), b"\x00not a cache\xff" * 500), ALL),
    "empty": (lambda data, s: data.clear(), ALL),
}


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("args", [ARGS, ["search", "satellite launch 2023", "--json", "--limit", "50"],
                                  ["list", "--json"], ["show", "tianmu-1-developer", "--json"]], ids=" ".join)
def test_any_damage_is_a_notice_the_answer_from_the_toml_and_a_rebuilt_cache(tmp_path, base, damage, args):
    cache = tmp_path / "cache"
    expected = run("--no-cache", "--facts", str(base), *args)
    assert cached(base, cache, *args) == (0, expected.stdout, "")
    target = cache_file(cache, base)
    data = bytearray(target.read_bytes())
    how, readers = DAMAGE[damage]
    how(data, _sections(target))
    target.write_bytes(bytes(data))
    with unchanged(base):
        code, out, err = cached(base, cache, *args)
    assert (code, out) == (0, expected.stdout)
    # A command that reads the damaged part must notice; another may (its block holds a part it reads).
    if args[0] in readers or err:
        assert err.startswith(f"cqfacts: the cache {target} cannot be read (") and err.endswith("); rebuilding it\n")
        assert err.count("\n") == 1
        assert cached(base, cache, *args) == (0, expected.stdout, "")  # rebuilt: silent again


def test_a_cache_of_an_older_format_is_rebuilt_without_a_notice(tmp_path, base, expected, monkeypatch):
    from cqfacts.cache import freshness, storage
    from cqfacts.cache.storage import Reader

    cache = tmp_path / "cache"
    with monkeypatch.context() as older:  # format 5 had 16 KiB blocks: its block table is not this one's
        older.setattr(freshness, "FORMAT", 5)
        older.setattr(storage, "BLOCK", 16 * 1024)
        assert cached(base, cache) == (0, expected[1], "")
    assert cached(base, cache) == (0, expected[1], "")  # out of date, not damaged: rebuilt silently
    with open(cache_file(cache, base), "rb") as f:
        assert Reader(f.fileno(), os.fstat(f.fileno()).st_size).meta["format"] == freshness.FORMAT
