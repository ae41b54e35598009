"""Curating the fact base: ``check`` and ``init``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cqfacts.cli.app import EXIT_ERROR, SETTINGS, app
from cqfacts.cli.options import FactsOption, JsonOption


@app.command("check")
def check_command(
    path: Annotated[Path | None, typer.Argument(
        help="Fact base to check: a TOML file or a folder. [default: --facts, $CQFACTS_FACTS, the nearest "
        "facts.toml, or the shipped base]", show_default=False)] = None,
    source_text: Annotated[list[Path] | None, typer.Option(
        "--source", help="Archived text of a source, instead of its `archive` (repeatable): each of its quotes must "
        "occur there verbatim, in its paragraph.", show_default=False)] = None,
    source_id: Annotated[str | None, typer.Option(
        "--source-id", help="Which source --source is the text of. [default: the source whose archive names the file]",
        show_default=False)] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too (exit 2).")] = False,
    as_json: JsonOption = False,
    facts: FactsOption = None,
) -> None:
    """Validate a fact base and list every problem as file:line: id: what is wrong.

    Example: cqfacts check

    Every source with an `archive` is checked against it; warnings (a likely tag typo, a missing archive) fail
    only with --strict.
    """
    from cqfacts.curate.checking import check_base

    report = check_base(path or facts or SETTINGS.facts, list(source_text or ()), source_id)
    failed = report.errors or (strict and report.warnings)
    if as_json:
        from cqfacts.output import write_text, writing

        with writing():
            write_text([p.to_json() for p in report.problems], None, "json", sys.stdout)
    else:
        from cqfacts.output import one_line

        for problem in report.problems:
            sys.stdout.write(one_line(str(problem)) + "\n")
    sys.stderr.writelines(f"cqfacts: {line}\n" for line in report.summary())
    if failed:
        raise typer.Exit(EXIT_ERROR)


@app.command("init")
def init_command(
    folder: Annotated[Path, typer.Argument(help="Folder for the new fact base. [default: the current folder]",
                                           show_default=False)] = Path("."),
) -> None:
    """Start a fact base: facts.toml (with a commented example source and fact) and a sources/ folder.

    Example: cqfacts init my-facts
    """
    from cqfacts.curate.starter import init_base

    facts_file = init_base(folder)
    sys.stderr.write(f"cqfacts: created {facts_file} and {facts_file.parent / 'sources'}/; next: "
                     "cqfacts source add ARTICLE.txt --id ID --title TITLE …\n")
