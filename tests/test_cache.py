"""The fact base cache: the same answers as the TOML, rebuilt when a file changes, never an error.

Bases: the shipped one and a generated one of 1,000 facts (two files of 500, 800 KB). Each test has its own cache folder
(CQFACTS_CACHE_DIR). How the cache refuses what it cannot trust, and survives damage: tests/test_cache_trust.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FACTS, REPO, run, run_process

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import QUERIES, generate

COMMANDS = [
    ["search", "Tianmu", "--json"],
    ["search", "Tianmo satellites", "--explain", "--json"],
    ["search", "how many new energy vehicles did Chongqing produce in 2023", "--json"],
    ["search", "76.9 billion", "--json"],
    ["search", "天目", "--json", "--limit", "3"],
    ["search", "satellites", "--tag", "satellites", "--json"],
    ["search", "xylophone", "--json"],
    ["list", "--kind", "target", "--json"],
    ["show", "nev-production-sales-2023", "--json"],
    ["show", "nev-production-sales-202"],
    ["cite", "nev-production-sales-2023", "--style", "mla"],
    ["sources", "--json"],
    ["tags", "--json"],
    ["stats", "--json"],
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("generated") / "base"
    generate(1_000, base)
    return base


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


def cached(*args: str, cache: Path, **env: str | None) -> tuple[int, str, str]:
    result = run(*args, env={"CQFACTS_CACHE_DIR": str(cache), **env})
    return result.exit_code, result.stdout, result.stderr


def uncached(*args: str) -> tuple[int, str, str]:
    result = run("--no-cache", *args)
    return result.exit_code, result.stdout, result.stderr


def cache_files(cache: Path) -> list[Path]:
    return sorted(cache.iterdir()) if cache.exists() else []


def base_copy(folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copyfile(FACTS, folder / "facts.toml")
    return folder / "facts.toml"


# --- The same answers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_the_shipped_base_answers_the_same_from_the_cache(cache, args):
    first = cached(*args, cache=cache)  # builds the cache
    again = cached(*args, cache=cache)  # reads it
    assert first == again == uncached(*args)
    (only,) = cache_files(cache)
    assert only.suffix == ".cache"


def test_a_generated_base_answers_the_same_from_its_cache(generated, cache):
    facts = ["--facts", str(generated)]
    queries = [*QUERIES.values(), "university trade", "Zhongxin", "ZXS", "中芯", "zhongx", "chongqing 2023 exports"]
    for query in queries:
        args = [*facts, "search", query, "--json", "--explain", "--limit", "20"]
        expected = uncached(*args)
        assert expected[0] == 0, query
        assert cached(*args, cache=cache) == cached(*args, cache=cache) == expected, query
    (only,) = cache_files(cache)
    assert only.suffix == ".cache"
    for args in (["search", "hydrogen", "--tag", "energy", "--year", "2023", "--json"],
                 ["search", "Vietnam", "--entity", "Zhongxin Semiconductor", "--json"],
                 ["list", "--source", "src-00003", "--json"], ["stats", "--json"], ["sources", "--json"],
                 ["show", "no-such-fact"]):
        assert cached(*facts, *args, cache=cache) == uncached(*facts, *args), args


def test_a_base_built_in_parallel_chunks_answers_the_same(generated, cache, monkeypatch):
    from cqfacts.cache import build as cache_module

    # As a base of 100,000 facts is built: read and indexed by worker processes, in many chunks.
    monkeypatch.setattr(cache_module, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(cache_module, "CHUNK_FACTS", 300)
    for query in [*QUERIES.values(), "university trade"]:
        args = ["--facts", str(generated), "search", query, "--json", "--explain", "--limit", "30"]
        assert cached(*args, cache=cache) == cached(*args, cache=cache) == uncached(*args), query
    assert cached("--facts", str(generated), "list", "--json", cache=cache) == uncached(
        "--facts", str(generated), "list", "--json")


def test_a_chunk_with_wider_columns_than_the_first_answers_the_same(tmp_path, cache, chunked):
    # Each chunk's columns are as narrow as its own values allow; a field code is one per entity named, so a
    # later chunk naming hundreds of entities stores codes over 255 that the first chunk stores in a byte.
    # A 1,000,000-fact base met this: a search that spans the chunks saw a damaged cache and rebuilt it.
    base = tmp_path / "wide"
    base.mkdir()
    names = [f"Maker {n:03d}" for n in range(300)]
    tables = ['schema_version = 1', '[sources.s]', 'title = "A report"', 'site = "Example"',
              'authors = [{ organization = "Example" }]', 'published = 2024-03-31', 'language = "en"']
    tables += [f'[entities.maker-{n:03d}]\nname = "{name}"\naliases = ["M{n:03d}"]\ntype = "organization"'
               for n, name in enumerate(names)]
    (base / "tables.toml").write_text("\n".join(tables) + "\n", "utf-8")

    def facts(first: int, count: int, entities: int) -> str:
        rows = ["schema_version = 1"]
        for n in range(first, first + count):
            named = ", ".join(f'"maker-{(n * 7 + k) % entities:03d}"' for k in range(3))
            rows.append(f'[facts.f{n:04d}]\nstatement = "Corridor freight number {n} grew."\n'
                        f'quote = "corridor freight grew"\nsource = "s"\nparagraph = 1\nkind = "result"\n'
                        f"entities = [{named}]")
        return "\n".join(rows) + "\n"

    (base / "a-facts.toml").write_text(facts(0, 300, 3), "utf-8")  # chunk 0: a few fields, codes in a byte
    (base / "b-facts.toml").write_text(facts(300, 300, 300), "utf-8")  # chunk 1: hundreds of entity fields
    for query in ("corridor freight", "Maker 299 corridor", "M150"):
        args = ["--facts", str(base), "search", query, "--json", "--explain", "--limit", "1000"]
        expected = uncached(*args)
        assert expected[0] == 0, query
        assert cached(*args, cache=cache) == cached(*args, cache=cache) == expected, query


@pytest.fixture
def chunked(monkeypatch):
    """Builds as a large base is built: files of facts read by workers, cut into pieces of 300 facts."""
    from cqfacts.cache import build as cache_module

    monkeypatch.setattr(cache_module, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(cache_module, "CHUNK_FACTS", 300)


def generated_copy(generated: Path, folder: Path) -> Path:
    shutil.copytree(generated, folder)
    return folder


def cut_fact(folder: Path, number: int = 400) -> tuple[Path, str, str]:
    """The first file of facts, the id of its fact ``number`` (from 0) and that fact's table (its header's
    line to the next header's). Generated facts have no sub-tables: each fact is one table."""
    file = sorted(folder.glob("facts-*.toml"))[0]
    text = file.read_text("utf-8")
    starts = [m.start() for m in re.finditer(r"^\[facts\.", text, re.M)]
    start, end = starts[number], starts[number + 1]
    return file, text[start + len("[facts."):text.index("]", start)], text[start:end]


