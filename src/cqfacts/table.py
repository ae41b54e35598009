"""Records as a table that fits the terminal: the layout people read (output.emit prints it).

- A fact id is never split across lines: its column is as wide as the longest id.
- The main text (the column with the largest ratio: a statement, a title) gets at least ``MIN_TEXT``
  columns where the terminal has them: when an id beside it leaves too little, the id is stacked above
  its text in one column; when that is not enough either, the minor columns (from the right) are dropped,
  unless the user picked the fields.
- A cell holds at most ``MAX_CELL`` characters, cut with '…' (tables only: the other formats are whole).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from cqfacts.output import Column, View, cell_text

MAX_CELL = 2_000  # characters: a few screens of a wrapped column, however long the value
MIN_TEXT = 40  # the width the main text keeps, where the terminal has it
KEY = "id"  # the column that is never split, and is stacked above the text when room is short
_GAP = 3  # between two columns: a divider and a space of padding on each side; no outer edge


class Layout:
    """Which columns a table shows (indices into the view's columns), how wide, and whether the key is
    stacked above the text column."""

    def __init__(self, kept: list[int], widths: list[int], stacked: bool, natural: list[int]) -> None:
        self.kept = kept
        self.widths = widths
        self.stacked = stacked
        self.natural = natural  # of every column: its longest cell


def fact_table(records: Sequence[dict[str, Any]], view: View, columns: list[Column], width: int = 80,
               fit: bool = True) -> Any:
    """A Rich table no wider than ``width``; ``fit``: minor columns may be dropped to keep the text readable."""
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    rows = [[cell_text(c.get(r), MAX_CELL) for c in columns] for r in records]
    layout = plan(columns, rows, width, drop=fit, measure=cell_len)
    key = _index(columns, KEY)
    text = _text_column(columns)
    table = Table(box=box.SIMPLE_HEAD, title=Text(view.title) if view.title else None, show_edge=False,
                  pad_edge=False, padding=(0, 1), leading=1 if layout.stacked else 0)
    for i, w in zip(layout.kept, layout.widths, strict=True):
        c = columns[i]
        merged = layout.stacked and i == text
        header = f"{columns[key].header} / {c.header}" if merged and key is not None else c.header
        table.add_column(Text(header), width=w, justify=c.justify,  # type: ignore[arg-type]
                         no_wrap=c.no_wrap and not merged and w >= layout.natural[i], overflow="fold",
                         style=None if merged else c.style or None)
    for record, row in zip(records, rows, strict=True):
        cells = []
        for i in layout.kept:
            cell = _cell(view, record, columns[i].name, row[i], Text)
            if layout.stacked and i == text and key is not None:
                above = _cell(view, record, columns[key].name, row[key], Text)
                above.stylize(columns[key].style or "")
                above.append("\n")
                above.append(cell)
                cell = above
            cells.append(cell)
        table.add_row(*cells)
    return table


def _cell(view: View, record: dict[str, Any], name: str, value: str, text_type: Any) -> Any:
    cell = text_type(value)
    if view.highlight is not None:
        view.highlight(record, name, cell)
    return cell


def _index(columns: list[Column], name: str) -> int | None:
    return next((i for i, c in enumerate(columns) if c.name == name), None)


def _text_column(columns: list[Column]) -> int | None:
    """The main text: the first column with the largest ratio."""
    ratios = [c.ratio or 0 for c in columns]
    return ratios.index(max(ratios)) if any(ratios) else None


def plan(columns: list[Column], rows: list[list[str]], width: int, drop: bool = True,
         measure: Callable[[str], int] = len) -> Layout:
    """The layout of a table ``width`` cells wide (see the module's rules), from the cells' plain text."""
    natural = [max([measure(c.header), *(measure(row[i]) for row in rows)]) for i, c in enumerate(columns)]
    # A wrapped column should not break words (up to 15 cells long) when it can help it.
    longest_word = [min(15, max((measure(w) for row in rows for w in row[i].split()), default=1))
                    for i in range(len(columns))]
    key, text = _index(columns, KEY), _text_column(columns)

    def attempt(kept: list[int], stacked: bool) -> Layout | None:
        need = list(natural)
        if stacked and key is not None and text is not None:
            need[text] = max(natural[text], natural[key])
            kept = [i for i in kept if i != key]
        room = width - _GAP * (len(kept) - 1)
        fixed_key = key if key in kept else None  # never split: as wide as its longest value
        shared = [i for i in kept if i != fixed_key]
        left = room - (need[fixed_key] if fixed_key is not None else 0)
        if left < 4 * len(shared):
            return None
        got = dict(zip(shared, column_widths([need[i] for i in shared], [columns[i].ratio for i in shared], left,
                                             [longest_word[i] for i in shared]), strict=True))
        if fixed_key is not None:
            got[fixed_key] = need[fixed_key]
        return Layout(kept, [got[i] for i in kept], stacked and key is not None, natural)

    def readable(layout: Layout | None) -> bool:
        if layout is None:
            return False
        if text is None or text not in layout.kept:
            return True
        got = layout.widths[layout.kept.index(text)]
        if layout.stacked and key is not None and got < natural[key]:
            return False  # the id above the text would be split
        return got >= min(MIN_TEXT, natural[text])

    kept = list(range(len(columns)))
    minor = [i for i in reversed(kept) if i not in (key, text)] if drop else []
    last: Layout | None = None
    while True:
        for stacked in (False, True) if key is not None and text is not None else (False,):
            layout = attempt(kept, stacked)
            if readable(layout):
                return layout  # type: ignore[return-value]
            last = layout or last
        if not minor:
            break
        dropped = minor.pop(0)
        kept = [i for i in kept if i != dropped]
    if last is not None:
        return last
    # Too narrow for anything to be whole: every column shares what there is.
    return Layout(kept, column_widths([natural[i] for i in kept], [columns[i].ratio for i in kept],
                                      max(len(kept), width - _GAP * (len(kept) - 1))), False, natural)


def column_widths(natural: list[int], ratios: list[int | None], room: int,
                  minimum: list[int] | None = None) -> list[int]:
    """Content widths that fit ``room``: each column as wide as it needs while everything fits; else
    the columns with a ratio (the wrapped text) keep at least a third of the room, the others fold
    evenly from the widest down, and the ratio columns share the rest, none wider than it needs.
    """
    widths = list(natural)
    if sum(widths) <= room:
        return widths
    fixed = [i for i, ratio in enumerate(ratios) if not ratio]
    flexible = [i for i, ratio in enumerate(ratios) if ratio]
    if not flexible:  # nothing to wrap: every column gives up width evenly from the widest down
        fixed, flexible = [], list(range(len(natural)))
        ratios = [1] * len(natural)
    budget = room - min(sum(natural[i] for i in flexible), max(24, room // 3))
    cap = max((natural[i] for i in fixed), default=0)
    while cap > 6 and sum(min(natural[i], cap) for i in fixed) > budget:
        cap -= 1
    for i in fixed:
        widths[i] = min(natural[i], cap)
    left = room - sum(widths[i] for i in fixed)
    # Share by ratio; a column that needs less than its share takes what it needs and frees the rest.
    active = list(flexible)
    while active:
        total = sum(ratios[i] or 1 for i in active)
        share = {i: left * (ratios[i] or 1) // total for i in active}
        satisfied = [i for i in active if natural[i] <= share[i]]
        if not satisfied:
            for i in active:
                widths[i] = max(4, share[i], minimum[i] if minimum else 0)
            # Rounding leaves a little over, a minimum may take a little more: the widest column settles it.
            widest = max(active, key=lambda i: widths[i])
            widths[widest] = max(4, widths[widest] + left - sum(widths[i] for i in active))
            break
        for i in satisfied:
            widths[i] = natural[i]
            left -= natural[i]
            active.remove(i)
    return widths
