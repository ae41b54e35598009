"""The command line as a person meets it: help with examples, sources/tags/stats, exit codes, completion,
the pager, and errors that are one line, never a traceback."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from conftest import FACTS, run
from test_output import PLAIN_FACTS, SOURCE, screen, write_base


@pytest.fixture
def plain(tmp_path: Path) -> str:
    return str(write_base(tmp_path, PLAIN_FACTS))


# --- Help ------------------------------------------------------------------------------------------------

def test_cqfacts_alone_shows_help_with_examples():
    result = run()
    assert result.exit_code == 2  # a command is required: a usage error, like any other
    assert result.stdout == ""
    assert result.stderr.startswith("Usage: cqfacts [OPTIONS] COMMAND [ARGS]...")
    assert "\n  Examples:\n    cqfacts search Tianmu\n" in result.stderr
    for command in ("search", "list", "show", "sources", "tags", "stats", "check"):
        assert f"\n  {command} " in result.stderr


MY_COMMANDS = ("list", "show", "sources", "tags", "stats")


@pytest.mark.parametrize("command", [*MY_COMMANDS, "check"])
def test_each_command_help_leads_with_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    paragraphs = result.stdout.split("\n\n")
    assert paragraphs[0].startswith(f"Usage: cqfacts {command}")
    assert paragraphs[2].strip().startswith(f"Example: cqfacts {command}")  # right after the one-line summary


def test_every_command_help_has_an_example():
    from cqfacts.cli import register

    app = register()

    for info in app.registered_commands:
        assert f"Example: cqfacts {info.name}" in run(info.name, "--help").stdout, info.name


@pytest.mark.parametrize("command", MY_COMMANDS)
def test_each_help_example_runs_on_the_shipped_base(command):
    help_text = run(command, "--help").stdout
    example = help_text.split("Example: ", 1)[1].split("\n\n", 1)[0].split("|", 1)[0]
    argv = shlex.split(" ".join(example.split()))
    assert argv[:2] == ["cqfacts", command]
    result = run(*argv[1:], env={"CQFACTS_FACTS": str(FACTS)})
    assert result.exit_code == 0, (argv, result.stderr)
    assert result.stdout


@pytest.mark.parametrize("args", [("--help",), ("-h",), ("list", "-h")])
def test_asking_for_help_exits_0_on_stdout(args):
    result = run(*args)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith("Usage: cqfacts")


# --- Exit codes ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "message"), [
    (("frobnicate",), "No such command 'frobnicate'"),
    (("list", "--bogus"), "No such option: --bogus"),
    (("show",), "Missing argument 'ID...'"),
    (("list", "--year", "twenty"), "'twenty' is not a valid int"),
    (("search", "x", "--limit", "0"), "0 is not in the range x>=1"),
    (("list", "--json", "--json=x"), "Option '--json' does not take a value"),
])
def test_usage_errors_exit_2_with_the_usage_on_stderr(plain, args, message):
    result = run(*args, "--facts", plain)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Error: " in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [("list",), ("show", "nev-output-2023"), ("sources",), ("tags",), ("stats",)])
def test_something_found_exits_0(plain, command):
    result = run(*command, "--facts", plain)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout


@pytest.mark.parametrize("command", [("list", "--kind", "target"), ("tags", "--kind", "target"),
                                     ("stats", "--year", "1999")])
def test_nothing_found_exits_1_with_nothing_on_stdout(plain, command):
    result = run(*command, "--facts", plain)
    assert result.exit_code == 1
    assert result.stderr == ""
    assert result.stdout == ("" if command[0] != "stats" else "total\tfacts\t0\n")


@pytest.mark.parametrize(("args", "error"), [
    (("show", "nev-output-2032"), "unknown fact id 'nev-output-2032'; did you mean nev-output-2023?"),
    (("list", "--kind", "guess"), "unknown kind 'guess'; choose one of result, forecast, target, status, event, opinion"),
])
def test_data_errors_exit_2_with_one_line(plain, args, error):
    result = run(*args, "--facts", plain)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"cqfacts: error: {error}\n")


@pytest.mark.parametrize("command", ["list", "sources", "tags", "stats"])
def test_a_missing_or_broken_fact_base_exits_2(tmp_path, command):
    missing = run(command, "--facts", str(tmp_path / "nope.toml"))
    assert missing.exit_code == 2 and missing.stdout == ""
    assert missing.stderr.startswith(f"cqfacts: error: {tmp_path / 'nope.toml'}: no such file or folder")
    broken = tmp_path / "broken.toml"
    broken.write_text("schema_version = 1\n[facts.x\n", encoding="utf-8")
    result = run(command, "--facts", str(broken))
    assert result.exit_code == 2 and result.stdout == ""
    assert "broken.toml:2" in result.stderr and "Traceback" not in result.stderr


# --- sources, tags, stats -----------------------------------------------------------------------------------

def test_sources_lists_each_source_with_its_fact_count(plain):
    rows = run("sources", "--facts", plain, "--json").json()
    assert rows == [{
        "id": "src-a", "type": "webpage", "title": "Rising industries of a river city", "short_title": "River city",
        "container_title": "City Daily", "site": "City Daily", "publisher": "City Daily Press", "authors": [{"family": "Wang", "given": "Jiaxi"}],
        "published": "2024-03-31T23:44:00", "language": "en", "original_language": "zh",
        "url": "https://example.org/river-city", "accessed": "2025-01-05", "archive": "river-city.txt", "facts": 3,
    }]
    assert run("sources", "--facts", plain, "--fields", "id,authors,facts").stdout == "src-a\tJiaxi Wang\t3\n"
    table = screen(run("sources", "--facts", plain, tty=True).stdout)
    assert table.splitlines()[0].split() == ["ID", "Title", "Published", "Facts"]


def test_sources_of_an_empty_base_exits_1(tmp_path):
    empty = tmp_path / "empty.toml"
    empty.write_text("schema_version = 1\n", encoding="utf-8")
    result = run("sources", "--facts", str(empty), "--json")
    assert (result.exit_code, result.json()) == (1, [])


def test_tags_counts_facts_per_tag_most_used_first(plain):
    assert run("tags", "--facts", plain).stdout == "nev\t2\nrankings\t1\nsatellites\t1\n"
    assert run("tags", "--facts", plain, "--kind", "result", "--json").json() == [
        {"tag": "nev", "facts": 1}, {"tag": "rankings", "facts": 1}]


def test_stats_counts_facts_by_kind_tag_year_and_source(plain):
    rows = run("stats", "--facts", plain, "--json").json()
    assert rows == [
        {"group": "total", "value": "facts", "facts": 3},
        {"group": "kind", "value": "event", "facts": 1},
        {"group": "kind", "value": "forecast", "facts": 1},
        {"group": "kind", "value": "result", "facts": 1},
        {"group": "tag", "value": "nev", "facts": 2},
        {"group": "tag", "value": "rankings", "facts": 1},
        {"group": "tag", "value": "satellites", "facts": 1},
        {"group": "year", "value": "2023", "facts": 1},
        {"group": "year", "value": "2024", "facts": 2},  # the forecast's 2024/2025 counts in both years
        {"group": "year", "value": "2025", "facts": 1},
        {"group": "source", "value": "src-a", "facts": 3},
    ]
    assert run("stats", "--facts", plain, "--tag", "satellites", "--fields", "group,facts").stdout.splitlines()[:2] == [
        "total\t1", "kind\t1"]


def test_stats_counts_facts_without_a_time(tmp_path):
    base = write_base(tmp_path, {"timeless": {"statement": "Always so."}})
    rows = run("stats", "--facts", str(base), "--json").json()
    assert {"group": "year", "value": "none", "facts": 1} in rows


# --- Completion ---------------------------------------------------------------------------------------------

def complete(*words: str, env: dict[str, str] | None = None) -> list[str]:
    """What bash completion offers for the last word of ``cqfacts WORDS``."""
    line = shlex.join(["cqfacts", *words])
    result = run(env={"_CQFACTS_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(len(words)),
                      **(env or {})})
    assert result.exit_code == 0 and result.stderr == ""
    return result.stdout.split()


def test_completion_offers_fact_ids(plain):
    assert complete("show", "--facts", plain, "nev") == ["nev-output-2023"]
    assert complete("--facts", plain, "show", "s") == ["supporting-rate-2025", "satellites-launch-2024-01-05"]
    assert complete("show", "n", env={"CQFACTS_FACTS": plain}) == ["nev-output-2023"]


def test_completion_offers_tags_kinds_sources_and_formats(plain):
    assert complete("list", "--facts", plain, "--tag", "") == ["nev", "rankings", "satellites"]
    assert complete("list", "--kind", "fo") == ["forecast"]
    assert complete("stats", "--facts", plain, "--source", "") == ["src-a"]
    assert complete("list", "--format", "n") == ["ndjson"]


def test_completion_offers_commands():
    assert complete("s") == ["search", "show", "sources", "stats", "source"]


def test_zsh_completion_describes_each_fact_id(plain):
    result = run(env={"_CQFACTS_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": f"cqfacts show --facts {plain} sat"})
    assert "satellites-launch-2024-01-05" in result.stdout
    assert "Eleven weather satellites were launched" in result.stdout


@pytest.mark.parametrize("content", [None, "schema_version = 1\n[facts.x\n", "schema_version = 2\n"])
def test_completion_from_a_missing_or_broken_base_offers_nothing_quietly(tmp_path, content):
    path = tmp_path / "base.toml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert complete("show", "--facts", str(path), "") == []
    assert complete("list", "--facts", str(path), "--tag", "") == []


def test_style_names_complete_for_the_cite_command():
    from cqfacts.citation import STYLE_NAMES as CITATION_STYLES
    from cqfacts.cli.options import complete_style

    assert complete_style("chi") == ["chicago", "chicago-author-date"]
    assert complete_style("") == list(CITATION_STYLES)
    assert "csl-json" in CITATION_STYLES and "bibtex" in CITATION_STYLES


def test_show_completion_prints_a_script_for_the_shell():
    result = run("--show-completion", "bash")
    assert result.exit_code == 0
    assert "_CQFACTS_COMPLETE=complete_bash" in result.stdout


# --- Pager --------------------------------------------------------------------------------------------------

def pager_env(tmp_path: Path, variable: str = "CQFACTS_PAGER") -> tuple[dict[str, str], Path]:
    paged = tmp_path / "paged.txt"
    return {variable: f"cat > {shlex.quote(str(paged))}"}, paged


@pytest.mark.parametrize("variable", ["CQFACTS_PAGER", "PAGER"])
def test_a_set_pager_gets_the_table_on_a_terminal(plain, tmp_path, variable):
    env, paged = pager_env(tmp_path, variable)
    result = run("list", "--facts", plain, tty=True, env=env)
    assert result.exit_code == 0 and result.stdout == ""
    assert "nev-output-2023" in paged.read_text(encoding="utf-8")


def test_cqfacts_pager_wins_over_pager(plain, tmp_path):
    env, paged = pager_env(tmp_path)
    result = run("show", "nev-output-2023", "--facts", plain, tty=True, env={**env, "PAGER": "false"})
    assert result.stdout == ""
    assert "╭─" in screen(paged.read_text(encoding="utf-8"))


def test_pager_option_pages_machine_formats_too(plain, tmp_path):
    env, paged = pager_env(tmp_path, "PAGER")
    result = run("list", "--facts", plain, "--json", "--pager", tty=True, env=env)
    assert result.stdout == ""
    assert json.loads(paged.read_text(encoding="utf-8"))[0]["id"] == "nev-output-2023"


def test_no_pager_in_a_pipe_whatever_is_set(plain, tmp_path):
    env, paged = pager_env(tmp_path)
    result = run("list", "--facts", plain, "--pager", env=env)
    assert result.stdout.startswith("nev-output-2023\t")
    assert not paged.exists()


def test_no_pager_without_a_request(plain, tmp_path):
    result = run("list", "--facts", plain, tty=True)
    assert "nev-output-2023" in result.stdout


def test_no_pager_option_overrides_the_environment(plain, tmp_path):
    env, paged = pager_env(tmp_path)
    result = run("--no-pager", "list", "--facts", plain, tty=True, env=env)
    assert "nev-output-2023" in result.stdout
    assert not paged.exists()


def test_a_pager_that_does_not_exist_still_shows_the_output(plain):
    result = run("list", "--facts", plain, tty=True, env={"CQFACTS_PAGER": "no-such-pager-cqfacts"})
    assert "nev-output-2023" in result.stdout


# --- No traceback reaches a user ----------------------------------------------------------------------------

def _explode(*args, **kwargs):
    secret_local = "value-of-a-local-variable"  # noqa: F841 - must not be shown by --debug
    raise RuntimeError("the library broke")


@pytest.mark.parametrize(("command", "target"), [
    (("list",), "cqfacts.model.FactBase.select"),
    (("tags",), "cqfacts.summary.tag_rows"),
    (("show", "nev-output-2023"), "cqfacts.render.fact_panels"),
])
def test_an_unexpected_error_is_one_line_with_a_hint(plain, monkeypatch, command, target):
    monkeypatch.setattr(target, _explode)
    result = run(*command, "--facts", plain, tty=True)
    assert result.exit_code == 2
    assert result.stderr == ("cqfacts: error: unexpected RuntimeError: the library broke "
                             "(rerun with --debug or CQFACTS_DEBUG=1 for details)\n")


@pytest.mark.parametrize(("args", "env"), [(("--debug",), {}), ((), {"CQFACTS_DEBUG": "1"})])
def test_debug_shows_the_traceback_without_local_variables(plain, monkeypatch, args, env):
    monkeypatch.setattr("cqfacts.summary.tag_rows", _explode)
    result = run(*args, "tags", "--facts", plain, env=env)
    assert result.exit_code == 2
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert 'in _explode\n    raise RuntimeError("the library broke")' in result.stderr
    assert "value-of-a-local-variable" not in result.stderr
    assert result.stderr.endswith("cqfacts: error: unexpected RuntimeError: the library broke "
                                  "(rerun with --debug or CQFACTS_DEBUG=1 for details)\n")


def test_ctrl_c_inside_a_command_exits_130_quietly(plain, monkeypatch):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("cqfacts.summary.stats_rows", interrupt)
    result = run("stats", "--facts", plain)
    assert (result.exit_code, result.stdout) == (130, "")
    assert "Traceback" not in result.stderr


def test_version():
    from cqfacts import __version__

    assert run("--version").stdout == f"cqfacts {__version__}\n"


def test_source_header_is_shared(tmp_path):
    # The header every test base starts from loads on its own: a base with a source and no facts.
    path = tmp_path / "only-source.toml"
    path.write_text(SOURCE, encoding="utf-8")
    result = run("stats", "--facts", str(path), "--json")
    assert (result.exit_code, result.json()) == (1, [{"group": "total", "value": "facts", "facts": 0}])
