"""The README is the manual: every command is documented, and its set-up and test commands are the real ones."""

from __future__ import annotations

import re

from conftest import REPO
from cqfacts.cli import register

app = register()

README = (REPO / "README.md").read_text("utf-8")


def _command_names() -> list[str]:
    import typer.main

    return sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_every_command_has_a_readme_section():
    names = _command_names()
    assert {"check", "cite", "list", "search", "show", "sources", "stats", "tags"} <= set(names)
    undocumented = [n for n in names if not re.search(rf"^### `cqfacts {n}\b", README, re.MULTILINE)]
    assert not undocumented, f"commands with no README section: {undocumented}"


def test_every_command_help_leads_with_an_example(cli):
    for name in _command_names():
        result = cli(name, "--help")
        assert result.exit_code == 0, name
        assert re.search(rf"Example: cqfacts {name}\b", result.stdout), name


SETUP = README.split("## Set up", 1)[1].split("\n## ", 1)[0]


def test_the_set_up_gets_the_code_then_installs_each_job_in_its_own_environment():
    clone = re.findall(r"^git clone .*$", SETUP, re.MULTILINE)
    assert len(clone) == 1 and clone[0].endswith("&& cd cqfacts"), clone
    assert SETUP.index("git clone") < SETUP.index("python3 -m venv")
    commands = re.findall(r"^(python3 -m venv .*)$", SETUP, re.MULTILINE)
    assert len(commands) == 2, commands
    main_job, tests = commands
    assert main_job.endswith('cqfacts search "Tianmu"')
    assert tests.endswith("python -m pytest -n auto")  # pytest-xdist: CI has 2 cores
    folders = [re.match(r"python3 -m venv (\S+) && \. (\S+)/bin/activate", c).groups() for c in commands]
    assert all(made == activated for made, activated in folders)
    assert folders[0][0] != folders[1][0]  # the tests never reuse (or break) the main job's environment
    ignored = (REPO / ".gitignore").read_text("utf-8").splitlines()
    assert all(f"/{made}/" in ignored for made, _ in folders)


def test_ci_runs_the_readme_test_command():
    tests = re.findall(r"^(python3 -m venv .*)$", SETUP, re.MULTILINE)[1]
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    assert tests in ci.splitlines()
    assert "cqfacts check --source ../shared/source/chongqing-new-productive-forces-2024-03-31.txt" in ci


def test_no_example_needs_a_folder_a_user_does_not_have():
    blocks = re.findall(r"```(?:sh|console)\n(.*?)```", README, re.DOTALL)
    assert blocks
    assert not [b for b in blocks if "../shared" in b or "/work/" in b]


def test_the_layout_section_lists_every_module():
    section = README.split("<!-- SECTION:layout -->", 1)[1].split("<!-- /SECTION:layout -->", 1)[0]
    listed = set(re.findall(r"^\| `([\w/]+)` \|", section, re.MULTILINE))
    src = REPO / "src" / "cqfacts"
    modules = {str(p.relative_to(src).with_suffix("")) for p in src.rglob("*.py")} - {"__init__", "cli/__init__"}
    assert modules == listed, (sorted(modules - listed), sorted(listed - modules))


def test_library_modules_never_import_the_cli_and_commands_never_import_each_other():
    import ast

    src = REPO / "src" / "cqfacts"
    from cqfacts.cli.app import COMMANDS

    command_modules = {f"cqfacts.cli.{m}" for m in COMMANDS.values()}
    for path in src.rglob("*.py"):
        name = "cqfacts." + ".".join(path.relative_to(src).with_suffix("").parts)
        imported = {node.module for node in ast.walk(ast.parse(path.read_text("utf-8")))
                    if isinstance(node, ast.ImportFrom) and node.module}
        imported |= {alias.name for node in ast.walk(ast.parse(path.read_text("utf-8")))
                     if isinstance(node, ast.Import) for alias in node.names}
        if not name.startswith("cqfacts.cli") and name != "cqfacts.__main__":
            assert not {m for m in imported if m == "cqfacts.cli" or m.startswith("cqfacts.cli.")}, name
        if name in command_modules:
            assert not (imported & command_modules) - {name}, name
