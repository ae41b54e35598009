"""Curating the fact base: ``check``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cqfacts.cli.app import EXIT_ERROR, SETTINGS, app
from cqfacts.cli.options import FactsOption


@app.command("check")
def check_command(
    path: Annotated[Path | None, typer.Argument(
        help="Fact base to check: a TOML file or a folder. [default: --facts, $CQFACTS_FACTS or the shipped base]",
        show_default=False)] = None,
    source_text: Annotated[Path | None, typer.Option(
        "--source", help="Archived text of a source: each of its quotes must occur there verbatim, in its paragraph.",
        show_default=False)] = None,
    source_id: Annotated[str | None, typer.Option(
        "--source-id", help="Which source --source is the text of. [default: the source whose archive names the file]",
        show_default=False)] = None,
    facts: FactsOption = None,
) -> None:
    """Validate a fact base and list every problem as file:line: id: what is wrong.

    Example: cqfacts check

    With --source FILE (the archived text of a source), every quote must also occur verbatim in it, in its
    paragraph. Exit 0 when the base is valid, 2 when anything is wrong.
    """
    from cqfacts.loader import load_with_problems
    from cqfacts.output import plural

    base, problems = load_with_problems(path or facts or SETTINGS.facts)
    if source_text is not None:
        from cqfacts.verify import ArchivedText, check_quotes, sources_for

        archive = ArchivedText.read(source_text)
        problems += check_quotes(base, archive, sources_for(base, archive, source_id))
    if problems:
        from cqfacts.output import one_line

        for problem in sorted(problems):
            sys.stdout.write(one_line(str(problem)) + "\n")
        sys.stderr.write(f"cqfacts: {plural(len(problems), 'problem')} found\n")
        raise typer.Exit(EXIT_ERROR)
    checked = f", quotes checked against {source_text}" if source_text else ""
    counts = ", ".join(plural(len(items), name) for items, name in ((base.facts, "fact"), (base.sources, "source"),
                                                                    (base.entities, "entity")))
    sys.stderr.write(f"cqfacts: ok: {counts} in {plural(len(base.files), 'file')}{checked}\n")
