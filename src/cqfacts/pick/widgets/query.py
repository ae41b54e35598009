"""The query line: Textual's Input, but typing in it asks for no new layout of the screen.

Input sets its virtual size (its text's width) on every change, and Widget's ``virtual_size`` asks for a
layout of the whole screen when it changes: for a line of fixed size (pick.tcss) that is a second frame
per keystroke for nothing. Here the virtual size only repaints; Input scrolls to the cursor from it as
before (``max_scroll_x`` reads it directly)."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class QueryLine(Input):
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
