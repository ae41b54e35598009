"""Checking many tables at once (``checker._Checker.tables``, the way a build reads a million facts) decides exactly
as checking each table alone: the same items, references and problems, in the same order, whether a file is clean or
holds any kind of wrong value. And the faster pieces under it give what the slower ones gave: ids told valid all at
once, items made without ``__init__``, records encoded by the C encoder made once."""

from __future__ import annotations

import copy
import datetime as dt
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import DATA, FACTS
from cqfacts import checker, lazy
from cqfacts.cache import records
from cqfacts.model import Fact, Origin
from cqfacts.spec import SPECS
from cqfacts.toml_text import LineIndex, parse_document

FILES = [FACTS, DATA / "cite-types.toml", DATA / "cite-persons.toml"]
DOCUMENTS = {path: parse_document(str(path), path.read_bytes())[:2] for path in FILES}
SECTIONS = ("sources", "entities", "facts", "terms")
KEYS = sorted({key for spec in SPECS.values() for key in spec})

# Values of every TOML type, right or wrong for some kind of key: blank, padded and multi-line strings, ids and
# almost-ids, dates as text, numbers that are not finite or are negative zero, dates and date-times, lists, tables.
SCALARS = st.one_of(
    st.sampled_from(["", " ", "\n", "x", "X", "-x", "x\ny", "a b", "2023", "2023-02", "2023-13", "2024-02-30",
                     "2024-03-31", "2023/2022", "2019/2020", "10.1234/abc", "https://example.com/x", "en", "zh-Hans",
                     "result", "about", "book", "report", "webpage", "percent"]),
    st.text(max_size=6),
    st.integers(-2, 3), st.sampled_from([True, False, 0.0, -0.0, 1.5, math.nan, math.inf, -math.inf, 10**30]),
    st.dates(), st.datetimes(timezones=st.sampled_from([None, dt.timezone.utc, dt.timezone(dt.timedelta(hours=8))])),
)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.sampled_from(KEYS), inner, max_size=3), max_leaves=6)


def _check(path: Any, data: dict[str, Any], at_once: bool) -> Any:
    text = DOCUMENTS[path][0]
    with pytest.MonkeyPatch.context() as patched:
        if not at_once:
            patched.setattr(checker._Checker, "tables", lambda self, spec_name, data: None)
        return checker.check_document(str(path), text, copy.deepcopy(data))


def _same(path: Any, data: dict[str, Any]) -> list[Any]:
    """Both ways give the same; returns the problems."""
    (items, refs, problems), (items_alone, refs_alone, problems_alone) = (
        _check(path, data, at_once) for at_once in (True, False))
    assert problems == problems_alone
    assert refs == refs_alone
    assert items == items_alone
    for section, made in items.items():  # the same values to the letter: types, signs of zero, time zones
        assert [None if item is None else records.encode(item) for item in made.values()] == [
            None if item is None else records.encode(item) for item in items_alone[section].values()]
    return problems


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_a_clean_file_is_read_at_once_as_table_by_table(path):
    assert _same(path, DOCUMENTS[path][1]) == []


@given(path=st.sampled_from(FILES), changes=st.lists(
    st.tuples(st.sampled_from(SECTIONS), st.integers(0, 10**6), st.sampled_from(KEYS), st.none() | VALUES),
    min_size=1, max_size=3))
def test_any_wrong_value_is_found_as_table_by_table(path, changes):
    """Each change sets one key of one item to a value (None: removes the key); most changes leave a problem."""
    data = copy.deepcopy(DOCUMENTS[path][1])
    for section, n, key, value in changes:
        tables = data.get(section)
        if not tables:
            continue
        body = list(tables.values())[n % len(tables)]
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    _same(path, data)


@pytest.mark.parametrize("key, right, wrong", [("paragraph", 1, True), ("paragraph", 1, 1.0), ("paragraph", 1, "1"),
                                               ("period", "2023", 2023)])
def test_a_value_equal_to_a_right_one_of_another_type_is_wrong(key, right, wrong):
    """Each distinct value of a key is checked once when all are of one type: 1 == True == 1.0, and True is wrong."""
    data = copy.deepcopy(DOCUMENTS[FACTS][1])
    facts = list(data["facts"].values())
    facts[0][key], facts[-1][key] = right, wrong
    assert len(_same(FACTS, data)) == 1


def test_values_equal_but_not_the_same_are_kept_as_they_are():
    data = copy.deepcopy(DOCUMENTS[FACTS][1])
    facts = list(data["facts"].values())
    for n, fact in enumerate(facts):  # all floats: each that differs checked once
        fact["figures"] = [{"value": -0.0 if n % 2 else 0.0, "unit": "units"}]
    assert _same(FACTS, data) == []


@given(st.lists(st.sampled_from(["a", "a-1", "9z", "", "-a", "A", "a\n", "\na", "a\nb", "a b", "é"]) | st.text(max_size=4)
                | st.integers(), max_size=6))
def test_ids_told_valid_at_once_as_one_by_one(values):
    assert checker._all_ids(values) == all(map(checker._is_id, values))


def test_an_index_that_places_nothing_gives_each_item_of_a_file_one_origin():
    lines = LineIndex("")
    first, again = lines.origin("a.toml", ("facts", "x")), lines.origin("a.toml", ("facts", "y"))
    assert first is again and first == Origin("a.toml", 0, {}) and first.line_of("quote") == 0
    assert lines.origin("b.toml", ("facts", "x")) == Origin("b.toml", 0)


def test_a_maker_makes_a_class_with_a_default_made_by_a_factory_when_it_is_given():
    make = lazy.maker(Origin)
    made = make({"file": "f", "line": 3, "key_lines": {"quote": 4}})
    assert made == Origin("f", 3) and made.line_of("quote") == 4 and list(vars(made)) == ["file", "line", "key_lines"]
    assert make({"file": "f", "line": 3}).key_lines == {}  # not given: the class makes it


def test_records_are_the_text_the_json_encoder_gives():
    items = checker.check_document(str(FACTS), *DOCUMENTS[FACTS])[0]
    made = [item for section in items.values() for item in section.values()]
    assert any(isinstance(item, Fact) and item.figures for item in made)
    for item in made:
        assert records.encode(item) == records._RECORDS.encode(records._GETTERS[type(item)](item))
