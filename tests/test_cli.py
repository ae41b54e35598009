"""The command line as a person meets it: help with examples, sources/tags/stats, exit codes, completion,
the pager, and errors that are one line, never a traceback."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from conftest import FACTS, FOREGROUND_CTRL_C, PINNED_ENV, run, run_process
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

@pytest.mark.parametrize(("args", "error", "hint"), [
    (("serch", "Tianmu"), "unknown command 'serch'; did you mean 'search'?", None),
    (("frobnicate",), "unknown command 'frobnicate'", "the commands: search, list, show, cite,"),
    (("list", "--bogus"), "No such option: --bogus", "see 'cqfacts list --help'"),
    (("show",), "Missing argument 'ID...'", "see 'cqfacts show --help'"),
    (("cite",), "Missing argument 'ID...'", "see 'cqfacts cite --help'"),
    (("list", "--year", "twenty"), "Invalid value for '--year': 'twenty' is not a valid int", "see 'cqfacts list --help'"),
    (("search", "x", "--limit", "0"), "Invalid value for '--limit' / '-n': 0 is not in the range x>=1",
     "see 'cqfacts search --help'"),
    (("list", "--json", "--json=x"), "Option '--json' does not take a value", "see 'cqfacts list --help'"),
    (("--bogus", "list"), "No such option: --bogus", "see 'cqfacts --help'"),
])
def test_usage_errors_are_one_line_and_a_hint_exit_2(plain, args, error, hint):
    result = run(*args, "--facts", plain)
    assert (result.exit_code, result.stdout) == (2, "")
    lines = result.stderr.splitlines()
    assert lines[0] == f"cqfacts: error: {error}"
    assert len(lines) == (2 if hint else 1), lines
    assert not hint or lines[1].startswith(f"cqfacts: {hint}")


def test_usage_errors_of_the_installed_command_are_one_line_too():
    result = run_process("serch", "Tianmu")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "cqfacts: error: unknown command 'serch'; did you mean 'search'?\n"


@pytest.mark.parametrize("flag", ["--no-color", "--no-cache", "--no-pager", "--debug"])
def test_global_options_work_after_the_command_too(plain, flag):
    env = {"FORCE_COLOR": "1", "NO_COLOR": None}
    before = run(flag, "search", "satellites", "--facts", plain, "--fields", "id", tty=True, env=env)
    after = run("search", "satellites", "--facts", plain, "--fields", "id", flag, tty=True, env=env)
    assert (after.exit_code, after.stderr) == (before.exit_code, before.stderr) == (0, "")
    assert after.stdout == before.stdout
    assert ("\x1b[36m" in after.stdout) is (flag != "--no-color")  # the id column's cyan


def test_a_global_flag_after_the_command_is_that_flag_not_a_value_or_an_argument(plain):
    assert run("--facts", plain, "search", "satellites", "--no-color", "--json").json()  # moved: still a search
    # The value of an option, and anything after --, stay where they are.
    assert run("--facts", plain, "list", "--tag", "--debug").exit_code == 1  # no fact has the tag "--debug"
    result = run("--facts", plain, "search", "--json", "--", "--no-color")
    assert (result.exit_code, result.stdout) == (1, "[]\n")  # searched for the words "--no-color"


def test_global_options_are_moved_before_the_command_unless_it_takes_them_itself():
    from cqfacts.cli.app import _globals_first

    assert _globals_first(["new", "x", "--facts", "b.toml", "--debug"], "new", set()) == [
        "--facts", "b.toml", "--debug", "new", "x"]  # a command without a --facts of its own
    assert _globals_first(["--no-cache", "new", "--facts=b.toml"], "new", set()) == ["--no-cache", "--facts=b.toml", "new"]
    assert _globals_first(["list", "--facts", "b.toml"], "list", {"--facts"}) == ["list", "--facts", "b.toml"]
    assert _globals_first(["list", "--tag", "--debug"], "list", {"--tag"}) == ["list", "--tag", "--debug"]


def test_global_facts_option_after_the_command(plain):
    assert run("list", "--json", "--facts", plain).json() == run("--facts", plain, "list", "--json").json()


_INTERRUPT_DURING_IMPORT = FOREGROUND_CTRL_C + """
import os, signal, sys
MODULE = sys.argv[1]
class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == MODULE:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, while this module is being imported
        return None
