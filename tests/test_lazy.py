"""cqfacts.lazy: a record is a dataclass in every way a caller can see, and a pattern is a compiled regex."""

from __future__ import annotations

import dataclasses
import pickle
import re
import sys

import pytest

from cqfacts import lazy
from cqfacts.lazy import Pattern, field, record


def _classes():
    @record(frozen=True, order=True)
    class Point:
        x: int
        y: int = 0
        tags: list[str] = field(default_factory=list, compare=False, repr=False)

    @dataclasses.dataclass(frozen=True, order=True)
    class Real:
        x: int
        y: int = 0
        tags: list[str] = dataclasses.field(default_factory=list, compare=False, repr=False)

    return Point, Real


def _made(cls: type) -> bool:
    return not isinstance(cls.__dict__.get("__dataclass_fields__"), lazy._Fields)


def test_a_record_behaves_as_the_dataclass_it_stands_for():
    Point, Real = _classes()
    p, r = Point(1, y=2), Real(1, y=2)
    assert not _made(Point)  # making a few instances needs no dataclass
    assert (p.x, p.y, p.tags) == (r.x, r.y, r.tags) == (1, 2, [])
    assert p.tags is not Point(3).tags  # a factory per instance
    assert repr(p) == repr(r).replace("Real", "Point")
    assert _made(Point)
    assert p == Point(1, 2, ["ignored by eq"]) and p != Point(2)
    assert hash(p) == hash(Point(1, 2)) and sorted([Point(3), Point(1, 5)]) == [Point(1, 5), Point(3)]
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 5  # type: ignore[misc]
    assert [f.name for f in dataclasses.fields(p)] == ["x", "y", "tags"]
    assert dataclasses.replace(p, y=9) == Point(1, 9)


@pytest.mark.parametrize("args, kwargs", [((), {}), ((1, 2, [], 4), {}), ((1,), {"x": 2}), ((1,), {"z": 3})])
def test_a_record_refuses_what_the_dataclass_refuses_in_its_words(args, kwargs):
    Point, Real = _classes()
    with pytest.raises(TypeError) as real:
        Real(*args, **kwargs)
    with pytest.raises(TypeError) as ours:
        Point(*args, **kwargs)
    assert str(ours.value).replace("Point", "Real") == str(real.value)


def test_frozen_before_it_is_made_and_after_a_pickle():
    Point, _ = _classes()
    globals()["Point"] = Point  # pickle finds classes by name
    Point.__qualname__ = "Point"
    try:
        p = pickle.loads(pickle.dumps(Point(1, 2)))
        assert not _made(Point)  # reading instances from a pickle needs no dataclass
        assert (p.x, p.y) == (1, 2)
        with pytest.raises(dataclasses.FrozenInstanceError):
            p.y = 3
        assert _made(Point) and p == Point(1, 2)
    finally:
        del globals()["Point"]


def test_many_instances_turn_the_class_into_its_dataclass():
    Point, _ = _classes()
    points = [Point(i) for i in range(lazy._EAGER_AFTER + 1)]
    assert _made(Point) and points[-1] == Point(lazy._EAGER_AFTER)


def test_an_instance_from_a_maker_is_the_one_init_makes():
    @record(frozen=True)
    class Line:
        a: int
        b: str | None = None
        c: tuple[int, ...] = ()

    make = lazy.maker(Line)
    made = make({"c": (1,), "a": 5})
    assert not _made(Line)  # no __init__ ran
    assert vars(made) == {"a": 5, "b": None, "c": (1,)} and list(vars(made)) == ["a", "b", "c"]  # in field order
    assert made == Line(5, c=(1,)) and hash(made) == hash(Line(5, c=(1,)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.a = 6  # type: ignore[misc]
    for wrong in ({"b": "x"}, {"a": 1, "d": 2}):  # a field missing, one unknown: the class's own error
        with pytest.raises(TypeError) as ours:
            make(wrong)
        with pytest.raises(TypeError) as real:
            Line(**wrong)
        assert str(ours.value) == str(real.value)
    Point, _ = _classes()  # a default made by a factory: made by the class itself, a list of its own each time
    assert lazy.maker(Point)({"x": 1}).tags is not lazy.maker(Point)({"x": 1}).tags


def test_a_fact_from_a_maker_takes_no_more_memory_than_one_from_init():
    """Its attributes share their keys with the class's other instances, as __init__ leaves them (a dict of its
    own would take 260 bytes more, for each of a million facts read without a cache)."""
    from cqfacts.model import Fact

    fields = {"id": "f", "statement": "s", "quote": "q", "source": "s", "paragraph": 1, "kind": "result"}
    made, inited = lazy.maker(Fact)(dict(fields)), Fact(**fields)
    assert made == inited and sys.getsizeof(vars(made)) <= sys.getsizeof(vars(inited))


def test_a_subclass_of_a_record():
    @record
    class Base:
        a: int
        b: int = 1

    @record
    class Child(Base):
        c: str = "x"

    child = Child(5, c="y")
    assert (child.a, child.b, child.c) == (5, 1, "y")
    assert [f.name for f in dataclasses.fields(Child)] == ["a", "b", "c"]
    assert Child(5, c="y") == child
    with pytest.raises(TypeError, match="unhashable"):
        hash(Base(1))


def test_a_pattern_is_compiled_on_first_use():
    pattern = Pattern(r"(\d+)-(\w+)", re.ASCII)
    assert "findall" not in vars(pattern)
    assert pattern.findall("12-ab 3-c") == re.findall(r"(\d+)-(\w+)", "12-ab 3-c", re.ASCII)
    assert pattern.sub("#", "1-a") == "#" and pattern.groups == 2