@pytest.mark.parametrize("damage", ["an id defined in two files", "an unknown entity", "an unknown source",
                                    "a table in a file of facts", "a broken piece"])
def test_a_problem_in_a_file_of_facts_is_reported_as_without_the_cache(generated, cache, chunked, tmp_path, damage):
    base = generated_copy(generated, tmp_path / "base")
    file, fact_id, table = cut_fact(base)
    if damage == "an id defined in two files":
        (base / "zz-more.toml").write_text(f"schema_version = 1\n\n{table}", "utf-8")
    else:
        old = table
        new = {"an unknown entity": old.replace("entities = [", 'entities = ["no-such-entity", '),
               "an unknown source": re.sub(r'source = "[^"]*"', 'source = "src-99999"', old),
               "a table in a file of facts": old + '[entities.made-here]\nname = "Made Here"\ntype = "organization"\n\n',
               "a broken piece": old.replace("statement = ", "statement = = ")}[damage]
        assert new != old
        file.write_text(file.read_text("utf-8").replace(old, new), "utf-8")
    for args in (["search", "hydrogen", "--json"], ["show", fact_id, "--json"], ["check"]):
        expected = uncached("--facts", str(base), *args)
        assert cached("--facts", str(base), *args, cache=cache) == expected, (damage, args)
    if damage == "a table in a file of facts":  # not a problem: read the slow way, cached all the same
        assert expected[0] == 0
        assert cached("--facts", str(base), "search", "Made Here", "--json", cache=cache) == uncached(
            "--facts", str(base), "search", "Made Here", "--json")
        assert len(cache_files(cache)) == 1
    else:
        assert expected[0] == 2
        assert cache_files(cache) == []


@pytest.mark.parametrize("shape", ["a sub-table apart from its fact", "a header inside a multi-line string",
                                   "a file of facts and tables first"])