sys.meta_path.insert(0, Interrupt())
sys.argv[:] = ["cqfacts", *sys.argv[2:]]
import runpy
runpy.run_module("cqfacts", run_name="__main__")
"""


@pytest.mark.parametrize("module", ["typer", "cqfacts.cli.app", "cqfacts.cli.finding", "cqfacts.cache"])
def test_ctrl_c_during_start_up_exits_130_without_a_traceback(module):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _INTERRUPT_DURING_IMPORT, module, "search", "Tianmu", "--json"],
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "")


@pytest.mark.parametrize("args", [("list",), ("list", "--json"), ("search", "Tianmu", "--format", "table"),
                                  ("cite", "nev-production-sales-2023"), ("--version",), ("--help",)])
@pytest.mark.parametrize(("redirect", "error"), [
    (">&-", "cqfacts: error: standard output is closed; nothing can be printed (was it `>&-`?)\n"),
    (">/dev/full", "cqfacts: error: cannot write to standard output: No space left on device; "
                   "the output is incomplete\n"),
])
def test_a_closed_or_full_stdout_is_one_line_and_exit_2(args, redirect, error):
    import subprocess
    import sys

    if redirect == ">/dev/full" and not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    command = " ".join(shlex.quote(a) for a in [sys.executable, "-m", "cqfacts", *args])
    done = subprocess.run(["bash", "-c", f"{command} {redirect}"], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (2, error)


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


# --- Help that says what is true, and examples that run as printed -----------------------------------------

def _help_examples() -> list[str]:
    """Every example line of `cqfacts --help` and of each command's --help, as printed."""
    from cqfacts.cli.app import COMMANDS

    top = run("--help").stdout.split("Examples:\n", 1)[1].split("\n\n", 1)[0]
    examples = [line.strip() for line in top.splitlines()]
    for command in COMMANDS:
        text = run(command, "--help").stdout
        examples += [line.split("Example: ", 1)[1].strip() for line in text.splitlines() if "Example: " in line]
    return examples


