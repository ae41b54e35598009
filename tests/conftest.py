"""Shared test helpers: run the real entry point with pinned terminal settings, find the shipped data."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
FACTS = REPO / "facts.toml"
# The archived article lives in ../shared beside the repository (read-only, never copied into the repo).
SHARED = REPO.parent / "shared"
SOURCE_TEXT = SHARED / "source" / "chongqing-new-productive-forces-2024-03-31.txt"
DATA = Path(__file__).parent / "data"
# Python that gives a process Ctrl-C as a terminal's foreground job has it, whatever this test run's is: a run
# started with `&` from a script ignores SIGINT, and so would the cqfacts it starts (rightly: a background
# job is not interrupted by Ctrl-C). The first lines of a ``python -c`` script for the tests of Ctrl-C.
FOREGROUND_CTRL_C = "import signal\nsignal.signal(signal.SIGINT, signal.default_int_handler)\n"

# Pinned so output does not depend on the terminal the tests run in.
PINNED_ENV = {"COLUMNS": "120", "LINES": "40", "NO_COLOR": "1", "TERM": "xterm-256color"}
CLEARED_ENV = ("FORCE_COLOR", "CQFACTS_FACTS", "CQFACTS_STYLE", "CQFACTS_PAGER", "PAGER", "CQFACTS_DEBUG",
               "CLICOLOR_FORCE", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "CQFACTS_CACHE_DIR", "CQFACTS_NO_CACHE")


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


class _TTYText(io.TextIOWrapper):
    def __init__(self, buffer: io.BytesIO, tty: bool):
        super().__init__(buffer, encoding="utf-8", newline="", write_through=True)
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@contextmanager
def _environment(env: dict[str, str | None]) -> Iterator[None]:
    saved = dict(os.environ)
    try:
        for key in CLEARED_ENV:
            os.environ.pop(key, None)
        os.environ.update(PINNED_ENV)
        for key, value in env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run(*args: str, env: dict[str, str | None] | None = None, input: str = "", tty: bool = False) -> Result:
    """Run ``cqfacts ARGS`` in this process through the real entry point (cqfacts.cli.main).

    stdout and stderr are captured apart; ``tty=True`` makes stdout claim to be a terminal.
    """
    from cqfacts import cli

    out_buf, err_buf = io.BytesIO(), io.BytesIO()
    old = sys.stdin, sys.stdout, sys.stderr
    code: Any = 0
    with _environment(env or {}):
        streams = (io.TextIOWrapper(io.BytesIO(input.encode()), encoding="utf-8"),
                   _TTYText(out_buf, tty), _TTYText(err_buf, False))
        sys.stdin, sys.stdout, sys.stderr = streams
        cli.SETTINGS.__init__()  # type: ignore[misc]  # fresh global options for each run
        try:
            cli.main(list(args))
        except SystemExit as exc:
            code = exc.code
        finally:
            sys.stdin, sys.stdout, sys.stderr = old
            for stream in streams[1:]:
                stream.flush()
            stdout, stderr = out_buf.getvalue().decode("utf-8"), err_buf.getvalue().decode("utf-8")
            for stream in streams:
                stream.detach()  # leave the buffers open; the wrappers must not close them
    return Result(0 if code is None else int(code), stdout, stderr)


def run_process(*args: str, env: dict[str, str | None] | None = None, input: str | None = None,
                cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``python -m cqfacts ARGS`` as a real process (for pipes, signals and start-up)."""
    full_env = {k: v for k, v in os.environ.items() if k not in CLEARED_ENV}
    full_env.update(PINNED_ENV)
    for key, value in (env or {}).items():
        if value is None:
            full_env.pop(key, None)
        else:
            full_env[key] = value
    return subprocess.run([sys.executable, "-m", "cqfacts", *args], capture_output=True, text=True,
                          encoding="utf-8", env=full_env, input=input, cwd=cwd, timeout=timeout)


@pytest.fixture(scope="session", autouse=True)
def _session_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Fact base caches go to this session's folder, never to the ~/.cache of whoever runs the tests,
    also for the processes a test starts itself (the installed wheel in test_package, for one)."""
    folder = str(tmp_path_factory.mktemp("xdg-cache"))
    PINNED_ENV["XDG_CACHE_HOME"] = folder
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = folder
    yield
    if saved is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = saved


@pytest.fixture
def cli() -> Any:
    return run


@pytest.fixture(scope="session")
def base() -> Any:
    from cqfacts.loader import load

    return load(FACTS)


def needs_source() -> Any:
    return pytest.mark.skipif(not SOURCE_TEXT.exists(), reason="../shared/source is not beside the repository")


# --- Hypothesis profiles: small and bounded in CI, long by hand -------------------------------------------
# HYPOTHESIS_PROFILE=long python -m pytest tests/test_fuzz*.py   runs each property on many more inputs.
# The deadline is a hang guard per example, not a timing assertion: a hang or a quadratic blow-up trips it.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("ci", max_examples=25, deadline=10_000, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=2_000, deadline=10_000, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
