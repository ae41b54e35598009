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


def test_ci_runs_the_readme_test_command():
    setup = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^(python3 -m venv .*)$", setup, re.MULTILINE)
    assert len(commands) == 2, commands
    main_job, tests = commands
    assert main_job.endswith('cqfacts search "Tianmu"')
    assert tests.endswith("python -m pytest")
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    assert tests in ci.splitlines()
    assert "cqfacts check --source ../shared/source/chongqing-new-productive-forces-2024-03-31.txt" in ci
