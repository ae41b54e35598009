"""The fact base format: which tables and keys a fact file may hold, and the patterns their values follow.

The rules mirror the shipped JSON Schema (``schema/facts.schema.json``, used by editors while a curator
types); ``tests/test_schema.py`` keeps the two in agreement. ``checker`` applies them.
"""

from __future__ import annotations

import re

from cqfacts.lazy import record

SCHEMA_VERSION = 1

# The JSON Schema's patterns. Use fullmatch, never match: "$" also matches before a final newline, so
# match() let "nev\n" pass as an id.
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
# ASCII digits only, as in the JSON Schema: Python's \d also takes "٢٠٢٣".
PARTIAL_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?$", re.ASCII)
URL_RE = re.compile(r"^https?://\S+$")
# A DOI alone (10.1234/abc): styles print it as https://doi.org/10.1234/abc, so a pasted URL would double.
DOI_RE = re.compile(r"^10\.[0-9]{4,9}/\S+$", re.ASCII)
# A publication date as printed: a TOML date or local date-time, or only the year or year and month as text.
ISSUED_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$", re.ASCII)

KINDS = ("result", "forecast", "target", "status", "event", "opinion")
COMPARATORS = ("exactly", "about", "more-than", "at-least", "less-than", "up-to")
ENTITY_TYPES = ("organization", "person", "place", "product", "project", "program", "concept")
# CSL item types a source may be (CSL 1.0.2 vocabulary); a source without `type` is a web page.
SOURCE_TYPES = ("webpage", "post", "article-newspaper", "article-magazine", "article-journal", "report", "book",
                "chapter")
DEFAULT_SOURCE_TYPE = "webpage"


@record(frozen=True)
class Field:
    """One key of a table: how to check its value and whether it must be there."""

    kind: str  # text, id, int, number, bool, language, partial_date, date, issued, url, doi, enum,
    #            number_text (a string or a whole number, kept as text), table, text_list, id_list, table_list
    required: bool = False
    choices: tuple[str, ...] = ()
    table: str = ""  # for table and table_list: the name of the nested spec
    min_items: int = 0
    minimum: int | None = None


TEXT = Field("text")
NUMBER_TEXT = Field("number_text")
SPECS: dict[str, dict[str, Field]] = {
    "source": {
        "type": Field("enum", choices=SOURCE_TYPES),
        "title": Field("text", required=True),
        "short_title": TEXT,
        "original_title": TEXT,
        "container_title": TEXT,
        "site": TEXT,
        "publisher": TEXT,
        "publisher_place": TEXT,
        "authors": Field("table_list", required=True, table="author", min_items=1),
        "editors": Field("table_list", table="author", min_items=1),
        "published": Field("issued"),
        "volume": NUMBER_TEXT,
        "issue": NUMBER_TEXT,
        "page": NUMBER_TEXT,
        "section": TEXT,
        "edition": NUMBER_TEXT,
        "number": NUMBER_TEXT,
        "genre": TEXT,
        "doi": Field("doi"),
        "isbn": TEXT,
        "language": Field("language", required=True),
        "original_language": Field("language"),
        "url": Field("url"),
        "accessed": Field("date"),
        "archive": TEXT,
        "sha256": TEXT,
        "note": TEXT,
    },
    "author": {"organization": TEXT, "family": TEXT, "given": TEXT, "family_first": Field("bool")},
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


@record(frozen=True)
class SourceType:
    """What one type of source needs beyond the keys every source has: the key naming where it appears
    (``container_title``) when it must have one, other required keys, and the keys only some types use."""

    container: str = ""  # what container_title names for this type, when required ("newspaper"); "" = none
    required: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()


# Keys only some types use: a key outside a type's `uses` is an error, so no value is silently ignored.
TYPE_SPECIFIC = ("container_title", "site", "volume", "issue", "page", "section", "edition", "number", "isbn",
                 "editors")
SOURCE_TYPE_RULES: dict[str, SourceType] = {
    "webpage": SourceType("site", uses=("container_title", "site")),
    "post": SourceType("site or blog", uses=("container_title", "site")),
    "article-newspaper": SourceType("newspaper", uses=("container_title", "section", "page", "edition")),
    "article-magazine": SourceType("magazine", uses=("container_title", "volume", "issue", "page")),
    "article-journal": SourceType("journal", uses=("container_title", "volume", "issue", "page")),
    "report": SourceType(uses=("number",)),
    "book": SourceType(required=("publisher",), uses=("edition", "volume", "isbn", "editors")),
    "chapter": SourceType("book", required=("publisher",),
                          uses=("container_title", "editors", "page", "edition", "volume", "isbn")),
}
# `site` is the older name of container_title, kept for web pages and posts (a site is what they appear on).
SITE_TYPES = ("webpage", "post")
