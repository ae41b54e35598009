"""Put text on the clipboard: the OSC 52 terminal sequence (works over SSH and in tmux) and the
platform's clipboard tool where one is installed. Never fails: it says what it used, or that nothing was."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from typing import TextIO


def osc52(text: str, tmux: bool = False) -> str:
    """The OSC 52 'set clipboard' sequence; inside tmux wrapped for passthrough (ESC doubled)."""
    sequence = f"\x1b]52;c;{base64.b64encode(text.encode('utf-8')).decode('ascii')}\x07"
    if tmux:
        return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    return sequence


def open_terminal() -> TextIO | None:
    """The controlling terminal, else stderr when it is one, else None (no terminal to tell)."""
    try:
        return open("/dev/tty", "w", encoding="utf-8")
    except OSError:
        pass
    try:
        if sys.stderr.isatty():
            return sys.stderr
    except (AttributeError, ValueError):
        pass
    return None


def clipboard_tools(env: dict[str, str] | None = None, which: Callable[[str], str | None] = shutil.which,
                    platform: str = sys.platform) -> list[tuple[str, list[str], str]]:
    """The installed clipboard commands that fit this session: (name, argv, input encoding)."""
    env = dict(os.environ) if env is None else env
    candidates: list[tuple[str, list[str], str]] = []
    if platform == "darwin":
        candidates.append(("pbcopy", ["pbcopy"], "utf-8"))
    if env.get("WAYLAND_DISPLAY"):
        candidates.append(("wl-copy", ["wl-copy"], "utf-8"))
    if env.get("DISPLAY"):
        candidates.append(("xclip", ["xclip", "-selection", "clipboard"], "utf-8"))
        candidates.append(("xsel", ["xsel", "--clipboard", "--input"], "utf-8"))
    if platform in ("win32", "cygwin") or env.get("WSL_DISTRO_NAME"):
        candidates.append(("clip.exe", ["clip.exe"], "utf-16"))  # clip.exe reads UTF-16 with a BOM as Unicode
    found = []
    for name, argv, encoding in candidates:
        path = which(argv[0])
        if path:
            found.append((name, [path, *argv[1:]], encoding))
    return found


def copy(text: str, terminal: Callable[[], TextIO | None] | None = None,
         env: dict[str, str] | None = None) -> list[str]:
    """Copy text every way available; return what was used ('OSC 52 (terminal)', 'xclip', ...)."""
    env = dict(os.environ) if env is None else env
    used = []
    tty = (terminal or open_terminal)()
    if tty is not None:
        try:
            tty.write(osc52(text, tmux=bool(env.get("TMUX"))))
            tty.flush()
            used.append("OSC 52 (terminal)")
        except OSError:
            pass
        finally:
            if getattr(tty, "name", None) == "/dev/tty":
                tty.close()
    for name, argv, encoding in clipboard_tools(env):
        try:
            subprocess.run(argv, input=text.encode(encoding), check=True, timeout=5,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):
            continue
        used.append(name)
        break  # one clipboard tool is enough
    return used