def test_every_help_example_runs_as_printed(tmp_path):
    """In a clone's folder (its facts.toml and sources/), each example runs, or fails only on the user's own
    input (a file or id it names), in one line: never a usage error, which a wrapped example would be."""
    import itertools
    import shutil
    import subprocess
    import sys

    shutil.copy(FACTS, tmp_path / "facts.toml")  # examples may write here, never in the repository
    shutil.copytree(FACTS.parent / "sources", tmp_path / "sources")
    examples = _help_examples()
    assert len(examples) >= 8
    for example in examples:
        # A tool the example pipes to that is not installed here (jq, datasette): run what comes before it.
        words = shlex.split(example)
        for op, program in itertools.pairwise(words):
            if op in ("|", "&&") and shutil.which(program) is None:
                example = example[:example.index(f" {op} {program}")]
                break
        script = f'cqfacts() {{ {shlex.quote(sys.executable)} -m cqfacts "$@"; }}\nset -o pipefail\n{example}'
        done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=120,
                              env={**PINNED_ENV, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
        if done.returncode == 0:
            assert done.stdout.strip() or done.stderr.startswith("cqfacts: "), example  # data, or what was done
        else:  # the user's own file or id is not here: one line naming it, exit 2
            lines = done.stderr.splitlines()
            assert (done.returncode, len(lines)) == (2, 1) and lines[0].startswith("cqfacts: error: "), (
                example, done.stderr)


@pytest.mark.parametrize(("command", "fields"), [("list", "id,statement,period"), ("search", "id,score,statement"),
                                                 ("sources", "id,title,published"), ("tags", "tag,facts"),
                                                 ("stats", "group,value,facts")])
def test_the_fields_a_help_suggests_exist(command, fields):
    assert f"e.g. {fields} " in " ".join(run(command, "--help").stdout.split())
    args = ["search", "Tianmu"] if command == "search" else [command]
    result = run(*args, "--fields", fields, "--format", "csv")
    assert result.exit_code == 0 and result.stdout.splitlines()[0] == fields


def test_cite_help_promises_only_formats_cite_has():
    text = " ".join(run("cite", "--help").stdout.split())
    assert "--format json" not in text and "same as --format" not in text
    assert run("cite", "nev-production-sales-2023", "--format", "json").exit_code == 2
    assert run("cite", "nev-production-sales-2023", "--json").json()


def test_a_machine_style_has_no_in_text_form():
    result = run("cite", "nev-production-sales-2023", "--style", "bibtex", "--in-text")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("cqfacts: error: bibtex is a file format for reference managers: it has no "
                                    "in-text form")


def test_check_counts_in_the_singular_and_plural():
    result = run("check", str(FACTS))
    assert result.exit_code == 0
    assert result.stderr.startswith("cqfacts: ok: 92 facts, 1 source, ") and " entities in 1 file" in result.stderr


def test_stats_heads_its_group_column_as_json_names_it():
    header = run("stats", "--format", "markdown").stdout.splitlines()[0]
    assert header == "| Group | Value | Facts |"
    assert set(run("stats", "--json").json()[0]) == {"group", "value", "facts"}


# --- Fact ids in any letter case ------------------------------------------------------------------------

@pytest.mark.parametrize("args", [("show", "Tianmu-1-Developer", "--json"), ("cite", "TIANMU-1-DEVELOPER", "--json"),
                                  ("list", "--source", "CQGOV-2024-03-31", "--json"),
                                  ("list", "--tag", "Satellites", "--json")])
def test_ids_match_in_any_letter_case(args):
    lower = run(*[a.lower() if not a.startswith("--") else a for a in args])
    typed = run(*args)
    assert (typed.exit_code, typed.stderr) == (0, "")
    assert typed.json() == lower.json() and typed.json()


def test_completion_of_ids_in_any_letter_case():
    from cqfacts.cli.options import complete_fact_id

    assert [i for i, _ in complete_fact_id(None, "Tianmu-1-D")] == ["tianmu-1-developer"]  # type: ignore[arg-type]


# --- cite --copy inside tmux ----------------------------------------------------------------------------

def _fake_tmux(folder: Path, passthrough: str, old: bool = False) -> Path:
    """A tmux that logs what load-buffer gets and answers show-options; ``old``: no load-buffer -w (< 3.2)."""
    import stat

    log = folder / "tmux-buffer.txt"
    script = folder / "tmux"
    script.write_text(f"""#!/bin/sh
case "$1 $2" in
  "load-buffer -w") {'exit 1' if old else f'cat > {shlex.quote(str(log))}; echo "-w" > {shlex.quote(str(log))}.flags'} ;;
  "load-buffer -") cat > {shlex.quote(str(log))} ;;
  "show-options -gv") echo {passthrough} ;;
  *) exit 1 ;;
esac
""", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return log


@pytest.fixture
def terminal(monkeypatch):
    import io

    from cqfacts import clipboard

    screen = io.StringIO()
    screen.close = lambda: None  # type: ignore[method-assign]
    monkeypatch.setattr(clipboard, "open_terminal", lambda: screen)
    return screen


TMUX_ENV = {"TMUX": "/tmp/tmux-0/default,1,0", "DISPLAY": None, "WAYLAND_DISPLAY": None}
FACT_ID = "nev-production-sales-2023"


def test_copy_inside_tmux_without_passthrough_loads_the_tmux_buffer(tmp_path, terminal):
    log = _fake_tmux(tmp_path, "off")
    result = run("cite", FACT_ID, "--copy", env={**TMUX_ENV, "PATH": f"{tmp_path}:/usr/bin:/bin"})
    assert result.exit_code == 0
    assert log.read_text("utf-8") == result.stdout and (tmp_path / "tmux-buffer.txt.flags").exists()
    assert terminal.getvalue() == ""  # tmux would drop the sequence: none is sent
    assert result.stderr.startswith("cqfacts: copied to the tmux buffer (paste with prefix ];")
    assert "clipboard with" not in result.stderr


def test_copy_inside_tmux_with_passthrough_also_sends_osc52(tmp_path, terminal):
    from cqfacts.clipboard import osc52

    _fake_tmux(tmp_path, "on")
    result = run("cite", FACT_ID, "--copy", env={**TMUX_ENV, "PATH": f"{tmp_path}:/usr/bin:/bin"})
    assert terminal.getvalue() == osc52(result.stdout, tmux=True)
    assert "tmux buffer" in result.stderr and "copied to the clipboard with OSC 52 (terminal)" in result.stderr


def test_copy_inside_an_old_tmux_still_loads_its_buffer(tmp_path, terminal):
    log = _fake_tmux(tmp_path, "off", old=True)
    result = run("cite", FACT_ID, "--copy", env={**TMUX_ENV, "PATH": f"{tmp_path}:/usr/bin:/bin"})
    assert log.read_text("utf-8") == result.stdout
    assert result.stderr.startswith("cqfacts: copied to the tmux buffer")


def test_copy_inside_tmux_without_the_tmux_command_says_it_may_not_have_arrived(tmp_path, terminal):
    result = run("cite", FACT_ID, "--copy", env={**TMUX_ENV, "PATH": str(tmp_path)})  # no tmux to ask
    assert terminal.getvalue()  # the sequence, wrapped for passthrough: the one chance
    assert result.stderr == ("cqfacts: sent to the terminal with OSC 52 through tmux, which passes it on only "
                             "with 'set -g allow-passthrough on' in ~/.tmux.conf: the copy may not have arrived\n")


# --- The manual page --------------------------------------------------------------------------------------

def test_the_man_page_is_made_from_the_help_of_every_command():
    import typer.main

    from cqfacts.cli.app import COMMANDS, register

    result = run_process("--man")
    assert result.returncode == 0 and result.stderr == ""
    page = result.stdout
    assert page.startswith('.TH CQFACTS 1 "" "cqfacts ')
    group = typer.main.get_command(register())
    for name in COMMANDS:
        assert f'\n.SS "cqfacts {name} ' in page, name
        for param in group.commands[name].params:  # type: ignore[attr-defined]
            for opt in getattr(param, "opts", []):
                if opt.startswith("-"):
                    assert f"\\fB{opt.replace('-', chr(92) + '-')}" in page or opt.replace("-", "\\-") in page, opt


@pytest.mark.skipif(__import__("shutil").which("groff") is None, reason="no groff to read the man page with")
def test_the_man_page_reads_cleanly_and_keeps_each_example_on_one_line(tmp_path):
    import subprocess

    page = run_process("--man").stdout
    shown = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-P", "-cbou"], input=page, capture_output=True,
                           text=True, env={"PATH": "/usr/bin:/bin", "MANWIDTH": "80"}, timeout=60)
    assert shown.returncode == 0 and shown.stderr == "", shown.stderr
    text = shown.stdout.replace("\u2010", "-").replace("\u2212", "-")
    for example in _help_examples():
        assert any(line.strip().removeprefix("Example: ") == example for line in text.splitlines()), example
