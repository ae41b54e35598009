"""Taking data out: the fact base as an SQLite database with full-text search, or as NDJSON documents.

The SQLite file is what ``datasette FILE`` and ``sqlite-utils`` expect: one table per kind of item, list
values as JSON text, a ``fact_entities`` link table, and FTS5 tables named ``TABLE_fts`` over the text
columns (external content, as ``sqlite-utils enable-fts`` makes them).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from cqfacts.errors import CqfactsError
from cqfacts.model import FactBase

SQLITE_HEADER = b"SQLite format 3\x00"
FACT_COLUMNS = ("id", "statement", "quote", "source", "paragraph", "kind", "period", "date", "speaker_name",
                "speaker_role", "speaker_organization", "tags", "entities", "prefix", "suffix", "note")
FIGURE_COLUMNS = ("fact_id", "position", "value", "unit", "comparator", "measure", "baseline_value",
                  "baseline_comparator", "baseline_period")
ENTITY_COLUMNS = ("id", "name", "printed", "aliases", "type", "note")
FTS = {"facts": ("statement", "quote", "note"), "entities": ("name", "printed", "aliases")}


def fact_documents(base: FactBase) -> Iterator[dict[str, Any]]:
    """One document per fact for a search engine: the fact as ``list --json`` prints it, with its source's title."""
    for fact in base.facts.values():
        doc = base.fact_json(fact)
        source = base.sources.get(fact.source)
        doc["source_title"] = source.title if source else None
        doc["published"] = source.to_json()["published"] if source else None
        yield doc


def write_ndjson(base: FactBase, out: TextIO) -> int:
    """Write the fact documents as NDJSON (the shared writer); return how many."""
    from cqfacts.output import write_text

    docs = list(fact_documents(base))
    write_text(docs, None, "ndjson", out)
    return len(docs)


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _rows(base: FactBase) -> dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]]:
    facts, figures, links = [], [], []
    for fact in base.facts.values():
        speaker = fact.speaker
        facts.append((fact.id, fact.statement, fact.quote, fact.source, fact.paragraph, fact.kind, fact.period,
                      fact.date.isoformat() if fact.date else None, speaker and speaker.name,
                      speaker and speaker.role, speaker and speaker.organization, _cell(list(fact.tags)),
                      _cell(list(fact.entities)), fact.prefix, fact.suffix, fact.note))
        for position, figure in enumerate(fact.figures, start=1):
            base_value = figure.baseline
            figures.append((fact.id, position, figure.value, figure.unit, figure.comparator, figure.measure,
                            base_value and base_value.value, base_value and base_value.comparator,
                            base_value and base_value.period))
        links += [(fact.id, entity) for entity in fact.entities]
    entities = [(e.id, e.name, e.printed, _cell(list(e.aliases)), e.type, e.note) for e in base.entities.values()]
    records = [s.to_json() for s in base.sources.values()]
    source_columns = tuple(dict.fromkeys(k for r in records for k in r))
    sources = [tuple(_cell(r.get(k)) for k in source_columns) for r in records]
    return {"facts": (FACT_COLUMNS, facts), "figures": (FIGURE_COLUMNS, figures),
            "entities": (ENTITY_COLUMNS, entities), "sources": (source_columns or ("id",), sources),
            "fact_entities": (("fact_id", "entity_id"), links)}


_KEYS = {"facts": "id", "entities": "id", "sources": "id"}
_INTEGER = {"paragraph", "position"}
_REAL = {"value", "baseline_value"}


def _create(table: str, columns: tuple[str, ...]) -> str:
    def column(name: str) -> str:
        kind = "INTEGER" if name in _INTEGER else "REAL" if name in _REAL else "TEXT"
        return f"[{name}] {kind}" + (" PRIMARY KEY" if _KEYS.get(table) == name else "")

    return f"CREATE TABLE [{table}] ({', '.join(column(c) for c in columns)})"


def write_sqlite(base: FactBase, target: Path, replace: bool = False) -> dict[str, int]:
    """Write the base as an SQLite database at ``target`` (atomically); return the rows per table.

    An existing file is replaced only with ``replace``: an export never overwrites what a user wrote.
    """
    import sqlite3

    from cqfacts.curate.tomledit import temp_beside

    fd, temp = temp_beside(target, replace)
    os.close(fd)
    counts: dict[str, int] = {}
    try:
        conn = sqlite3.connect(temp)
        try:
            with conn:
                for table, (columns, rows) in _rows(base).items():
                    conn.execute(_create(table, columns))
                    marks = ", ".join("?" * len(columns))
                    conn.executemany(f"INSERT INTO [{table}] VALUES ({marks})", rows)
                    counts[table] = len(rows)
                conn.execute("CREATE INDEX figures_fact ON figures (fact_id)")
                conn.execute("CREATE INDEX fact_entities_entity ON fact_entities (entity_id)")
                for table, columns in FTS.items():
                    names = ", ".join(f"[{c}]" for c in columns)
                    conn.execute(f"CREATE VIRTUAL TABLE [{table}_fts] USING fts5({names}, content=[{table}])")
                    conn.execute(f"INSERT INTO [{table}_fts] (rowid, {names}) SELECT rowid, {names} FROM [{table}]")
        finally:
            conn.close()
        os.replace(temp, target)
    except sqlite3.Error as exc:
        raise CqfactsError(f"{target}: cannot write the database: {exc}") from None
    except OSError as exc:
        raise CqfactsError(f"{target}: cannot write: {exc.strerror or exc}") from None
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return counts