def test_toml_a_cut_cannot_read_is_read_whole_with_the_same_answers(generated, cache, chunked, tmp_path, shape):
    base = generated_copy(generated, tmp_path / "base")
    # Files of facts are cut before every 300th fact header: fact 298's table ends just before a cut.
    file, fact_id, table = cut_fact(base, 298)
    text = file.read_text("utf-8")
    if shape == "a sub-table apart from its fact":  # legal TOML: [facts.ID.speaker] at the end, in another piece
        fact_id = next(cut_fact(base, n)[1] for n in range(300) if "speaker =" not in cut_fact(base, n)[2])
        text += f'\n[facts.{fact_id}.speaker]\nname = "Moved Speaker"\n'
    elif shape == "a header inside a multi-line string":  # the cut falls inside the string
        text = text.replace(table, table.rstrip() + '\nnote = """\n[facts.not-a-header]\nsaid apart"""\n\n', 1)
    else:
        sources = base / "sources-and-entities.toml"
        (base / "aaa.toml").write_text(sources.read_text("utf-8") + "\n" + table, "utf-8")
        sources.unlink()
        text = text.replace(table, "", 1)
    file.write_text(text, "utf-8")
    for query in ["Moved Speaker", "said apart", *QUERIES.values()]:
        args = ["--facts", str(base), "search", query, "--json", "--explain", "--limit", "30"]
        expected = uncached(*args)
        assert expected[0] in (0, 1), (shape, expected)
        assert cached(*args, cache=cache) == cached(*args, cache=cache) == expected, (shape, query)
    assert cached("--facts", str(base), "show", fact_id, "--json", cache=cache) == uncached(
        "--facts", str(base), "show", fact_id, "--json")
    assert len(cache_files(cache)) == 1


def test_a_large_base_is_read_without_a_database_or_rich(generated, cache):
    from test_startup import loaded

    env = {"CQFACTS_CACHE_DIR": str(cache)}
    run_process("--facts", str(generated), "search", "hydrogen", "--json", env=env)
    modules, out = loaded("--facts", str(generated), "search", "hydrogen", "--json", env=env)
    assert modules == {"typer"}  # no progress bar when stderr is not a terminal, no typo matching
    assert out.startswith("[")


# --- Rebuilt when the files change ----------------------------------------------------------------------

