"""cqfacts in scripts: the JSON contract (validated against the published schema), pipes that close
early, Ctrl-C, and the README's Scripting section."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from conftest import FACTS, FOREGROUND_CTRL_C, PINNED_ENV, REPO, run
from test_output import ESCAPES, MARKUP, PLAIN_FACTS, write_base

jsonschema = pytest.importorskip("jsonschema")

SCHEMA = json.loads(resources.files("cqfacts").joinpath("schema/output.schema.json").read_text("utf-8"))


def validate(rows: Any, definition: str) -> None:
    """Check rows against the published schema: an array of one kind of row."""
    schema = {**SCHEMA, "items": {"$ref": f"#/$defs/{definition}"}}
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(rows)
    jsonschema.Draft202012Validator(SCHEMA).validate(rows)  # and against the schema as published


def documented(definition: str) -> set[str]:
    props = dict(SCHEMA["$defs"][definition].get("properties", {}))
    for part in SCHEMA["$defs"][definition].get("allOf", []):
        props.update(SCHEMA["$defs"][part["$ref"].rsplit("/", 1)[1]]["properties"])
    return set(props)


@pytest.fixture
def plain(tmp_path: Path) -> str:
    return str(write_base(tmp_path, {**PLAIN_FACTS, "odd-text": {"statement": MARKUP, "note": ESCAPES}}))


@pytest.mark.parametrize(("args", "definition"), [
    (("list",), "fact"),
    (("show", "supporting-rate-2025", "nev-output-2023"), "fact"),
    (("search", "vehicles"), "searchResult"),
    (("search", "vehicles", "--explain"), "searchResult"),
    (("sources",), "source"),
    (("tags",), "tag"),
    (("stats",), "statsRow"),
])
def test_json_output_follows_the_published_schema(plain, args, definition):
    result = run(*args, "--facts", plain, "--json")
    assert result.exit_code == 0, result.stderr
    rows = result.json()
    assert rows
    validate(rows, definition)
    for row in rows:  # every key printed is documented (the schema lets consumers ignore new ones)
        assert set(row) <= documented(definition), set(row) - documented(definition)
    ndjson = run(*args, "--facts", plain, "--format", "ndjson").stdout.splitlines()
    assert [json.loads(line) for line in ndjson] == rows


@pytest.mark.parametrize(("args", "definition"), [(("list",), "fact"), (("sources",), "source"),
                                                  (("tags",), "tag"), (("stats",), "statsRow")])
def test_the_shipped_base_follows_the_published_schema(args, definition):
    result = run(*args, "--facts", str(FACTS), "--json")
    assert result.exit_code == 0, result.stderr
    validate(result.json(), definition)


def test_the_schema_rejects_what_the_contract_rules_out(plain):
    fact = run("list", "--facts", plain, "--json").json()[0]
    for broken in ({**fact, "paragraph": "12"}, {**fact, "kind": "rumour"},
                   {k: v for k, v in fact.items() if k != "quote"}, {**fact, "figures": [{"value": 1}]}):
        with pytest.raises(jsonschema.ValidationError):
            validate([broken], "fact")
    with pytest.raises(jsonschema.ValidationError):
        validate([fact], "searchResult")  # a search result carries its score


def test_an_empty_result_is_an_empty_array_for_every_command(tmp_path):
    empty = tmp_path / "empty.toml"
    empty.write_text("schema_version = 1\n", encoding="utf-8")
    for args in (("list",), ("search", "anything"), ("sources",), ("tags",)):
        result = run(*args, "--facts", str(empty), "--json")
        assert (result.exit_code, result.stdout) == (1, "[]\n"), args


# --- Real processes: pipes and signals ---------------------------------------------------------------------

def process_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CQFACTS_", "FORCE_COLOR", "PAGER"))}
    return {**env, **PINNED_ENV, **extra}


@pytest.fixture(scope="module")
def big_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough facts that their output overflows a pipe's buffer (64 KiB on Linux) many times over."""
    facts = {f"fact-{i:05d}": {"statement": f"Fact number {i} says something long enough to fill a pipe quickly."}
             for i in range(3000)}
    return write_base(tmp_path_factory.mktemp("big"), facts)


@pytest.mark.parametrize("output", [(), ("--json",), ("--format", "csv"), ("--format", "table")])
def test_a_reader_that_stops_early_ends_cqfacts_quietly(big_base, output):
    # `cqfacts list | head -1` with two real processes and a real pipe between them.
    writer = subprocess.Popen([sys.executable, "-m", "cqfacts", "list", "--facts", str(big_base), *output],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=process_env())
    head = subprocess.run(["head", "-1"], stdin=writer.stdout, capture_output=True, text=True, timeout=60)
    assert writer.stdout is not None
    writer.stdout.close()  # only head holds the read end now: when it exits, the pipe breaks
    _, stderr = writer.communicate(timeout=60)
    assert head.stdout.strip()
    assert stderr.decode() == ""
    assert writer.returncode == 0


def test_the_whole_output_is_there_when_the_reader_reads_it_all(big_base):
    done = subprocess.run([sys.executable, "-m", "cqfacts", "list", "--facts", str(big_base)],
                          capture_output=True, text=True, env=process_env(), timeout=60)
    assert done.returncode == 0
    assert len(done.stdout.splitlines()) == 3000


@pytest.mark.skipif(not Path("/proc/self/wchan").exists(), reason="needs Linux /proc to see a blocked read")
def test_ctrl_c_exits_130_without_a_traceback(tmp_path):
    # The process reads its fact base from a pipe that never ends, so it is certainly blocked in a read
    # (not starting up) when the signal arrives.
    foreground = FOREGROUND_CTRL_C + ("import runpy, sys\nsys.argv[:] = ['cqfacts', *sys.argv[1:]]\n"
                                      "runpy.run_module('cqfacts', run_name='__main__')")
    proc = subprocess.Popen([sys.executable, "-c", foreground, "list", "--facts", "/dev/stdin"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=process_env())
    try:
        deadline = time.monotonic() + 30
        while "pipe_read" not in Path(f"/proc/{proc.pid}/wchan").read_text():
            assert time.monotonic() < deadline, "cqfacts never blocked reading its input"
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert stdout == b""
    assert b"Traceback" not in stderr and b"KeyboardInterrupt" not in stderr


# --- The README ---------------------------------------------------------------------------------------------

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_documents_each_output_command():
    commands = README.split("<!-- SECTION:commands -->", 1)[1].split("<!-- /SECTION:commands -->", 1)[0]
    for command in ("list", "show", "sources", "tags", "stats"):
        assert f"### `cqfacts {command}" in commands, command
    for topic in ("### Shell completion", "### Paging"):
        assert topic in commands


def test_readme_has_a_scripting_section_after_the_commands():
    assert README.index("## Scripting") > README.index("<!-- /SECTION:commands -->")
    scripting = README.split("## Scripting", 1)[1].split("\n## ", 1)[0]
    assert "jq" in scripting
    for code, meaning in (("0", "found"), ("1", "nothing"), ("2", "usage")):
        assert f"| {code} |" in scripting and meaning in scripting
    assert "output.schema.json" in scripting
