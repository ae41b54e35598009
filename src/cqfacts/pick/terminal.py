"""Running the picker on the terminal even when stdout is a pipe (`:r !cqfacts pick` in Vim,
`cite=$(cqfacts pick)` in a shell): the screen and the keys go through /dev/tty, stdout keeps the answer.

Textual reads keys from file descriptor 0, draws on 2 and asks 1 (or $COLUMNS and $LINES) for the size
(Textualize/textual#5531 asks for /dev/tty); Vim's `:r !` sends both stdout and stderr into the buffer,
and a shell's `$(...)` may take stdin from a pipe. So while the app runs, descriptors 0, 1 and 2 point at
the controlling terminal, as fzf opens it, and $COLUMNS and $LINES are set aside so that a resize is seen;
all are put back before the answer is printed.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

from cqfacts.errors import CqfactsError

# The exit status when the terminal goes away under the picker (128 + SIGHUP, as a shell reports it).
EXIT_HANGUP = 129

NO_TERMINAL = ("pick needs a terminal to draw on, and this process has none ({reason}); run it from a "
               "terminal (in an editor: its terminal, a shell command that keeps one, in Emacs the README's "
               "cqfacts-pick), or use 'cqfacts search' and 'cqfacts cite' in scripts")


def open_terminal() -> int:
    """A read-write descriptor of the controlling terminal, or a one-line error (exit 2) saying why not."""
    try:
        fd = os.open("/dev/tty", os.O_RDWR | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise CqfactsError(NO_TERMINAL.format(reason=f"/dev/tty: {exc.strerror}")) from None
    if not os.isatty(fd):  # pragma: no cover - /dev/tty is a terminal wherever it opens
        os.close(fd)
        raise CqfactsError(NO_TERMINAL.format(reason="/dev/tty is not a terminal"))
    return fd


def run_app(build: Callable[[], Any]) -> Any:
    """Make a Textual app (Rich reads $COLUMNS and $LINES when it is made) and run it on the controlling
    terminal; return the app, which holds what it exited with."""
    if sys.platform == "win32":  # pragma: no cover - Textual's Windows driver opens the console itself
        app = build()
        app.run()
        return app
    tty = open_terminal()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    saved = {fd: os.dup(fd) for fd in (0, 1, 2)}
    size = {name: os.environ.pop(name) for name in ("COLUMNS", "LINES") if name in os.environ}
    try:
        for fd in saved:
            os.dup2(tty, fd)
        app = build()
        with _exit_on_hangup(tty):
            app.run()
        return app
    finally:
        for fd, copy in saved.items():
            os.dup2(copy, fd)
            os.close(copy)
        os.close(tty)
        os.environ.update(size)


@contextlib.contextmanager
def _exit_on_hangup(tty: int) -> Iterator[None]:
    """End the process when its terminal hangs up (the window closed, the ssh session dropped) although SIGHUP
    was ignored (nohup, an editor that ignores it for its children): Textual's input thread would otherwise
    read end-of-file from the dead terminal in a loop, at full speed, for ever."""
    import select
    import threading

    done = threading.Event()

    def watch() -> None:
        poller = select.poll()
        poller.register(tty, select.POLLHUP)  # hang-ups and errors are reported whatever the mask
        while not done.is_set():
            if any(events & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _, events in poller.poll(200)):
                # As SIGHUP's default action ends a process: at once. A clean exit would wait for ever on
                # Textual's output thread, which died writing to the dead terminal; there is no one to tell.
                os._exit(EXIT_HANGUP)

    watcher = threading.Thread(target=watch, name="cqfacts-pick-hangup", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
