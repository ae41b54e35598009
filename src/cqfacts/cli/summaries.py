"""Summaries of the fact base: ``sources``, ``tags`` and ``stats``."""

from __future__ import annotations

import typer

from cqfacts.cli.app import EXIT_FOUND, EXIT_NOTHING, app
from cqfacts.cli.options import (
    EntityOption,
    FactsOption,
    FormatOption,
    JsonOption,
    KindOption,
    PagerOption,
    SourceOption,
    TagOption,
    YearOption,
    announce_base,
    emit,
    fields_option,
    load_base,
    select,
)

SourceFields = fields_option("id,title,published")
TagFields = fields_option("tag,facts")
StatsFields = fields_option("group,value,facts")


@app.command("sources")
def sources_command(
    as_json: JsonOption = False, fmt: FormatOption = None, fields: SourceFields = None, pager: PagerOption = False,
    facts: FactsOption = None,
) -> None:
    """List the sources the facts come from, with how many facts cite each.

    Example: cqfacts sources --fields id,title,published
    """
    from cqfacts.summary import source_rows
    from cqfacts.views import source_view

    rows = source_rows(load_base(facts))
    emit(rows, source_view(), as_json, fmt, fields, pager)
    raise typer.Exit(EXIT_FOUND if rows else EXIT_NOTHING)


@app.command("tags")
def tags_command(
    kind: KindOption = None, year: YearOption = None, source: SourceOption = None, entity: EntityOption = None,
    as_json: JsonOption = False, fmt: FormatOption = None, fields: TagFields = None, pager: PagerOption = False,
    facts: FactsOption = None,
) -> None:
    """List the tags of the facts with how many facts carry each, most used first.

    Example: cqfacts tags --kind result
    """
    from cqfacts.summary import tag_rows
    from cqfacts.views import tag_view

    base = load_base(facts)
    rows = tag_rows(select(base, None, kind, year, source, entity))
    emit(rows, tag_view(), as_json, fmt, fields, pager)
    raise typer.Exit(EXIT_FOUND if rows else EXIT_NOTHING)


@app.command("stats")
def stats_command(
    tag: TagOption = None, kind: KindOption = None, year: YearOption = None, source: SourceOption = None,
    entity: EntityOption = None,
    as_json: JsonOption = False, fmt: FormatOption = None, fields: StatsFields = None, pager: PagerOption = False,
    facts: FactsOption = None,
) -> None:
    """Summarise the fact base: facts in all, then by kind, tag, year and source.

    Example: cqfacts stats --json | jq '.[] | select(.group == "year")'

    A fact counts once for each of its tags and each year its period covers.
    """
    from cqfacts.summary import stats_rows
    from cqfacts.views import stats_view

    base = load_base(facts)
    announce_base(facts)
    selected = select(base, tag, kind, year, source, entity)
    emit(stats_rows(selected), stats_view(), as_json, fmt, fields, pager)
    raise typer.Exit(EXIT_FOUND if selected else EXIT_NOTHING)
