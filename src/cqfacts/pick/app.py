"""The picker's Textual app: the query line, the ranked results, the preview, the status line and the
keys in the footer. It shows a ``Picker`` and routes keys to it; ranking, citing and copying are the
library's (cqfacts.search, cqfacts.citation, cqfacts.clipboard)."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from typing import ClassVar

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Input

from cqfacts.errors import CqfactsError
from cqfacts.pick.picker import Picker
from cqfacts.pick.widgets import KeyLine, Preview, QueryLine, ResultList, StatusLine


def _copy_to_clipboard(text: str) -> list[str]:
    from cqfacts.clipboard import copy

    return copy(text)


class SizedOnce(Screen):
    """A screen laid out once per size: a layout posts the screen a Resize of the size it was just laid out
    at (it counts as resized from nothing), and Textual lays the whole screen out again for it."""

    laid_out: Size | None = None

    def get_default_screen(self) -> Screen:
        return SizedOnce(id="_default")

    def on_resize(self, event: events.Resize) -> None:
        if event.size == self.laid_out:
            event.prevent_default()
        self.laid_out = event.size


class PickApp(App[list[str]]):
    """Exits with the chosen fact ids (Enter), or with nothing (Esc, Ctrl-C)."""

    CSS_PATH = "pick.tcss"
    TITLE = "cqfacts pick"
    ENABLE_COMMAND_PALETTE = False
    # Priority bindings: the query line keeps the focus, and these keys must reach the app before it.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,ctrl+n", "move(1)", "Move", key_display="↑↓", priority=True),
        Binding("up,ctrl+p", "move(-1)", "Up", show=False, priority=True),
        Binding("tab", "mark", "Mark", priority=True),
        Binding("ctrl+s", "style", "Style", priority=True),
        Binding("ctrl+y", "copy", "Copy", priority=True),
        Binding("enter", "choose", "Choose", priority=True),
        Binding("escape,ctrl+c,ctrl+q", "cancel", "Quit", key_display="esc", priority=True),
    ]

    def __init__(self, picker: Picker, query: str = "", color: bool | None = None,
                 copy: Callable[[str], list[str]] = _copy_to_clipboard):
        self.picker, self.initial_query, self.copy_text = picker, query, copy
        self.cancelled = False
        self.sized: Size | None = None  # the last terminal size handled (on_resize)
        self.previewed: tuple[str | None, str, str] | None = None  # the fact, style and --print on show
        saved = os.environ.get("NO_COLOR")
        if color is False:  # --no-color: Textual reads NO_COLOR when the app is made
            os.environ["NO_COLOR"] = "1"
        try:
            super().__init__()
        finally:
            if color is False and saved is None:
                del os.environ["NO_COLOR"]

    def compose(self) -> ComposeResult:
        yield QueryLine(value=self.initial_query, placeholder="Search facts: words, names, numbers, 中文",
                    id="query", select_on_focus=False)
        with Horizontal(id="main"):
            yield ResultList(id="results")
            yield Preview(id="preview")
        yield StatusLine(id="status")
        yield KeyLine(((self.get_key_display(b), b.description) for b in self.BINDINGS
                       if isinstance(b, Binding) and b.show), id="keys")

    def get_default_screen(self) -> Screen:
        return SizedOnce(id="_default")

    def on_resize(self, event: events.Resize) -> None:
        """Lay the screen out once per size. Textual's App keeps each Resize it gets and, when idle, sends the
        last one on to the screen, which lays out and draws everything again even when the size is the one
        already laid out; at start the driver repeats the size the app was made with, and that cost three
        more full frames before the first screen was complete. A size already handled goes no further."""
        if event.size == self.sized:
            event.prevent_default()
        self.sized = event.size

    def on_mount(self) -> None:
        self.query_one("#query", Input).focus()
        self.rank(self.initial_query)
        self.call_after_refresh(self.after_first_screen)

    def after_first_screen(self) -> None:
        self.picker.prepare()  # the search index, before the first key asks for it
        # What start-up made (modules, widgets, styles, the fact base, its index) lives as long as the app:
        # spare the collector scanning it on every full collection, a pause of 50-100 ms while typing.
        gc.freeze()

    @property
    def results(self) -> ResultList:
        return self.query_one(ResultList)

    def rank(self, query: str) -> None:
        """Re-rank for the query line and redraw the list, the status line and the preview."""
        ranking = self.picker.rank(query)
        self.results.show(ranking.facts)
        self.ranking = ranking
        self.show_status()  # the preview follows the highlight (on_result_list_highlighted)

    def show_status(self) -> None:
        r, p = self.ranking, self.picker
        self.query_one(StatusLine).show(r.query, len(r.facts), r.pool, r.capped, len(self.results.marks),
                                        p.style, p.prints)

    def show_preview(self) -> None:
        fact, p = self.results.current, self.picker
        shown = (fact.id if fact else None, p.style, p.prints)
        if shown == self.previewed:
            return  # already on show: typing on often keeps the best fact, and redrawing it costs a frame
        self.previewed = shown
        if fact is None:
            self.query_one(Preview).show(p.base, None)
            return
        plain = p.prints in ("id", "json")  # the preview shows the quotation for these
        heading = f"Citation ({p.style}):" if plain else f"Enter prints ({p.prints}, {p.style}):"
        try:
            citation = p.preview(fact)
        except CqfactsError as exc:  # the fact's record cannot be cited: say so here, as `cite` would
            heading, citation = f"Cannot cite it in {p.style}:", str(exc)
        self.query_one(Preview).show(p.base, fact, heading, citation)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.rank(event.value)

    def on_result_list_highlighted(self, event: ResultList.Highlighted) -> None:
        self.show_preview()

    def action_move(self, step: int) -> None:
        self.results.move(step)

    def action_mark(self) -> None:
        self.results.toggle_mark()
        self.show_status()

    def action_style(self) -> None:
        self.picker.next_style()
        self.show_status()
        self.show_preview()

    def action_copy(self) -> None:
        facts = self.results.chosen()
        if not facts:
            self.notify("nothing to copy", severity="warning", markup=False)
            return
        try:
            text = self.picker.output(facts)
        except CqfactsError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        used = self.copy_text(text)
        self.notify(f"copied with {' and '.join(used)}" if used else "no clipboard found; nothing copied",
                    severity="information" if used else "warning", markup=False)

    def action_choose(self) -> None:
        facts = self.results.chosen()
        if facts:
            self.exit([f.id for f in facts])
        else:
            self.bell()

    def action_cancel(self) -> None:
        self.cancelled = True
        self.exit(None, return_code=1)
