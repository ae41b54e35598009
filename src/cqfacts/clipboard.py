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


TMUX_BUFFER = "the tmux buffer"
OSC52 = "OSC 52 (terminal)"
OSC52_TMUX = "OSC 52 (through tmux)"
_NOTHING = "no clipboard found (no terminal, pbcopy, wl-copy, xclip, xsel or clip.exe); nothing copied"


def copy(text: str, terminal: Callable[[], TextIO | None] | None = None,
         env: dict[str, str] | None = None, which: Callable[[str], str | None] = shutil.which) -> list[str]:
    """Copy text every way available; return what was used (OSC52, TMUX_BUFFER, 'xclip', ...).

    Inside tmux the OSC 52 sequence reaches the outer terminal only when tmux lets it through
    (allow-passthrough), so the text goes to tmux's own buffer (``tmux load-buffer -w``, which also hands it
    to the terminal's clipboard where tmux's set-clipboard is on) and the sequence is sent only when tmux
    says passthrough is on, or when there is no tmux command to ask.
    """
    env = dict(os.environ) if env is None else env
    used = []
    tmux = which("tmux") if env.get("TMUX") else None
    if tmux and _tmux_load_buffer(tmux, text):
        used.append(TMUX_BUFFER)
    send = not env.get("TMUX") or tmux is None or _tmux_option(tmux, "allow-passthrough") in ("on", "all")
    tty = (terminal or open_terminal)() if send else None
    if tty is not None:
        try:
            tty.write(osc52(text, tmux=bool(env.get("TMUX"))))
            tty.flush()
            used.append(OSC52_TMUX if env.get("TMUX") and tmux is None else OSC52)
        except OSError:
            pass
        finally:
            if getattr(tty, "name", None) == "/dev/tty":
                tty.close()
    for name, argv, encoding in clipboard_tools(env, which):
        try:
            subprocess.run(argv, input=text.encode(encoding), check=True, timeout=5,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):
            continue
        used.append(name)
        break  # one clipboard tool is enough
    return used


def copy_notice(used: list[str]) -> str:
    """What to tell the user about a copy: only what is known to have happened, and what may not have."""
    if not used:
        return _NOTHING
    said = [u for u in used if u not in (TMUX_BUFFER, OSC52_TMUX)]
    parts = []
    if TMUX_BUFFER in used:
        parts.append("copied to the tmux buffer (paste with prefix ]; tmux passes it to the terminal's "
                     "clipboard when its set-clipboard option is on)")
    if said:
        parts.append(f"copied to the clipboard with {' and '.join(said)}")
    if OSC52_TMUX in used:
        parts.append("sent to the terminal with OSC 52 through tmux, which passes it on only with "
                     "'set -g allow-passthrough on' in ~/.tmux.conf: the copy may not have arrived")
    return "; ".join(parts)


def _tmux_load_buffer(tmux: str, text: str) -> bool:
    """Put text in tmux's paste buffer and (-w, tmux 3.2+) the outer terminal's clipboard; older tmux: buffer."""
    for argv in ([tmux, "load-buffer", "-w", "-"], [tmux, "load-buffer", "-"]):
        try:
            subprocess.run(argv, input=text.encode("utf-8"), check=True, timeout=5,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            return True
        except (OSError, subprocess.SubprocessError):
            continue
    return False


def _tmux_option(tmux: str, name: str) -> str:
    """A global tmux option's value ('' when tmux does not know it or does not answer)."""
    try:
        done = subprocess.run([tmux, "show-options", "-gv", name], capture_output=True, text=True, timeout=5,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""
