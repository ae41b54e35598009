"""Picking from Emacs as the README says: its `cqfacts-pick` command, loaded from the README into a real
`emacs -nw -Q` running in tmux, runs pick in a terminal buffer and inserts what Enter prints at point; and
`C-u M-! cqfacts pick`, which has no terminal, inserts nothing but says why on its one line. Skipped only
where emacs or tmux is not installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from conftest import CLEARED_ENV, run

pytestmark = pytest.mark.skipif(shutil.which("emacs") is None or shutil.which("tmux") is None,
                                reason="needs emacs and tmux")


class Tmux:
    """A tmux server of its own (-L), one 100x30 window running a command."""

    def __init__(self, command: list[str], env: dict[str, str]):
        self.socket = f"cqfacts-test-{uuid.uuid4().hex[:8]}"
        exports = [f"{k}={v}" for k, v in env.items()]
        self.tmux("new-session", "-d", "-x", "100", "-y", "30", "env", *exports, *command)

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True,
                              timeout=30).stdout

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", *(["-l"] if literal else []), *keys)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p")

    def wait_for(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while text not in (screen := self.screen()):
            assert time.monotonic() < deadline, f"{text!r} never appeared:\n{screen}"
            time.sleep(0.1)
        return screen

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=30)


def readme_elisp() -> str:
    text = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    start = text.index("```elisp\n") + len("```elisp\n")
    return text[start:text.index("```", start)]


def start_emacs(tmp_path, draft) -> Tmux:
    setup = tmp_path / "cqfacts-pick.el"
    setup.write_text(readme_elisp(), encoding="utf-8")  # as an init file: no lexical-binding cookie
    env = {k: v for k, v in os.environ.items() if k in ("HOME", "LANG", "LC_ALL") and k not in CLEARED_ENV}
    env.update({"PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
                "TERM": "xterm-256color", "CQFACTS_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"})
    emacs = Tmux([shutil.which("emacs") or "emacs", "-nw", "-Q", "-l", str(setup), str(draft)], env)
    emacs.wait_for(draft.name)  # the mode line: Emacs is up
    emacs.keys("M->")  # point at the end of the buffer
    return emacs


def saved(emacs: Tmux, draft, expected: str) -> str:
    """Save the buffer (C-x C-s); the file's text once it is the expected one, or after 30 s."""
    emacs.keys("C-x", "C-s")
    deadline = time.monotonic() + 30
    while (text := draft.read_text(encoding="utf-8")) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    return text


def test_the_readme_command_picks_in_a_terminal_buffer_and_inserts_at_point(tmp_path):
    top = run("search", "Tianmu networking", "--json").json()[0]["id"]
    citation = run("cite", top, "--style", "pandoc").stdout.rstrip("\n")
    draft = tmp_path / "draft.md"
    draft.write_text("As reported ", encoding="utf-8")
    emacs = start_emacs(tmp_path, draft)
    try:
        emacs.keys("C-c", "p")
        emacs.wait_for("Choose")  # pick's keys at the bottom: it runs in Emacs's terminal buffer
        emacs.keys("Tianmu networking", literal=True)
        emacs.wait_for(top)  # re-ranked: the preview shows the best fact's id
        emacs.keys("Enter")
        screen = emacs.wait_for("draft.md")  # back in the draft (the terminal buffer filled the frame)
        assert "Choose" not in screen and f"As reported {citation}" in screen
        assert saved(emacs, draft, f"As reported {citation}") == f"As reported {citation}"
        emacs.keys("C-c", "p")  # again, and Esc: nothing inserted (twice: in Emacs, Esc is Meta's prefix)
        emacs.wait_for("Choose")
        emacs.keys("Escape", "Escape")
        emacs.wait_for("draft.md")
        emacs.keys(".")  # typed in the draft once the picker is gone
        assert saved(emacs, draft, f"As reported {citation}.") == f"As reported {citation}."
    finally:
        emacs.close()


def test_m_bang_has_no_terminal_and_inserts_only_the_reason(tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text("Draft.\n", encoding="utf-8")
    emacs = start_emacs(tmp_path, draft)
    try:
        emacs.keys("C-u", "M-!")
        emacs.wait_for("Shell command")
        emacs.keys("cqfacts pick --print id", literal=True)
        emacs.keys("Enter")
        emacs.wait_for("pick needs a terminal")
        emacs.keys("C-x", "C-s")
        deadline = time.monotonic() + 30
        while (text := draft.read_text(encoding="utf-8")).count("\n") < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert text.startswith("Draft.\ncqfacts: error: pick needs a terminal to draw on, and this process has "
                               "none (/dev/tty: ")
        assert text.count("\n") == 2  # the one line
    finally:
        emacs.close()
