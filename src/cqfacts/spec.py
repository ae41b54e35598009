"""The fact base format: which tables and keys a fact file may hold, and the patterns their values follow.

The rules mirror the shipped JSON Schema (``schema/facts.schema.json``, used by editors while a curator
types); ``tests/test_schema.py`` keeps the two in agreement. ``checker`` applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SCHEMA_VERSION = 1

# The JSON Schema's patterns. Use fullmatch, never match: "$" also matches before a final newline, so
# match() let "nev\n" pass as an id.
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
# ASCII digits only, as in the JSON Schema: Python's \d also takes "٢٠٢٣".
PARTIAL_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?$", re.ASCII)
URL_RE = re.compile(r"^https?://\S+$")

KINDS = ("result", "forecast", "target", "status", "event", "opinion")
COMPARATORS = ("exactly", "about", "more-than", "at-least", "less-than", "up-to")
ENTITY_TYPES = ("organization", "person", "place", "product", "project", "program", "concept")



@dataclass(frozen=True)
class Field:
    """One key of a table: how to check its value and whether it must be there."""

    kind: str  # text, id, int, number, language, partial_date, date, date_or_datetime, url, enum,
    #            table, text_list, id_list, table_list
    required: bool = False
    choices: tuple[str, ...] = ()
    table: str = ""  # for table and table_list: the name of the nested spec
    min_items: int = 0
    minimum: int | None = None


TEXT = Field("text")
SPECS: dict[str, dict[str, Field]] = {
    "source": {
        "title": Field("text", required=True),
        "short_title": TEXT,
        "site": Field("text", required=True),
        "publisher": Field("text", required=True),
        "authors": Field("table_list", required=True, table="author", min_items=1),
        "published": Field("date_or_datetime", required=True),
        "language": Field("language", required=True),
        "original_language": Field("language"),
        "url": Field("url"),
        "accessed": Field("date"),
        "archive": TEXT,
        "note": TEXT,
    },
    "author": {"organization": TEXT, "family": TEXT, "given": TEXT},
    "entity": {
        "name": Field("text", required=True),
        "printed": TEXT,
        "aliases": Field("text_list"),
        "type": Field("enum", choices=ENTITY_TYPES),
        "note": TEXT,
    },
    "term": {
        "preferred": Field("text", required=True),
        "variants": Field("text_list"),
        "broader": Field("id_list"),
        "narrower": Field("id_list"),
        "note": TEXT,
    },
    "speaker": {"name": Field("text", required=True), "role": TEXT, "organization": TEXT},
    "quantity": {
        "value": Field("number", required=True),
        "comparator": Field("enum", choices=COMPARATORS),
        "period": Field("partial_date"),
    },
    "figure": {
        "value": Field("number", required=True),
        "unit": Field("text", required=True),
        "comparator": Field("enum", choices=COMPARATORS),
        "measure": TEXT,
        "baseline": Field("table", table="quantity"),
    },
    "fact": {
        "statement": Field("text", required=True),
        "quote": Field("text", required=True),
        "prefix": TEXT,
        "suffix": TEXT,
        "source": Field("id", required=True),
        "paragraph": Field("int", required=True, minimum=1),
        "kind": Field("enum", required=True, choices=KINDS),
        "speaker": Field("table", table="speaker"),
        "period": Field("partial_date"),
        "date": Field("date"),
        "figures": Field("table_list", table="figure"),
        "tags": Field("id_list"),
        "entities": Field("id_list"),
        "note": TEXT,
    },
}
TOP_LEVEL = {"schema_version": "int", "sources": "source", "entities": "entity", "facts": "fact", "terms": "term"}
SECTION_OF = {"sources": "source", "entities": "entity", "facts": "fact", "terms": "term"}
