"""What commands share: the common options, shell completion of their values, and loading the fact base."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from cqfacts.cli.app import SETTINGS
from cqfacts.errors import CqfactsError
from cqfacts.model import Fact, FactBase

# --- Shell completion: fact ids, tags, kinds, sources and citation styles ------------------------------

def _completion_base(ctx: Any) -> FactBase | None:
    """The fact base the command line being completed names; None when it cannot be loaded.

    Completion runs inside the user's shell on every Tab: it must never crash or print.
    """
    facts = None
    while ctx is not None and facts is None:
        facts = (getattr(ctx, "params", None) or {}).get("facts")
        ctx = getattr(ctx, "parent", None)
    try:
        return load_base(facts)
    except Exception:  # a broken base completes nothing rather than a traceback
        return None


def complete_fact_id(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Fact ids starting with what was typed, each with its statement as help."""
    base = _completion_base(ctx)
    if base is None:
        return []
    from cqfacts.output import one_line

    typed = incomplete.lower()
    return [(f.id, one_line(f.statement)[:80]) for f in base.facts.values() if f.id.startswith(typed)]


def complete_tag(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Tags starting with what was typed, with how many facts carry each."""
    base = _completion_base(ctx)
    if base is None:
        return []
    from cqfacts.summary import tag_rows

    return [(r["tag"], f"{r['facts']} facts") for r in tag_rows(base.facts.values()) if r["tag"].startswith(incomplete)]


def complete_source(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Source ids starting with what was typed, with their short titles."""
    base = _completion_base(ctx)
    if base is None:
        return []
    from cqfacts.output import one_line

    return [(s.id, one_line(s.short_title or s.title)[:80]) for s in base.sources.values()
            if s.id.startswith(incomplete.lower())]


def complete_kind(incomplete: str) -> list[str]:
    from cqfacts.spec import KINDS

    return [k for k in KINDS if k.startswith(incomplete)]


def complete_style(incomplete: str) -> list[str]:
    """Citation style names, for `cite --style` (autocompletion=complete_style)."""
    from cqfacts.citation import STYLE_NAMES

    return [s for s in STYLE_NAMES if s.startswith(incomplete)]


def complete_format(incomplete: str) -> list[str]:
    from cqfacts.output import FORMATS

    return [f for f in FORMATS if f.startswith(incomplete)]


# --- Options shared by commands -----------------------------------------------------------------------

FactsOption = Annotated[Path | None, typer.Option(
    "--facts", help="Fact base: a TOML file or a folder of them (overrides the global --facts).",
    show_default=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="Print a JSON array (same as --format json).")]
FormatOption = Annotated[str | None, typer.Option(
    "--format", "-f", help="table, json, ndjson, csv, tsv or markdown. [default: table on a terminal, tsv in a pipe]",
    show_default=False, autocompletion=complete_format)]
def fields_option(example: str) -> Any:
    """--fields, with an example of the fields this command's records have."""
    return Annotated[str | None, typer.Option(
        "--fields", help=f"Comma-separated fields to print, e.g. {example} (an unknown name lists them all).",
        show_default=False)]


FieldsOption = fields_option("id,statement,period")
TagOption = Annotated[list[str] | None, typer.Option("--tag", help="Only facts with this tag (repeatable).",
                                                        autocompletion=complete_tag)]
KindOption = Annotated[list[str] | None, typer.Option(
    "--kind", help="Only facts of this kind: result, forecast, target, status, event, opinion (repeatable).",
    autocompletion=complete_kind)]
YearOption = Annotated[list[int] | None, typer.Option("--year", help="Only facts about this year (repeatable).")]
SourceOption = Annotated[list[str] | None, typer.Option(
    "--source", help="Only facts from this source id (repeatable).", autocompletion=complete_source)]
EntityOption = Annotated[list[str] | None, typer.Option(
    "--entity", help="Only facts naming this entity: id or any of its names (repeatable).")]
PagerOption = Annotated[bool, typer.Option("--pager", help="Page long output on a terminal.")]


def load_base(facts: Path | None = None) -> FactBase:
    """The one way commands load a fact base: --facts, else the global --facts, else $CQFACTS_FACTS.

    Through the cache (cqfacts.cache) unless --no-cache; quietly while the shell completes a word.
    """
    from cqfacts.cache import load

    return load(facts or SETTINGS.facts, use_cache=SETTINGS.cache, quiet="_CQFACTS_COMPLETE" in os.environ)


def announce_base(facts: Path | None = None) -> None:
    """Say on stderr which fact base a command reads, when no option or $CQFACTS_FACTS named it."""
    from cqfacts.loader import which_facts

    path, why = which_facts(facts or SETTINGS.facts)
    if why in ("the nearest facts.toml", "the shipped base"):
        from cqfacts.output import notice

        notice(f"fact base: {path} ({why})")


def select(base: FactBase, tag: list[str] | None, kind: list[str] | None, year: list[int] | None,
           source: list[str] | None, entity: list[str] | None) -> list[Fact]:
    """The facts the filter options pick, after checking the kinds named."""
    if kind:
        from cqfacts.spec import KINDS

        for k in kind:
            if k.lower() not in KINDS:
                raise CqfactsError(f"unknown kind {k!r}; choose one of {', '.join(KINDS)}")
    # Ids and tags are lower case: what a user types matches in any case.
    return base.select(tag=[t.lower() for t in tag] if tag else tag, kind=[k.lower() for k in kind] if kind else kind,
                       year=year, source=[s.lower() for s in source] if source else source, entity=entity)


def emit(records: list[dict[str, Any]], view: Any, as_json: bool, fmt: str | None, fields: str | None,
         pager: bool = False) -> None:
    """Print records in the format the options chose, with the global colour and pager settings."""
    from cqfacts.output import emit as write
    from cqfacts.output import resolve_format, wants_pager

    write(records, view, resolve_format(fmt, as_json), fields, color=SETTINGS.color,
          pager=SETTINGS.pager and wants_pager(pager))


def require_fact(base: FactBase, fact_id: str) -> Fact:
    """The fact with this id, in any letter case (ids are lower case), or a one-line error suggesting the
    closest ids."""
    fact = base.facts.get(fact_id) or base.facts.get(fact_id.lower())
    if fact is not None:
        return fact
    from cqfacts.errors import closest

    close = closest(fact_id, base.facts, n=3, cutoff=0.5)
    if not close:
        close = [f for f in base.facts if fact_id.casefold() in f][:3]
    hint = f"; did you mean {', '.join(close)}?" if close else "; 'cqfacts list --fields id' lists the ids"
    raise CqfactsError(f"unknown fact id {fact_id!r}{hint}")
