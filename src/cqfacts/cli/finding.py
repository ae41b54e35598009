"""Finding facts: ``search``, ``list`` and ``show``."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cqfacts.cli.app import EXIT_FOUND, EXIT_NOTHING, SETTINGS, app
from cqfacts.cli.options import (
    EntityOption,
    FactsOption,
    FieldsOption,
    FormatOption,
    JsonOption,
    KindOption,
    PagerOption,
    SourceOption,
    TagOption,
    YearOption,
    complete_fact_id,
    emit,
    fields_option,
    load_base,
    require_fact,
    select,
)
from cqfacts.errors import CqfactsError

SearchFields = fields_option("id,score,statement")


@app.command("search")
def search_command(
    query: Annotated[str | None, typer.Argument(
        help="Words, names, numbers or a question; - reads one query a line from stdin.", show_default=False)] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="At most this many results.")] = 10,
    min_score: Annotated[float, typer.Option(
        "--min-score", min=0, max=100, help="Drop results scoring below this (0-100).")] = 0.0,
    explain: Annotated[bool, typer.Option(
        "--explain", help="Show which query word matched which field of each result, and how.")] = False,
    stdin: Annotated[bool, typer.Option(
        "--stdin", help="Read one query a line from stdin; write one JSON line per query.")] = False,
    tag: TagOption = None, kind: KindOption = None, year: YearOption = None, source: SourceOption = None,
    entity: EntityOption = None,
    as_json: JsonOption = False, fmt: FormatOption = None, fields: SearchFields = None, pager: PagerOption = False,
    facts: FactsOption = None,
) -> None:
    """Find facts by words, names, numbers or a question; best first.

    Words match in any order, as typed, as another form of the word, as the start of a word, or with a
    typo or two; numbers match with or without separators and scale words; aliases, Chinese names and
    the terms table's synonyms and broader concepts match too. Exit 0 when something is found, 1 when
    nothing is, 2 on an error.

    Example: cqfacts search "Tianmu satellites" --explain
    """
    from cqfacts.output import resolve_format
    from cqfacts.search import index_for, search
    from cqfacts.views import search_records, search_view

    if (stdin or query == "-") and query not in (None, "-"):
        raise CqfactsError("give a QUERY or --stdin, not both")
    if query is None and not stdin:
        raise CqfactsError("missing QUERY: give words to search for, or - to read queries from stdin")
    base = load_base(facts)
    pool = select(base, tag, kind, year, source, entity) if (tag or kind or year or source or entity) else None
    index_for(base)  # filtered or not, words weigh by their rarity in the whole base
    if stdin or query == "-":
        if fmt not in (None, "json", "ndjson"):
            raise CqfactsError(f"--stdin writes JSON lines; --format {fmt} does not apply")
        from cqfacts.batch import answer_queries
        from cqfacts.output import writing

        columns = search_view([], explain, "json").pick(fields) if fields else None
        with writing():
            found = answer_queries(base, sys.stdin.buffer, sys.stdout, pool=pool, limit=limit, min_score=min_score,
                                   explain=explain, columns=columns)
        raise typer.Exit(EXIT_FOUND if found else EXIT_NOTHING)
    hits = search(base, query or "", facts=pool, limit=limit, min_score=min_score)
    view = search_view(hits, explain, resolve_format(fmt, as_json))
    emit(search_records(base, hits, explain), view, as_json, fmt, fields, pager)
    raise typer.Exit(EXIT_FOUND if hits else EXIT_NOTHING)


@app.command("list")
def list_command(
    tag: TagOption = None, kind: KindOption = None, year: YearOption = None, source: SourceOption = None,
    entity: EntityOption = None,
    as_json: JsonOption = False, fmt: FormatOption = None, fields: FieldsOption = None, pager: PagerOption = False,
    facts: FactsOption = None,
) -> None:
    """List facts, in fact base order, optionally filtered.

    Example: cqfacts list --tag satellites --kind result
    """
    from cqfacts.views import fact_view

    base = load_base(facts)
    selected = select(base, tag, kind, year, source, entity)
    emit([base.fact_json(f) for f in selected], fact_view(), as_json, fmt, fields, pager)
    raise typer.Exit(EXIT_FOUND if selected else EXIT_NOTHING)


@app.command("show")
def show_command(
    ids: Annotated[list[str], typer.Argument(help="One or more fact ids.", show_default=False, metavar="ID...",
                                             autocompletion=complete_fact_id)],
    as_json: JsonOption = False, fmt: FormatOption = None, fields: FieldsOption = None, pager: PagerOption = False,
    facts: FactsOption = None,
) -> None:
    """Show everything known about facts: quote, source, paragraph, figures, entities.

    Example: cqfacts show nev-production-sales-2023

    On a terminal each fact is a panel; --json, --format or --fields print records like `list` does.
    """
    from cqfacts.output import resolve_format
    from cqfacts.views import fact_view

    base = load_base(facts)
    found = [require_fact(base, fact_id) for fact_id in ids]
    if resolve_format(fmt, as_json) == "table" and not fields:
        from cqfacts.output import print_renderable, wants_pager
        from cqfacts.render import fact_panels

        print_renderable(fact_panels(base, found), color=SETTINGS.color, pager=SETTINGS.pager and wants_pager(pager))
        return
    emit([base.fact_json(f) for f in found], fact_view(), as_json, fmt, fields, pager)
