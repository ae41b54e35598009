"""Start-up: a command imports only what it needs, and --version answers before the CLI is imported.

How fast is measured by hand (benchmarks/bench.py); these tests check what makes it fast: which heavy
modules a real process has loaded when it ends.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import PINNED_ENV, run, run_process

HEAVY = ("typer", "rich", "rapidfuzz", "sqlite3", "jsonschema", "pydantic", "textual", "tomlkit")
# What a cached answer needs none of: the TOML parser and the checker (the cache holds the checked base),
# the dataclass machinery (cqfacts.lazy builds it on first need), html (for --format html only).
NOT_WHEN_CACHED = ("tomllib", "tomli", "dataclasses", "html", "cqfacts.checker", "cqfacts.toml_text",
                   "cqfacts.spec", "hashlib", "csv", "cqfacts.cache.build", "cqfacts.cache.pools",
                   "concurrent.futures")
COMMAND_MODULES = ("cqfacts.cli.finding", "cqfacts.cli.citing", "cqfacts.cli.summaries", "cqfacts.cli.curating")

# Runs cqfacts as the installed script does, then reports the modules loaded, on a line of its own.
_PROBE = """
import json, sys
from cqfacts.__main__ import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
sys.stdout.flush()
print("\\nLOADED " + json.dumps(sorted(sys.modules)))
"""


def all_loaded(*args: str, env: dict[str, str] | None = None) -> tuple[set[str], str]:
    """Every module a real cqfacts process loaded, and what it printed."""
    import os

    full_env = {**os.environ, **PINNED_ENV, **(env or {})}
    for key in ("CQFACTS_FACTS", "CQFACTS_NO_CACHE", "CQFACTS_CACHE_DIR", "FORCE_COLOR"):
        if key not in (env or {}):
            full_env.pop(key, None)
    done = subprocess.run([sys.executable, "-c", f"HEAVY = {HEAVY!r}\n" + _PROBE, *args], capture_output=True,
                          text=True, encoding="utf-8", env=full_env, timeout=120)
    out, _, report = done.stdout.rpartition("\nLOADED ")
    assert report, done.stderr
    return set(json.loads(report)), out


def loaded(*args: str, env: dict[str, str] | None = None) -> tuple[set[str], str]:
    """The heavy packages a real cqfacts process loaded, and what it printed."""
    modules, out = all_loaded(*args, env=env)
    return {m.split(".")[0] for m in modules} & set(HEAVY), out


@pytest.fixture
def cache_env(tmp_path) -> dict[str, str]:
    env = {"CQFACTS_CACHE_DIR": str(tmp_path / "cache")}
    run_process("search", "Tianmu", "--json", env=env)  # the first run builds the cache
    return env


def test_a_json_search_loads_no_renderer_no_fuzzy_matcher_no_database(cache_env):
    modules, out = loaded("search", "Tianmu", "--json", env=cache_env)
    assert json.loads(out)[0]["id"].startswith("tianmu-1")
    # A cached answer reads the cache file (plain data sections) and needs no heavy module but Typer.
    assert modules == {"typer"}


def test_without_the_cache_no_database_is_opened(tmp_path):
    cache = tmp_path / "cache"
    modules, out = loaded("--no-cache", "search", "Tianmu", "--json", env={"CQFACTS_CACHE_DIR": str(cache)})
    assert json.loads(out)[0]["id"].startswith("tianmu-1")
    assert modules == {"typer"}
    assert not cache.exists()


@pytest.mark.parametrize("args, command_module", [
    (("search", "Tianmu", "--json"), "finding"),
    (("list", "--tag", "satellites", "--json"), "finding"),
    (("show", "nev-production-sales-2023", "--json"), "finding"),
    (("cite", "nev-production-sales-2023"), "citing"),
    (("stats", "--json"), "summaries"),
])
def test_a_cached_command_imports_its_own_module_and_nothing_it_does_not_use(cache_env, args, command_module):
    modules, out = all_loaded(*args, env=cache_env)
    assert out.strip()
    assert {m for m in COMMAND_MODULES if m in modules} == {f"cqfacts.cli.{command_module}"}
    assert not modules & set(NOT_WHEN_CACHED), sorted(modules & set(NOT_WHEN_CACHED))
    assert {m.split(".")[0] for m in modules} & set(HEAVY) == {"typer"}


def test_check_imports_the_checker_and_no_other_command(cache_env):
    modules, _ = all_loaded("check", env=cache_env)
    assert {m for m in COMMAND_MODULES if m in modules} == {"cqfacts.cli.curating"}
    assert {"cqfacts.checker", "tomllib"} <= modules or {"cqfacts.checker", "tomli"} <= modules
    # rapidfuzz may come: check reads each source's archive and shows the nearest passage to a quote.
    assert not {m.split(".")[0] for m in modules} & {"rich", "sqlite3", "textual", "tomlkit"}


def test_a_typo_loads_the_fuzzy_matcher_and_a_table_loads_rich(cache_env):
    assert loaded("search", "Tianmo", "--json", env=cache_env)[0] == {"typer", "rapidfuzz"}
    assert loaded("search", "Tianmu", "--format", "table", env=cache_env)[0] == {"typer", "rich"}


def test_version_answers_before_the_cli_is_imported():
    modules, out = loaded("--version")
    assert modules == set()
    assert out == run("--version").stdout  # the same line as the CLI's own --version
    assert run_process("--version").stdout == out


def test_version_with_other_arguments_goes_through_the_cli():
    modules, out = loaded("--version", "search")
    assert "typer" in modules
    assert out == run("--version", "search").stdout
