"""Taking data out: ``export``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cqfacts.cli.app import SETTINGS, app
from cqfacts.cli.options import FactsOption
from cqfacts.errors import CqfactsError

# What a row of each exported table is, for the line that counts them ("1 source", "140 figures").
_ROW_NOUNS = {"facts": "fact", "figures": "figure", "entities": "entity", "sources": "source",
              "fact_entities": "fact-entity link"}

EXPORT_FORMATS = ("sqlite", "ndjson")


@app.command("export")
def export_command(
    target: Annotated[Path | None, typer.Argument(
        help="File to write. [required for sqlite; ndjson: default standard output]", show_default=False)] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="sqlite (tables with full-text search) or ndjson "
                                     "(one document per fact).", show_default=False)] = "sqlite",
    force: Annotated[bool, typer.Option("--force", help="Replace FILE when it exists.")] = False,
    facts: FactsOption = None,
) -> None:
    """Write the fact base as an SQLite database (for datasette, sqlite-utils) or NDJSON (for search engines).

    Example: cqfacts export --format sqlite facts.db && datasette facts.db
    """
    from cqfacts.cli.options import load_base
    from cqfacts.curate.export import write_ndjson, write_sqlite

    if fmt not in EXPORT_FORMATS:
        raise CqfactsError(f"unknown export format {fmt!r}; choose sqlite or ndjson")
    base = load_base(facts or SETTINGS.facts)
    if fmt == "sqlite":
        if target is None or str(target) == "-":
            raise CqfactsError("export --format sqlite needs a FILE to write, e.g. cqfacts export facts.db")
        counts = write_sqlite(base, target, replace=force)
        from cqfacts.output import plural

        sys.stderr.write(f"cqfacts: wrote {target}: "
                         + ", ".join(plural(n, _ROW_NOUNS.get(t, t)) for t, n in counts.items()) + "\n")
        return
    if target is None or str(target) == "-":
        from cqfacts.output import writing

        with writing():
            write_ndjson(base, sys.stdout)
        return
    import io

    from cqfacts.curate.tomledit import replace_text

    buffer = io.StringIO()
    count = write_ndjson(base, buffer)
    replace_text(target, buffer.getvalue(), backup=False, overwrite=force)
    from cqfacts.output import plural

    sys.stderr.write(f"cqfacts: wrote {plural(count, 'fact')} to {target}\n")
