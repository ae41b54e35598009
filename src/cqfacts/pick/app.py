"""The picker's Textual app: the query line, the ranked results, the preview, the status line and the
keys in the footer. It shows a ``Picker`` and routes keys to it; ranking, citing and copying are the
library's (cqfacts.search, cqfacts.citation, cqfacts.clipboard)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Footer, Input, OptionList

from cqfacts.errors import CqfactsError
from cqfacts.pick.picker import Picker
from cqfacts.pick.widgets import Preview, ResultList, StatusLine


def _copy_to_clipboard(text: str) -> list[str]:
    from cqfacts.clipboard import copy

    return copy(text)


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
        saved = os.environ.get("NO_COLOR")
        if color is False:  # --no-color: Textual reads NO_COLOR when the app is made
            os.environ["NO_COLOR"] = "1"
        try:
            super().__init__()
        finally:
            if color is False and saved is None:
                del os.environ["NO_COLOR"]

    def compose(self) -> ComposeResult:
        yield Input(value=self.initial_query, placeholder="Search facts: words, names, numbers, 中文",
                    id="query", select_on_focus=False)
        with Horizontal(id="main"):
            yield ResultList(id="results")
            yield Preview(id="preview")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#query", Input).focus()
        self.rank(self.initial_query)

    @property
    def results(self) -> ResultList:
        return self.query_one(ResultList)

    def rank(self, query: str) -> None:
        """Re-rank for the query line and redraw the list, the status line and the preview."""
        ranking = self.picker.rank(query)
        self.results.show(ranking.facts)
        self.ranking = ranking
        self.show_status()
        if not ranking.facts:
            self.show_preview()

    def show_status(self) -> None:
        r, p = self.ranking, self.picker
        self.query_one(StatusLine).show(r.query, len(r.facts), r.pool, r.capped, len(self.results.marks),
                                        p.style, p.prints)

    def show_preview(self) -> None:
        fact, p = self.results.current, self.picker
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

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
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
