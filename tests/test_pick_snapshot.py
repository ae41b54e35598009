"""The picker's screen at 100×30 against a stored snapshot (pytest-textual-snapshot). After a deliberate
change to the layout, look at the new screen in the report and accept it with
``python -m pytest tests/test_pick_snapshot.py --snapshot-update``.

The base is the two-fact test base (tests/data/cite-persons.toml), so that curating the shipped base does
not change the picture."""

from __future__ import annotations

from conftest import DATA


def test_the_screen_at_100_by_30_with_a_marked_fact(snap_compare, monkeypatch):
    from cqfacts.loader import load
    from cqfacts.pick.app import PickApp
    from cqfacts.pick.picker import Picker

    def steady_cursor(pilot) -> None:  # a blinking cursor would make the picture depend on the moment taken
        pilot.app.query_one("#query").cursor_blink = False

    monkeypatch.delenv("NO_COLOR", raising=False)
    app = PickApp(Picker(load(DATA / "cite-persons.toml"), style="apa"), "")
    assert snap_compare(app, press=["tab", "ctrl+s"], terminal_size=(100, 30), run_before=steady_cursor)
