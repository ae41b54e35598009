"""The cache's build, made fast: its shortcuts find exactly what the plain ways find.

The build splits many texts into terms at once (``normalize.terms_of``) and cuts files at their fact headers
(``chunks.fact_headers``); each is checked against the one-at-a-time way it replaces, and a base of awkward
texts built in parallel chunks answers as the TOML does. Small inputs only: each test takes well under 2 s.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
import tomllib
from hypothesis import given
from hypothesis import strategies as st

from conftest import FACTS, REPO, run
from cqfacts.cache import build as cache_build
from cqfacts.cache.chunks import fact_headers
from cqfacts.normalize import terms, terms_of

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate

# Pieces of text that fold in every way there is: ASCII, look-alikes (curly quotes, dashes, the backquote),
# digit groups, decimals, codes, compounds, accents, CJK (traditional too), full-width, the separator itself.
PIECES = ["abc", "XYZ", "0", "19", " ", ".", ",", "'", "+", "-", "_", "s", "\t", "\n", "’", "“", "”", "–", "`",
          "é", "天目", "長安", "\u00a0", "\u2009", "１", "ß", "\x00", "İ", "ﬁ", "’s", "1,234", "5.50", "3+4", "→"]


@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=12).map("".join), max_size=8))
def test_terms_of_many_texts_are_their_terms_one_by_one(texts):
    assert terms_of(texts) == [terms(text) for text in texts]


def test_terms_of_the_shipped_base_are_its_terms_one_by_one():
    facts = tomllib.loads(FACTS.read_text("utf-8"))["facts"]
    texts = [*facts, *(str(v) for fact in facts.values() for v in fact.values() if isinstance(v, str))]
    assert terms_of(texts) == [terms(text) for text in texts]


HEADER = "# facts\nschema_version = 1\n\n"


@pytest.mark.parametrize(("text", "expected"), [
    (HEADER + "[facts.a]\nx = 1\n\n[facts.b-2]  \r\ny = 2\n", [len(HEADER), len(HEADER) + 17]),
    (HEADER + "[facts.a]\nq = '''\n  [facts.not-a-cut]\n'''\n", [len(HEADER)]),  # indented: not a cut
    ("[facts.a]\n", [0]),
    ("\ufeffschema_version = 1\n[facts.a]\n", [22]),
    (HEADER + "[facts.a]\n[sources.s]\n", None),  # a table of another kind: not a file of facts only
    (HEADER + "[facts.a]\n  [entities.e]\n", None),
    (HEADER + "[facts.a]\n\t[[terms.t]]\n", None),
    ("title = 'x'\n[facts.a]\n", None),  # a key before the first table
    (HEADER + "x = 1\n", None),  # no table at all
])
def test_a_file_is_cut_only_at_its_own_fact_headers(text, expected):
    assert fact_headers(text.encode("utf-8")) == expected


def test_a_base_of_awkward_texts_built_in_chunks_answers_as_its_toml(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_build, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(cache_build, "CHUNK_FACTS", 2)
    base = tmp_path / "base"
    base.mkdir()
    shipped = FACTS.read_text("utf-8")
    (base / "tables.toml").write_text(shipped[:shipped.index("\n[facts.")], "utf-8")
    source = next(iter(tomllib.loads(shipped)["sources"]))
    statements = ["Chongqing’s `1,234` cars – up 5.50% (1+10+1000)", "長安汽車 sold 1’000 land-sea cars",
                  "ＴＩＡＮＭＵ–１ reached 76.9 billion", "café s s’ cars\\u0000 after NUL", "plain words only"]
    facts = "".join(f'[facts.odd-{n}]\nstatement = "{text}"\nquote = "{text}"\nsource = "{source}"\n'
                    f'paragraph = 1\nkind = "result"\nperiod = "2023"\ntags = ["cars"]\n\n'
                    for n, text in enumerate(statements))
    (base / "facts.toml").write_text("schema_version = 1\n\n" + facts, "utf-8")
    env = {"CQFACTS_CACHE_DIR": str(tmp_path / "cache")}
    found = 0
    for query in ["cars", "1234", "5.5", "landsea", "长安", "tianmu 1", "nul", "s", "café"]:
        args = ["--facts", str(base), "search", query, "--json", "--explain"]
        built, plain = run(*args, env=env), run("--no-cache", *args)
        assert (built.exit_code, built.stdout) == (plain.exit_code, plain.stdout), query
        found += built.exit_code == 0
    assert found >= 7
    assert list((tmp_path / "cache").iterdir())  # answered from the cache it built


def _sections(cache: Path, names: tuple[str, ...]) -> dict[str, bytes]:
    """The bytes of these sections of the one base cache (not the shipped base's) in a cache folder."""
    import os

    from cqfacts.cache.storage import Reader

    (file,) = [f for f in cache.iterdir() if f.suffix == ".cache"]
    fd = os.open(file, os.O_RDONLY)
    try:
        reader = Reader(fd, os.fstat(fd).st_size)
        return {name: reader.section(name) for name in names}
    finally:
        os.close(fd)


def test_the_vocabulary_merged_range_by_range_is_the_one_merged_at_once(tmp_path, monkeypatch):
    """The build merges the chunks' terms a range of terms at a time (``directory._MERGED_AT_ONCE`` entries),
    in worker processes for a large base: the vocabulary, its directory and the typo words come out the same
    however many ranges it takes, and whichever processes merge them."""
    from cqfacts.cache import directory

    base = tmp_path / "base"
    generate(400, base)
    monkeypatch.setattr(cache_build, "CHUNK_FACTS", 100)
    names = ("vocabulary", "vocabulary.offsets", "directory.offsets", "directory.chunks", "directory.places",
             "words", "words.by_length")
    made = []
    for at_once, large in ((10**9, True), (500, True), (1, True), (500, False), (1, False)):
        monkeypatch.setattr(directory, "_MERGED_AT_ONCE", at_once)
        monkeypatch.setattr(cache_build, "PARALLEL_BYTES", 0 if large else 10**12)
        cache = tmp_path / f"cache-{at_once}-{large}"
        assert run("--facts", str(base), "search", "hydrogen", env={"CQFACTS_CACHE_DIR": str(cache)}).exit_code == 0
        made.append(_sections(cache, names))
    assert all(sections == made[0] for sections in made)
    entries = len(made[0]["directory.chunks"]) // 2  # (term, chunk) entries, two bytes each: 500 took many ranges
    assert entries > 5 * 500


_CUT: dict[str, Any] = {}  # the file _plan_then_cut cuts short, and the build's own _plan


def _plan_then_cut(file: Path, streams: bool) -> Any:
    """The build's first look at a file (in a worker: a function it can name); then 20 of its facts go."""
    planned = _CUT["looked"](file, streams)
    if file == _CUT["file"]:
        text = file.read_text("utf-8")
        cut = [i for i in range(len(text)) if text.startswith("\n[facts.", i)][230]
        file.write_text(text[:cut + 1], "utf-8")
    return planned


def test_a_file_of_facts_cut_short_after_the_first_look_is_numbered_as_read(tmp_path, monkeypatch):
    """Each chunk's facts are numbered from where the first look at the files puts them: a file that loses
    facts between that look and its chunks' reading (as many chunks, fewer facts) must not shift the facts
    of the files after it. The build then goes the slow way, and the answers are the TOML's as it is now."""
    base = tmp_path / "base"
    first, second = [f for f in generate(500, base) if f.name.startswith("facts-")]
    monkeypatch.setattr(cache_build, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(cache_build, "CHUNK_FACTS", 100)  # 250 facts a file: 3 chunks, and still 3 with 230
    monkeypatch.setitem(_CUT, "looked", cache_build._plan)
    monkeypatch.setitem(_CUT, "file", first)
    monkeypatch.setattr(cache_build, "_plan", _plan_then_cut)
    env = {"CQFACTS_CACHE_DIR": str(tmp_path / "cache")}
    last_of_second = second.read_text("utf-8").rsplit("\n[facts.", 1)[1].split("]", 1)[0]
    for args in (["search", "hydrogen", "--json", "--limit", "50"], ["show", last_of_second, "--json"],
                 ["list", "--json"]):
        built = run("--facts", str(base), *args, env=env)
        assert (built.exit_code, built.stdout) == (0, run("--no-cache", "--facts", str(base), *args).stdout), args
    assert len(json.loads(run("--facts", str(base), "list", "--json", env=env).stdout)) == 480


def _plan_then_change(file: Path, streams: bool) -> Any:
    """The build's first look at a file; then four letters of its last fact's statement change (same size)."""
    planned = _CUT["looked"](file, streams)
    if file == _CUT["file"]:
        text = file.read_text("utf-8")
        at = text.rindex('statement = "') + len('statement = "')
        file.write_text(text[:at] + "Zqxw" + text[at + 4:], "utf-8")
    return planned


def test_a_chunk_changed_after_the_first_look_is_not_cached_as_the_bytes_first_seen(tmp_path, monkeypatch):
    """Each chunk's worker reads only its own bytes (and the preamble), and trusts the first look's plan and
    hash of the file only when they hash as they did then: a file changed in its last chunk between that
    look and the chunks' reading (same size) is cached as it is now, never under the hash of what it was.
    A base left alone is cached once, with its files' own hashes: the next run uses the cache as it is."""
    from cqfacts.cache import cache_name

    base = tmp_path / "base"
    first = next(f for f in generate(500, base) if f.name.startswith("facts-"))
    monkeypatch.setattr(cache_build, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(cache_build, "CHUNK_FACTS", 100)  # 250 facts a file: 3 chunks
    monkeypatch.setitem(_CUT, "looked", cache_build._plan)
    monkeypatch.setitem(_CUT, "file", first)
    monkeypatch.setattr(cache_build, "_plan", _plan_then_change)
    env = {"CQFACTS_CACHE_DIR": str(tmp_path / "cache")}
    last = first.read_text("utf-8").rsplit("\n[facts.", 1)[1].split("]", 1)[0]
    found = run("--facts", str(base), "search", "zqxw", "--json", env=env)
    assert found.exit_code == 0 and [hit["id"] for hit in json.loads(found.stdout)] == [last]
    cache = tmp_path / "cache" / cache_name(base)
    built = cache.stat().st_ino
    monkeypatch.setattr(cache_build, "_plan", _CUT["looked"])
    for args in (["show", last, "--json"], ["search", "hydrogen", "--json", "--limit", "50"]):
        again = run("--facts", str(base), *args, env=env)
        assert (again.exit_code, again.stdout) == (0, run("--no-cache", "--facts", str(base), *args).stdout)
    assert cache.stat().st_ino == built  # the cache made from the changed file, used as it is


@pytest.mark.parametrize("typecode", "BHILQ")
def test_numbers_are_stored_in_the_narrowest_array_that_holds_the_largest(typecode):
    """``storage.narrowest`` reads the numbers' bytes: each array comes out in the type a look at its largest
    number would choose (B, H or I, else as it was), with the same numbers, at every edge of every width."""
    from array import array

    from cqfacts.cache.storage import narrowest

    limit = 256 ** array(typecode).itemsize
    for largest in (0, 1, 255, 256, 2**16 - 1, 2**16, 2**24, 2**32 - 1, 2**32, 2**40, 2**64 - 1):
        if largest >= limit:
            continue
        numbers = array(typecode, [0, largest // 3, largest, 7 % (largest + 1), largest // 2])
        got = narrowest(numbers)
        wanted = next((code for code in "BHI" if largest < 256 ** array(code).itemsize), typecode)
        assert (got.typecode, list(got)) == (wanted, list(numbers)), (typecode, largest)
    assert narrowest(array(typecode)).typecode == "B"


def test_the_merge_s_ranges_hold_about_as_many_entries_each_however_the_chunks_terms_are_spread(monkeypatch):
    """Each range of the vocabulary's merge holds about ``_MERGED_AT_ONCE`` (term, chunk) entries: what the
    process merging it holds. Chunks share most of their words but each has numbers of its own, which sort
    before them; cut at the terms of the chunk with the most (here mostly numbers), one range held twice the
    others' entries."""
    import random
    from bisect import bisect_left

    from cqfacts.cache import directory

    monkeypatch.setattr(directory, "_MERGED_AT_ONCE", 5_000)
    rng = random.Random(7)
    words = sorted({"".join(rng.choice("abcdefghij") for _ in range(rng.randint(3, 9))) for _ in range(20_000)})
    chunks = []
    for k in range(40):
        own = {f"{rng.randint(0, 10**9)}".encode() for _ in range(9_000 if k == 0 else rng.randint(200, 600))}
        shared = {w.encode() for w in words if rng.random() < (0.02 if k == 0 else 0.1 + 0.02 * (k % 10))}
        chunks.append(sorted(own | shared))
    bounds = directory._bounds(chunks)
    cuts = [[bisect_left(terms, bound) for bound in bounds] for terms in chunks]
    held = [sum(ends[r + 1] - ends[r] for ends in ([0, *c, len(t)] for c, t in zip(cuts, chunks, strict=True)))
            for r in range(len(bounds) + 1)]
    assert sum(held) == sum(map(len, chunks))
    assert len(held) > 20
    assert max(held) < 1.3 * 5_000, held
