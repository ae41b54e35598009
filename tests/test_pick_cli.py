"""`cqfacts pick` around the app: Textual is loaded by pick alone, and the shell key bindings it prints."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from conftest import run
from cqfacts.cli.app import COMMANDS
from test_startup import loaded

OTHER_COMMANDS = [
    ["search", "Tianmu", "--json"], ["search", "Tianmo"], ["list", "--tag", "satellites"],
    ["show", "tianmu-1-developer"], ["cite", "tianmu-1-developer", "--style", "mla"], ["sources"], ["tags"],
    ["stats"], ["check"], ["--help"],
]


@pytest.mark.parametrize("args", OTHER_COMMANDS, ids=" ".join)
def test_no_other_command_imports_textual(args):
    modules, _ = loaded(*args)
    assert "textual" not in modules and "typer" in modules


@pytest.mark.parametrize("name", sorted(set(COMMANDS) - {"pick"}))
def test_no_other_command_module_imports_textual(name):
    assert "textual" not in loaded(name, "--help")[0]


@pytest.mark.parametrize("args", [["pick", "--help"], ["pick", "--shell", "bash"]], ids=" ".join)
def test_pick_imports_textual_only_to_draw(args):
    assert "textual" not in loaded(*args)[0]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_prints_a_binding_that_runs_pick_with_the_options_given(shell):
    done = run("pick", "--shell", shell, "--style", "mla", "--print", "in-text")
    assert done.exit_code == 0 and done.stderr == ""
    assert "cqfacts pick --style mla --print in-text" in done.stdout
    assert "Ctrl-X Ctrl-P" in done.stdout.splitlines()[0]
    executable = shutil.which(shell)
    if executable is None:
        pytest.skip(f"{shell} is not installed to check the binding's syntax")
    check = [executable, "--no-execute", "-c", done.stdout] if shell == "fish" else [executable, "-n", "-c",
                                                                                        done.stdout]
    checked = subprocess.run(check, capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr


def test_the_default_binding_prints_quotations():
    assert 'picked="$(cqfacts pick --print quote)"' in run("pick", "--shell", "zsh").stdout
