"""The bibliography file of a draft: ``bib``."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cqfacts.cli.app import EXIT_NOTHING, app
from cqfacts.cli.options import FactsOption, complete_fact_id, load_base, require_fact


def _complete_format(incomplete: str) -> list[str]:
    from cqfacts.citation.records import MACHINE_STYLES

    return [f for f in MACHINE_STYLES if f.startswith(incomplete)]


@app.command("bib")
def bib_command(
    ids: Annotated[list[str] | None, typer.Argument(
        help="Fact ids whose sources to write. [default: every source]", show_default=False, metavar="[ID...]",
        autocompletion=complete_fact_id)] = None,
    fmt: Annotated[str, typer.Option(
        "--format", "-f", autocompletion=_complete_format,
        help="csl-json, bibtex, biblatex or ris (CRLF lines).")] = "csl-json",
    facts: FactsOption = None,
) -> None:
    """Write the bibliography of the given facts' sources (all sources without ids), for pandoc's
    --citeproc --bibliography or a reference manager. Keys match `cqfacts cite --style pandoc`.

    Example: cqfacts bib nev-production-sales-2023 --format bibtex
    """
    from cqfacts.citation import bibliography

    base = load_base(facts)
    if ids:
        wanted = dict.fromkeys(require_fact(base, fact_id).source for fact_id in ids)
        sources = [base.sources[sid] for sid in wanted]
    else:
        sources = list(base.sources.values())
    text = bibliography(sources, fmt)
    sys.stdout.write(text)
    if not sources:
        raise typer.Exit(EXIT_NOTHING)
