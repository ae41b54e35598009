"""Picking facts interactively: ``pick`` (the app is cqfacts.pick; Textual is imported by this command only)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cqfacts.cli.app import EXIT_FOUND, EXIT_NOTHING, SETTINGS, app
from cqfacts.cli.options import (
    EntityOption,
    FactsOption,
    KindOption,
    SourceOption,
    TagOption,
    YearOption,
    complete_style,
    load_base,
    select,
)
from cqfacts.errors import CqfactsError


def _complete_print(incomplete: str) -> list[str]:
    from cqfacts.pick.picker import PRINTS

    return [p for p in PRINTS if p.startswith(incomplete)]


def _complete_shell(incomplete: str) -> list[str]:
    from cqfacts.pick.shell import SHELLS

    return [s for s in SHELLS if s.startswith(incomplete)]


@app.command("pick")
def pick_command(
    query: Annotated[str, typer.Argument(help="Words to start the query line with.", show_default=False)] = "",
    style: Annotated[str | None, typer.Option(
        "--style", "-s", envvar="CQFACTS_STYLE", show_envvar=True, autocompletion=complete_style,
        help="The style to start in (Ctrl-S cycles): apa, mla, chicago, chicago-author-date, harvard, ieee.",
        show_default=False)] = None,
    prints: Annotated[str, typer.Option(
        "--print", "-p", autocompletion=_complete_print,
        help="What Enter prints: quote (quotation and in-text citation), in-text, reference, pandoc "
             "([@key, para. 12]), id or json.")] = "quote",
    shell: Annotated[str | None, typer.Option(
        "--shell", autocompletion=_complete_shell, show_default=False,
        help="Print a key binding (Ctrl-X Ctrl-P) for bash, zsh or fish that inserts the chosen citation "
             "at the cursor, and exit.")] = None,
    tag: TagOption = None, kind: KindOption = None, year: YearOption = None, source: SourceOption = None,
    entity: EntityOption = None,
    facts: FactsOption = None,
) -> None:
    """Find facts as you type and print the citation of the one you choose: for editors and shells.

    Up/Down or Ctrl-N/Ctrl-P move, Tab marks several, Ctrl-S changes the style, Ctrl-Y copies, Enter
    prints the chosen facts' citations to stdout and exits 0; Esc or Ctrl-C prints nothing and exits 1.
    It draws on the terminal even when stdout is a pipe: cite=$(cqfacts pick --print pandoc).

    Example: cqfacts pick tianmu --style mla
    """
    from cqfacts.pick.picker import Picker, check_print

    check_print(prints)
    if shell is not None:
        from cqfacts.pick.shell import binding

        chosen_style = [] if style is None else ["--style", style]
        sys.stdout.write(binding(shell, [*chosen_style, "--print", prints]))
        return
    base = load_base(facts)
    pool = select(base, tag, kind, year, source, entity) if (tag or kind or year or source or entity) else None
    picker = Picker(base, pool, style, prints)

    from cqfacts.pick import terminal
    from cqfacts.pick.app import PickApp

    picked = terminal.run_app(lambda: PickApp(picker, query, color=SETTINGS.color))
    ids = picked.return_value
    if ids is None:
        if not picked.cancelled:
            raise CqfactsError("the picker stopped before anything was chosen; rerun with --debug for details")
        raise typer.Exit(EXIT_NOTHING)
    sys.stdout.write(picker.output([base.facts[i] for i in ids]))
    raise typer.Exit(EXIT_FOUND)
