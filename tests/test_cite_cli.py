"""`cqfacts cite` as a command: errors, JSON for scripts, the terminal view, the personal default, --copy."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from conftest import run

FACT = "nev-production-sales-2023"


def test_unknown_id_exits_2_with_the_closest_ids() -> None:
    result = run("cite", "nev-production-sales", "--style", "mla")
    assert result.exit_code == 2 and result.stdout == ""
    assert "unknown fact id 'nev-production-sales'; did you mean nev-production-sales-2023" in result.stderr


def test_unknown_style_exits_2_listing_the_styles() -> None:
    result = run("cite", FACT, "--style", "vancouver")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == ("cqfacts: error: unknown style 'vancouver'; choose one of apa, mla, chicago, "
                             "chicago-author-date, harvard, ieee, pandoc, bibtex, biblatex, ris, csl-json\n")


def test_bad_accessed_date_exits_2() -> None:
    result = run("cite", FACT, "--accessed", "5 Jan 2025")
    assert result.exit_code == 2 and "write YYYY-MM-DD or 'today'" in result.stderr


def test_url_needs_one_source(tmp_path: Path) -> None:
    from conftest import DATA

    result = run("--facts", str(DATA / "cite-persons.toml"), "cite", "test-shared-lab-sites",
                 "test-freight-doubled", "--url", "https://example.org/x")
    assert result.exit_code == 2 and "describe one source" in result.stderr


def test_style_from_the_environment_and_the_option_wins() -> None:
    env = {"CQFACTS_STYLE": "ieee"}
    assert run("cite", FACT, "--in-text", env=env).stdout == "[1]\n"
    assert run("cite", FACT, "--in-text", "--style", "harvard", env=env).stdout.startswith("(Chongqing")


def test_json_gives_each_part_as_a_field() -> None:
    result = run("cite", FACT, FACT, "--style", "chicago", "--json")
    rows = json.loads(result.stdout)
    assert [r["type"] for r in rows] == ["citation", "citation", "reference"]
    first, second, ref = rows
    assert first["id"] == FACT and first["source"] == "cqgov-2024-03-31" and first["paragraph"] == 12
    assert first["quote"].startswith("“In 2023, the production and sales of ‘Made in Chongqing’")
    assert first["in_text"] == "1. " + first["note"] and second["in_text"] == "2. “New Chongqing.”"
    assert second["short_note"] == "“New Chongqing.”" and second["note_number"] == 2
    assert ref["key"] == "cqgov2024newchongqing" and ref["reference"].startswith("Chongqing Municipal")
    apa = json.loads(run("cite", FACT, "--json", "--format", "markdown", "--reference").stdout)
    assert apa == [{"type": "reference", "source": "cqgov-2024-03-31", "style": "apa",
                    "key": "cqgov2024newchongqing", "number": 1, "reference": apa[0]["reference"]}]
    assert "*New Chongqing is moving" in apa[0]["reference"]


def test_json_for_a_machine_format_carries_the_record() -> None:
    rows = json.loads(run("cite", FACT, "--style", "bibtex", "--json", "--no-quote").stdout)
    assert rows == [{"type": "reference", "source": "cqgov-2024-03-31", "style": "bibtex",
                     "key": "cqgov2024newchongqing", "number": 1, "reference": run("cite", FACT, "--style",
                                                                                  "bibtex").stdout}]


def test_terminal_view_shows_italics_and_treats_fact_text_as_data() -> None:
    result = run("cite", FACT, "--reference", tty=True, env={"NO_COLOR": None, "FORCE_COLOR": "1"})
    assert "\x1b[3mNew Chongqing is moving" in result.stdout  # SGR 3: italic
    import re

    shown = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    assert shown == run("cite", FACT, "--reference", "--format", "text").stdout


def _fake_tool(folder: Path, name: str, log: Path) -> None:
    script = folder / name
    script.write_text(f"#!/bin/sh\n{shutil.which('cat')} > '{log}'\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


@pytest.mark.skipif(os.name != "posix", reason="fake clipboard tools are shell scripts")
def test_copy_uses_the_clipboard_tool_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from cqfacts import clipboard

    terminal = io.StringIO()
    terminal.close = lambda: None  # type: ignore[method-assign]
    monkeypatch.setattr(clipboard, "open_terminal", lambda: terminal)
    log = tmp_path / "clipboard.txt"
    _fake_tool(tmp_path, "xclip", log)
    result = run("cite", FACT, "--style", "mla", "--copy",
                 env={"PATH": str(tmp_path), "DISPLAY": ":0", "WAYLAND_DISPLAY": None, "TMUX": None})
    assert result.exit_code == 0
    assert log.read_text(encoding="utf-8") == result.stdout  # the plain-text citation, as printed
    assert result.stderr == "cqfacts: copied to the clipboard with OSC 52 (terminal) and xclip\n"
    assert terminal.getvalue() == clipboard.osc52(result.stdout)


def test_copy_without_any_clipboard_still_succeeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cqfacts import clipboard

    monkeypatch.setattr(clipboard, "open_terminal", lambda: None)
    result = run("cite", FACT, "--copy", env={"PATH": str(tmp_path), "DISPLAY": None, "WAYLAND_DISPLAY": None})
    assert result.exit_code == 0 and result.stdout.startswith("“In 2023")
    assert "no clipboard found" in result.stderr and "nothing copied" in result.stderr


def test_osc52_sequence_and_tmux_passthrough() -> None:
    from cqfacts.clipboard import osc52

    assert osc52("hé") == "\x1b]52;c;aMOp\x07"
    assert osc52("hé", tmux=True) == "\x1bPtmux;\x1b\x1b]52;c;aMOp\x07\x1b\\"


def test_clipboard_tools_fit_the_session() -> None:
    from cqfacts.clipboard import clipboard_tools

    def which(name: str) -> str:
        return f"/usr/bin/{name}"

    assert [t[0] for t in clipboard_tools({}, which, "darwin")] == ["pbcopy"]
    assert [t[0] for t in clipboard_tools({"WAYLAND_DISPLAY": "wayland-0"}, which, "linux")] == ["wl-copy"]
    assert [t[0] for t in clipboard_tools({"DISPLAY": ":0"}, which, "linux")] == ["xclip", "xsel"]
    assert [t[0] for t in clipboard_tools({"WSL_DISTRO_NAME": "Ubuntu"}, which, "linux")] == ["clip.exe"]
    assert clipboard_tools({"DISPLAY": ":0"}, lambda name: None, "linux") == []
