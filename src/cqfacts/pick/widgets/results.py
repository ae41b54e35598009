"""The ranked result list: one line per fact (its statement), marks for choosing several.

Drawn a line at a time (Textual's line API): a new ranking or a move repaints the rows on screen and
nothing else, with no layout and no widget or option object per fact, so a keystroke costs about a
screenful of rows whatever the number of results."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from textual.content import Content
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from cqfacts.output import one_line

if TYPE_CHECKING:
    from textual import events

    from cqfacts.model import Fact

MARK, UNMARKED = "● ", "  "
HIGHLIGHTED = "result-list--highlighted"


class ResultList(Widget, can_focus=False):
    """The facts of the current ranking; the query line keeps the focus, the app moves the highlight."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {HIGHLIGHTED}

    class Highlighted(Message):
        """The highlight moved to another fact (None: the list is empty)."""

        def __init__(self, fact: Fact | None) -> None:
            super().__init__()
            self.fact = fact

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.facts: list[Fact] = []
        self.marks: dict[str, Fact] = {}  # fact id -> fact, in the order marked (kept across queries)
        self.highlighted: int | None = None
        self.top = 0  # the index of the fact on the first row

    def show(self, facts: list[Fact]) -> None:
        """List these facts, best first, and highlight the first (nothing to redraw if they are listed so)."""
        if self.highlighted == 0 and self.top == 0 and [f.id for f in facts] == [f.id for f in self.facts]:
            return
        self.facts, self.top = facts, 0
        self._highlight(0 if facts else None)

    @property
    def current(self) -> Fact | None:
        index = self.highlighted
        return self.facts[index] if index is not None and index < len(self.facts) else None

    def move(self, step: int) -> None:
        if self.highlighted is not None:
            index = min(max(self.highlighted + step, 0), len(self.facts) - 1)
            if index != self.highlighted:
                self._highlight(index)

    def toggle_mark(self) -> None:
        """Tab: mark the highlighted fact, or unmark it, and move to the next."""
        fact = self.current
        if fact is None:
            return
        if self.marks.pop(fact.id, None) is None:
            self.marks[fact.id] = fact
        self.refresh()
        self.move(1)

    def chosen(self) -> list[Fact]:
        """Enter: the marked facts, else the highlighted one."""
        if self.marks:
            return list(self.marks.values())
        return [self.current] if self.current is not None else []

    def _highlight(self, index: int | None) -> None:
        self.highlighted = index
        rows = max(self.size.height, 1)
        if index is not None:  # keep the highlighted row on screen
            self.top = min(self.top, index)
            self.top = max(self.top, index - rows + 1)
        self.refresh()
        self.post_message(self.Highlighted(self.current))

    def on_resize(self) -> None:
        self._highlight(self.highlighted)

    def on_click(self, event: events.Click) -> None:
        if 0 <= self.top + event.y < len(self.facts):
            self._highlight(self.top + event.y)

    def on_mouse_scroll_down(self) -> None:
        self.move(1)

    def on_mouse_scroll_up(self) -> None:
        self.move(-1)

    def render_line(self, y: int) -> Strip:
        index, width = self.top + y, self.size.width
        if index >= len(self.facts):
            return Strip.blank(width, self.rich_style)
        fact = self.facts[index]
        marked = fact.id in self.marks
        style = self.get_visual_style(*([HIGHLIGHTED] if index == self.highlighted else []))
        # Fact text is data, never markup: plain strings become Content as they are.
        row = Content.assemble((MARK, "bold $accent") if marked else UNMARKED,
                               (one_line(fact.statement), "bold" if marked else "")).truncate(width, ellipsis=True)
        segments = [Segment(text, part.rich_style)
                    for text, part in row.render(style, end="", parse_style=self._get_style)]
        return Strip(segments, row.cell_length).extend_cell_length(width, style.rich_style)
