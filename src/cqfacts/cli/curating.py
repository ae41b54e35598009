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

    Example: cqfacts check --source ../shared/source/chongqing-new-productive-forces-2024-03-31.txt
    """
    from cqfacts.loader import load_with_problems

    base, problems = load_with_problems(path or facts or SETTINGS.facts)
    if source_text is not None:
        from cqfacts.verify import ArchivedText, check_quotes, sources_for

        archive = ArchivedText.read(source_text)
        problems += check_quotes(base, archive, sources_for(base, archive, source_id))
    if problems:
        from cqfacts.output import one_line

        for problem in sorted(problems):
            sys.stdout.write(one_line(str(problem)) + "\n")
        sys.stderr.write(f"cqfacts: {len(problems)} problem{'s' if len(problems) != 1 else ''} found\n")
        raise typer.Exit(EXIT_ERROR)
    checked = f", quotes checked against {source_text}" if source_text else ""
    files = f"{len(base.files)} file{'s' if len(base.files) != 1 else ''}"
    terms = f", {len(base.terms)} terms" if base.terms else ""
    sys.stderr.write(f"cqfacts: ok: {len(base.facts)} facts, {len(base.sources)} sources, "
                     f"{len(base.entities)} entities{terms} in {files}{checked}\n")
