"""The shipped JSON Schema (for editors) and the loader's rules (for messages) must say the same thing."""

from __future__ import annotations

import datetime as dt
import json
import sys
from importlib import resources
from typing import Any

import pytest

from conftest import FACTS
from cqfacts import checker
from cqfacts import spec as rules

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

jsonschema = pytest.importorskip("jsonschema")

SCHEMA = json.loads(resources.files("cqfacts").joinpath("schema/facts.schema.json").read_text("utf-8"))
DEFS = SCHEMA["$defs"]

# How each loader field kind is written in the schema.
KIND_TO_SCHEMA = {
    "text": {"$ref": "#/$defs/text"},
    "id": {"$ref": "#/$defs/id"},
    "language": {"$ref": "#/$defs/language"},
    "partial_date": {"$ref": "#/$defs/partial_date"},
}


def _plain(value: Any) -> Any:
    """TOML values as JSON sees them: dates and date-times become ISO strings."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _strip_description(prop: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in prop.items() if k != "description"}


@pytest.mark.parametrize("name", sorted(rules.SPECS))
def test_each_table_has_the_same_keys_and_required_keys(name):
    spec = rules.SPECS[name]
    schema = DEFS[name]
    assert set(schema["properties"]) == set(spec), name
    assert set(schema.get("required", [])) == {k for k, f in spec.items() if f.required}, name
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize(("name", "key"), [(n, k) for n in sorted(rules.SPECS) for k in rules.SPECS[n]])
def test_each_key_has_the_same_type(name, key):
    rule = rules.SPECS[name][key]
    prop = _strip_description(DEFS[name]["properties"][key])
    if rule.kind in KIND_TO_SCHEMA:
        assert prop == KIND_TO_SCHEMA[rule.kind]
    elif rule.kind == "enum":
        enum = prop.get("enum") or DEFS[prop["$ref"].split("/")[-1]]["enum"]
        assert tuple(enum) == rule.choices
    elif rule.kind == "int":
        assert prop["type"] == "integer" and prop.get("minimum") == rule.minimum
    elif rule.kind == "number":
        assert prop == {"type": "number"}
    elif rule.kind == "url":
        assert prop["type"] == "string" and prop["pattern"] == rules.URL_RE.pattern
    elif rule.kind == "date":
        assert prop == {"type": "string", "format": "date"}
    elif rule.kind == "issued":
        assert {p.get("format") for p in prop["anyOf"]} == {"date", "date-time", "partial-date-time", None}
        assert [p["pattern"] for p in prop["anyOf"] if "pattern" in p] == [rules.ISSUED_RE.pattern]
    elif rule.kind == "bool":
        assert prop == {"type": "boolean"}
    elif rule.kind == "doi":
        assert prop == {"type": "string", "pattern": rules.DOI_RE.pattern}
    elif rule.kind == "number_text":
        assert prop == {"$ref": "#/$defs/number_text"}
    elif rule.kind in ("text_list", "id_list"):
        assert prop["type"] == "array"
        assert prop["items"] == {"$ref": "#/$defs/" + ("id" if rule.kind == "id_list" else "text")}
    elif rule.kind == "table":
        assert prop == {"$ref": f"#/$defs/{rule.table}"}
    elif rule.kind == "table_list":
        assert prop["type"] == "array" and prop["items"] == {"$ref": f"#/$defs/{rule.table}"}
        assert prop.get("minItems", 0) == rule.min_items
    else:  # pragma: no cover
        pytest.fail(f"no schema mapping for field kind {rule.kind}")


def test_patterns_match_the_loader():
    assert DEFS["id"]["pattern"] == rules.ID_RE.pattern
    assert DEFS["language"]["pattern"] == rules.LANGUAGE_RE.pattern
    assert DEFS["partial_date"]["pattern"] == rules.PARTIAL_DATE_RE.pattern
    assert set(SCHEMA["properties"]) == set(rules.TOP_LEVEL)
    assert SCHEMA["properties"]["schema_version"]["const"] == rules.SCHEMA_VERSION


def test_shipped_facts_file_points_editors_at_the_schema_and_validates():
    text = FACTS.read_text("utf-8")
    first = text.splitlines()[0]
    assert first == "#:schema ./src/cqfacts/schema/facts.schema.json"
    assert (FACTS.parent / first.split(" ", 1)[1]).resolve().is_file()
    jsonschema.Draft202012Validator(SCHEMA).validate(_plain(tomllib.loads(text)))


VALID = {
    "schema_version": 1,
    "sources": {"s": {"title": "T", "site": "S", "publisher": "P", "authors": [{"family": "Wang", "given": "J"}],
                      "published": "2024-03-31", "language": "en"}},
    "entities": {"e": {"name": "E", "aliases": ["别名"], "type": "place"}},
    "facts": {"f": {"statement": "S.", "quote": "Q.", "source": "s", "paragraph": 3, "kind": "target",
                    "period": "2024/2026", "figures": [{"value": 50, "unit": "percent", "comparator": "more-than",
                                                        "baseline": {"value": 30, "comparator": "about"}}],
                    "speaker": {"name": "Lan Qinghua"}, "tags": ["nev"], "entities": ["e"]}},
    "terms": {"t": {"preferred": "T", "variants": ["v", "变体"], "narrower": ["e"]}},
}

# Each mutation sets one path to a value; both validators must reject the result.
MUTATIONS = [
    (("facts", "f", "paragraph"), 0),
    (("facts", "f", "paragraph"), "3"),
    (("facts", "f", "kind"), "guess"),
    (("facts", "f", "statment"), "typo key"),
    (("facts", "f", "statement"), ""),
    (("facts", "f", "statement"), "  "),
    (("facts", "f", "period"), "2023-1"),
    (("facts", "f", "tags"), ["Not An Id"]),
    (("facts", "f", "figures"), [{"value": "50", "unit": "percent"}]),
    (("facts", "f", "figures"), [{"value": 50}]),
    (("facts", "f", "speaker"), {"role": "Director"}),
    (("sources", "s", "authors"), []),
    (("sources", "s", "authors"), [{"organization": "O", "family": "F"}]),
    (("sources", "s", "authors"), [{"given": "Jiaxi"}]),
    (("sources", "s", "language"), "English"),
    (("sources", "s", "url"), "www.example.org"),
    (("entities", "e", "type"), "city"),
    (("entities", "e", "aliases"), "one"),
    (("terms", "t", "preferred"), ""),
    (("terms", "t", "variants"), "v"),
    (("terms", "t", "broader"), ["Not An Id"]),
    (("terms", "t", "colour"), "red"),
    (("terms", "t"), {"variants": ["v"]}),
    (("schema_version",), 2),
    (("extra",), 1),
]


def _loader_problems(doc: dict[str, Any]) -> list[str]:
    # The loader reads dates as TOML gives them; these documents only use strings, which it also accepts.
    _, _, problems = checker.check_document("doc.toml", "", doc)
    return [p.message for p in problems]


def test_valid_document_passes_both():
    jsonschema.Draft202012Validator(SCHEMA).validate(VALID)
    assert _loader_problems(VALID) == []


@pytest.mark.parametrize(("path", "value"), MUTATIONS, ids=[".".join(p) + "=" + repr(v) for p, v in MUTATIONS])
def test_mutations_are_rejected_by_both(path, value):
    doc = json.loads(json.dumps(VALID))
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert not jsonschema.Draft202012Validator(SCHEMA).is_valid(doc)
    assert _loader_problems(doc), f"the loader accepted {path}={value!r}"


# A valid value for each key only some source types use.
TYPE_SPECIFIC_VALUES = {"container_title": "C", "site": "S", "volume": 3, "issue": "2", "page": "4–9",
                        "section": "A", "edition": 2, "number": "R-1", "isbn": "978-0-00-000000-2",
                        "editors": [{"family": "Li", "given": "Wei", "family_first": True}]}


def _source_doc(kind: str, **keys: Any) -> dict[str, Any]:
    source = {"type": kind, "title": "T", "authors": [{"organization": "O"}], "language": "en", **keys}
    return {"schema_version": 1, "sources": {"s": {k: v for k, v in source.items() if v is not None}}}


def _minimal(kind: str) -> dict[str, Any]:
    rule = rules.SOURCE_TYPE_RULES[kind]
    return {**({"container_title": "C"} if rule.container else {}), **dict.fromkeys(rule.required, "P")}


@pytest.mark.parametrize("kind", rules.SOURCE_TYPES)
def test_source_types_need_and_use_the_same_keys_in_both(kind):
    validator = jsonschema.Draft202012Validator(SCHEMA)
    minimal = _minimal(kind)
    assert validator.is_valid(_source_doc(kind, **minimal)) and not _loader_problems(_source_doc(kind, **minimal))
    for key in minimal:  # each required key: both reject the source without it
        doc = _source_doc(kind, **{**minimal, key: None})
        assert not validator.is_valid(doc) and _loader_problems(doc), (kind, key)
    for key, value in TYPE_SPECIFIC_VALUES.items():  # each type-specific key: both accept it, or both reject it
        if key in minimal:
            continue
        doc = _source_doc(kind, **{**minimal, key: value})
        assert validator.is_valid(doc) == (not _loader_problems(doc)), (kind, key)
        if key != "site":
            assert validator.is_valid(doc) == (key in rules.SOURCE_TYPE_RULES[kind].uses), (kind, key)


def test_a_web_page_may_name_its_site_either_way_but_not_both():
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for keys, valid in (({"site": "S"}, True), ({"container_title": "S"}, True),
                        ({"site": "S", "container_title": "S"}, False), ({}, False)):
        doc = _source_doc("webpage", **keys)
        del doc["sources"]["s"]["type"]  # a source without a type is a web page
        assert validator.is_valid(doc) == valid == (not _loader_problems(doc)), keys
