"""`cqfacts pick` end to end on a real pseudo-terminal (the stdlib's pty): keys typed as a terminal sends
them, the citation read from stdout, which is a pipe as in `cite=$(cqfacts pick)` and Vim's `:r !`.
And without any terminal it says so in one line and exits 2."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shutil
import struct
import subprocess
import sys
import termios
import threading
import time

import pytest

from conftest import CLEARED_ENV, PINNED_ENV, run

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pseudo-terminals")

TAB, ENTER, DOWN, ESC = b"\t", b"\r", b"\x1b[B", b"\x1b"


class Terminal:
    """cqfacts running with a pseudo-terminal as its controlling terminal, stdout (and, as Vim's `:r !`
    does, stderr) into a pipe, stdin from /dev/null: the app can reach the screen through /dev/tty only."""

    def __init__(self, *args: str, size: tuple[int, int] = (100, 30), argv: list[str] | None = None):
        env = {k: v for k, v in os.environ.items() if k not in CLEARED_ENV}
        env.update(PINNED_ENV)  # COLUMNS and LINES among them: the app must ask the terminal instead
        env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")  # the cqfacts script
        out_r, out_w = os.pipe()
        pid, master = pty.fork()
        if pid == 0:  # the child: its session's controlling terminal is the pty
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
                if argv is None:  # cqfacts with stdout and stderr into the pipe
                    null = os.open(os.devnull, os.O_RDONLY)
                    os.dup2(null, 0)
                    os.dup2(out_w, 1)
                    os.dup2(out_w, 2)
                    argv = [sys.executable, "-m", "cqfacts", *args]
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        os.close(out_w)
        self.pid, self.master, self.out = pid, master, out_r
        self.screen = bytearray()
        self.stopped = threading.Event()
        self.mark = 0
        self.printed = bytearray()
        self._readers = [threading.Thread(target=self._drain, args=(fd, buf), daemon=True)
                         for fd, buf in ((master, self.screen), (out_r, self.printed))]
        for reader in self._readers:
            reader.start()

    def _drain(self, fd: int, into: bytearray) -> None:
        while not self.stopped.is_set():
            try:
                ready, _, _ = select.select([fd], [], [], 0.1)
                if ready:
                    chunk = os.read(fd, 65536)
                    if not chunk:
                        return
                    into.extend(chunk)
            except OSError:  # EIO while no descriptor has the pty open (the child reopens it as /dev/tty)
                time.sleep(0.02)

    def wait_for(self, text: str, timeout: float = 30) -> None:
        """Wait until the text appears in what was drawn since the last keys were sent."""
        deadline = time.monotonic() + timeout
        while text.encode() not in self.screen[self.mark:]:
            assert time.monotonic() < deadline, f"{text!r} never appeared on the screen: {bytes(self.screen)[-2000:]!r}"
            time.sleep(0.05)

    def send(self, keys: bytes, settle: float = 0.4) -> None:
        self.mark = len(self.screen)
        os.write(self.master, keys)
        time.sleep(settle)

    def finish(self, timeout: float = 30) -> tuple[int, str]:
        deadline = time.monotonic() + timeout
        while True:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
                raise AssertionError(f"cqfacts pick did not exit: {bytes(self.screen)[-2000:]!r}")
            time.sleep(0.05)
        self._readers[1].join(timeout=5)
        self.stopped.set()
        os.close(self.out)
        os.close(self.master)
        return os.waitstatus_to_exitcode(status), self.printed.decode("utf-8")


def test_type_a_query_mark_two_and_read_the_citations_from_the_pipe():
    found = [r["id"] for r in run("search", "tianmo", "--json").json()]
    term = Terminal("pick", "--print", "pandoc")
    term.wait_for("Choose")  # the footer: the app is up and reads keys
    term.send(b"tianmo")
    term.wait_for(found[0])  # re-ranked: the preview shows the best fact's id
    term.send(TAB)
    term.send(TAB)
    term.send(ENTER, settle=0)
    code, printed = term.finish()
    one_a_line = run("cite", *found[:2], "--style", "pandoc", "--in-text").stdout
    assert code == 0
    # Nothing but the citations reached the pipe that stdout and stderr share: no escape sequence.
    assert printed.rstrip("\n").split("\n\n") == one_a_line.rstrip("\n").split("\n")
    assert b"Enter prints" in term.screen  # the app drew on the terminal


def test_the_first_screen_fits_the_terminal_and_esc_prints_nothing():
    term = Terminal("pick", "satellites", size=(90, 24))
    term.wait_for("Choose")
    term.send(DOWN)
    term.send(ESC, settle=0)
    code, printed = term.finish()
    assert (code, printed) == (1, "")
    # Drawn at the terminal's width, not at $COLUMNS (120): the footer's last key sits within 90 columns.
    assert b"\x1b[24;" in term.screen and b"\x1b[25;" not in term.screen


def test_a_terminal_that_goes_away_ends_the_picker_even_with_sighup_ignored():
    # As under nohup, or an editor that ignores SIGHUP for its children: the window closes (the pty's master
    # side goes), and pick must end rather than read end-of-file from the dead terminal in a loop for ever.
    ignoring = "import os, signal, sys; signal.signal(signal.SIGHUP, signal.SIG_IGN); os.execv(sys.argv[1], sys.argv[1:])"
    term = Terminal(argv=[sys.executable, "-c", ignoring, sys.executable, "-m", "cqfacts", "pick", "--print", "id"])
    term.wait_for("Choose")
    term.stopped.set()
    os.close(term.master)
    deadline = time.monotonic() + 10
    while not (done := os.waitpid(term.pid, os.WNOHANG))[0]:
        if time.monotonic() > deadline:
            os.kill(term.pid, 9)
            os.waitpid(term.pid, 0)
            raise AssertionError("cqfacts pick kept running after its terminal went away")
        time.sleep(0.05)
    os.close(term.out)
    assert os.waitstatus_to_exitcode(done[1]) == 129  # 128 + SIGHUP, as a shell reports a hang-up


def test_without_a_terminal_it_exits_2_with_one_line():
    env = {k: v for k, v in os.environ.items() if k not in CLEARED_ENV}
    env.update(PINNED_ENV)
    done = subprocess.run([sys.executable, "-m", "cqfacts", "pick", "tianmu"], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, start_new_session=True, env=env, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("cqfacts: error: pick needs a terminal to draw on, and this process has none "
                                  "(/dev/tty: ")
    assert len(done.stderr.splitlines()) == 1


SHELLS = {  # how to start each shell bare and load the binding
    "bash": (["--norc", "--noprofile", "-i"], b"PS1='$ '; eval \"$(cqfacts pick --shell bash --print id)\"\r"),
    "zsh": (["-f", "-i"], b"PS1='$ '; eval \"$(cqfacts pick --shell zsh --print id)\"\r"),
    "fish": (["--no-config", "-i"], b"cqfacts pick --shell fish --print id | source\r"),
}


@pytest.mark.parametrize("shell", SHELLS)
def test_the_shell_binding_inserts_the_chosen_citation_at_the_cursor(shell):
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    top = run("search", "Tianmu networking", "--json").json()[0]["id"]
    arguments, setup = SHELLS[shell]
    term = Terminal(argv=[shutil.which(shell) or shell, *arguments])
    time.sleep(0.5)
    term.send(setup, settle=1.0)
    term.send(b"echo picked:")
    term.send(b"\x18\x10")  # Ctrl-X Ctrl-P
    term.wait_for("Choose")
    term.send(b"Tianmu networking")
    term.wait_for(top)  # re-ranked: the preview shows the best fact's id
    term.send(ENTER)
    term.wait_for(f"picked:{top}")  # the picker is gone and the id is on the command line
    term.send(ENTER)  # runs it: since then only its output line shows the id
    term.wait_for(f"picked:{top}\r\n")
    term.send(b"exit\r", settle=0)
    assert term.finish()[0] == 0