def test_an_edit_is_seen_even_with_the_same_size_and_mtime(tmp_path, cache):
    facts = base_copy(tmp_path / "base")
    args = ["--facts", str(facts), "search", "Tianmu", "--json"]
    before = cached(*args, cache=cache)
    text = facts.read_text("utf-8")
    assert "Tianmu-1" in text
    stat = facts.stat()
    facts.write_text(text.replace("Tianmu-1", "Tianmx-1"), "utf-8")  # same size
    os.utime(facts, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the mtime put back, as cp -p or rsync do
    after = cached(*args, cache=cache)
    assert after == uncached(*args) != before


def test_a_touched_file_is_hashed_not_rebuilt(tmp_path, cache):
    facts = base_copy(tmp_path / "base")
    args = ["--facts", str(facts), "search", "Tianmu", "--json"]
    first = cached(*args, cache=cache)
    (built,) = cache_files(cache)
    inode = built.stat().st_ino
    os.utime(facts, ns=(10**18, 10**18))  # a checkout moves mtimes; the contents are the same
    assert cached(*args, cache=cache) == first
    assert built.stat().st_ino != inode  # the new stamps were recorded (in a new file, renamed in place)
    inode = built.stat().st_ino
    assert cached(*args, cache=cache) == first
    assert built.stat().st_ino == inode  # and the next run trusts them


def test_a_file_added_to_a_folder_base_is_seen(tmp_path, cache):
    folder = base_copy(tmp_path / "base").parent
    args = ["--facts", str(folder), "show", "extra-fact", "--json"]
    assert cached(*args, cache=cache)[0] == 2
    (folder / "more.toml").write_text('schema_version = 1\n\n[facts.extra-fact]\nstatement = "An extra fact."\n'
                                      'quote = "An extra fact."\nsource = "cqgov-2024-03-31"\nparagraph = 1\n'
                                      'kind = "status"\n', "utf-8")
    code, out, _ = cached(*args, cache=cache)
    assert (code, out) == uncached(*args)[:2]
    assert code == 0


def test_a_base_with_problems_is_an_error_and_is_not_cached(tmp_path, cache):
    facts = tmp_path / "bad.toml"
    facts.write_text("schema_version = 1\n[facts.x]\nstatement = 1\n", "utf-8")
    code, out, err = cached("--facts", str(facts), "list", cache=cache)
    assert (code, out, err) == uncached("--facts", str(facts), "list")
    assert code == 2
    assert cache_files(cache) == []


def test_no_cache_writes_nothing(tmp_path, cache):
    run("--no-cache", "search", "Tianmu", env={"CQFACTS_CACHE_DIR": str(cache)})
    run("search", "Tianmu", env={"CQFACTS_CACHE_DIR": str(cache), "CQFACTS_NO_CACHE": "1"})
    assert not cache.exists()


def test_the_cache_lives_in_the_user_cache_folder_never_beside_the_facts(tmp_path):
    facts = base_copy(tmp_path / "base")
    home = tmp_path / "home"
    run("--facts", str(facts), "search", "Tianmu", env={"HOME": str(home), "XDG_CACHE_HOME": None})
    assert [p.suffix for p in (home / ".cache" / "cqfacts").iterdir()] == [".cache"]
    run("--facts", str(facts), "search", "Tianmu", env={"XDG_CACHE_HOME": str(tmp_path / "xdg")})
    assert len(list((tmp_path / "xdg" / "cqfacts").iterdir())) == 1
    assert sorted(p.name for p in facts.parent.iterdir()) == ["facts.toml"]


# --- Never an error -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
@pytest.mark.parametrize("which", ["shipped", "generated"])
def test_a_corrupt_cache_is_rebuilt_with_a_notice(generated, cache, damage, which):
    facts = [] if which == "shipped" else ["--facts", str(generated)]
    args = [*facts, "search", "hydrogen" if facts else "Tianmu", "--json"]
    expected = uncached(*args)
    cached(*args, cache=cache)
    (built,) = cache_files(cache)
    data = built.read_bytes()
    built.write_bytes({"garbage": b"\x00not a cache\xff" * 500, "truncated": data[: len(data) // 2],
                       "empty": b""}[damage])
    code, out, err = cached(*args, cache=cache)
    assert (code, out) == expected[:2]
    assert err.startswith(f"cqfacts: the cache {built} cannot be read (") and err.endswith("); rebuilding it\n")
    assert err.count("\n") == 1
    assert cached(*args, cache=cache) == expected  # rebuilt: silent again


@pytest.fixture
def read_only(tmp_path) -> Path:
    """A folder where nothing can be written: a read-only tmpfs where we may mount, else chmod a-w."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)], capture_output=True,
                      check=False).returncode == 0:
        yield folder
        subprocess.run(["umount", str(folder)], check=False, capture_output=True)
    elif os.geteuid() != 0:
        yield folder
        folder.chmod(0o755)
    else:
        pytest.skip("root without mount rights: no read-only folder here (test_hostile covers it in-process)")


def _make_read_only(folder: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True, capture_output=True)
    else:
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)


@pytest.mark.parametrize("which", ["shipped", "generated"])
def test_a_read_only_cache_folder_is_read_and_never_an_error(generated, read_only, which):
    facts = [] if which == "shipped" else ["--facts", str(generated)]
    args = [*facts, "search", "hydrogen" if facts else "Tianmu", "--json"]
    expected = uncached(*args)
    cache = read_only / "cqfacts"
    cached(*args, cache=cache)  # a fresh cache, then the folder turns read-only
    _make_read_only(read_only)
    assert cached(*args, cache=cache) == expected  # read as it is, silently
    missing = read_only / "never-made"
    code, out, err = cached(*args, cache=missing)  # cannot be made: the TOML is read, with a notice
    assert (code, out) == expected[:2]
    assert err.startswith(f"cqfacts: cannot write the cache in {missing} (") and err.count("\n") == 1
    assert "error" not in err


# --- Two processes at once ------------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["shipped", "generated"])
def test_two_processes_building_at_once_leave_one_whole_cache(generated, cache, which):
    facts = ["--facts", str(FACTS if which == "shipped" else generated)]
    args = [*facts, "search", "hydrogen" if which == "generated" else "Tianmu", "--json"]
    expected = uncached(*args)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("CQFACTS_")},
           "CQFACTS_CACHE_DIR": str(cache), "NO_COLOR": "1"}
    for _ in range(3):
        shutil.rmtree(cache, ignore_errors=True)
        builders = [subprocess.Popen([sys.executable, "-m", "cqfacts", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
        results = [(b.wait(timeout=120), b.stdout.read(), b.stderr.read()) for b in builders]
        for b in builders:
            b.stdout.close()
            b.stderr.close()
        assert results == [expected] * 2
        assert len(cache_files(cache)) == 1  # one cache, no temporary files left
        assert cached(*args, cache=cache) == expected  # whole: read without a notice
