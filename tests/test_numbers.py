"""cqfacts.numbers: numbers as people write them, in prose, queries and quotes.

Examples from the shipped fact base's article and from writers' drafts, then properties: any text is read
without an error, offsets point at the words found, and a number written with digits or words has its value.
"""

from __future__ import annotations

import itertools
import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cqfacts import normalize, number_words
from cqfacts.numbers import SCALES, find_quantities, parse_number, parse_quantity
from cqfacts.spec import COMPARATORS


def figures(text: str) -> list[tuple[str, int | float, str | None, str | None]]:
    """(text, value, unit, comparator) of each figure in ``text``."""
    return [(a.text, a.value, a.unit, a.comparator) for a in find_quantities(text) if a.role == "figure"]


@pytest.mark.parametrize(("text", "value"), [
    ("twenty thousand", 20_000), ("twenty-two thousand", 22_000), ("one hundred and twelve", 112),
    ("a dozen", 12), ("two dozen", 24), ("half a million", 500_000), ("one and a half million", 1_500_000),
    ("1.5 million", 1_500_000), ("76.9bn", 76_900_000_000), ("76.9 billion", 76_900_000_000),
    ("2.2 trillion", 2_200_000_000_000), ("149.77 billion", 149_770_000_000), ("500,000", 500_000),
    ("1\u202f000", 1000), ("3.2", 3.2), ("7690亿", 769_000_000_000), ("1.5万亿", 1_500_000_000_000),
    ("5000万", 50_000_000), ("a quarter", 0.25), ("two-thirds", 2 / 3), ("three", 3), ("zero", 0),
    ("１２", 12), ("two point two trillion", 2_200_000_000_000), ("one point five million", 1_500_000),
    ("three point seven", 3.7), ("twenty point zero five", 20.05),
])
def test_a_number_phrase_has_its_value(text, value):
    assert parse_number(text) == value
    assert type(parse_number(text)) is type(value)  # whole amounts are ints, exactly: no float rounding


@pytest.mark.parametrize("text", ["", "   ", "3%", "US$5", "the", "first", "Tianmu-1", "5G", "1+10+1000",
                                  "twenty vehicles", "thousands", "a", "half"])
def test_what_is_not_just_a_number_has_no_value(text):
    assert parse_number(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("more than half a million vehicles", [("more than half a million vehicles", 500_000, "vehicles", "more-than")]),
    ("76.9bn yuan", [("76.9bn yuan", 76_900_000_000, "yuan", None)]),
    ("an output value of 76.9 billion yuan.", [("76.9 billion yuan", 76_900_000_000, "yuan", None)]),
    ("About two-thirds of new energy vehicles", [("About two-thirds", pytest.approx(66.6667, abs=1e-3), "percent", "about")]),
    ("will increase by 3.2 per cent", [("3.2 per cent", 3.2, "percent", None)]),
    ("US$22.25 million and US$360,000", [("US$22.25 million", 22_250_000, "usd", None), ("US$360,000", 360_000, "usd", None)]),
    ("orders exceeded 3,000 units", [("exceeded 3,000 units", 3000, "units", "more-than")]),
    ("will exceed the 500,000 mark", [("exceed the 500,000", 500_000, None, "more-than")]),
    ("at least 1,000 enterprises", [("at least 1,000 enterprises", 1000, "enterprises", "at-least")]),
    ("up to 40% lower", [("up to 40%", 40, "percent", "up-to")]),
    ("less than 5 per cent", [("less than 5 per cent", 5, "percent", "less-than")]),
    ("nearly half of the raw materials", [("nearly half", 50, "percent", "about")]),
    ("over 20,000 vehicles", [("over 20,000 vehicles", 20_000, "vehicles", "more-than")]),
    ("3,000+ orders", [("3,000+", 3000, None, "more-than")]),
    ("500,000 or more", [("500,000 or more", 500_000, None, "at-least")]),
    ("approximately 20 million yuan", [("approximately 20 million yuan", 20_000_000, "yuan", "about")]),
    ("about 520 kilometers above the ground", [("about 520 kilometers", 520, "km", "about")]),
    ("more than a dozen vehicle companies", [("more than a dozen vehicle companies", 12, "companies", "more-than")]),
    ("more than 30 years later, the", [("more than 30 years", 30, "years", "more-than")]),
    ("12 major assemblies, and 56 components of", [("12 major assemblies", 12, "assemblies", None),
                                                  ("56 components", 56, "components", None)]),
    ("from about 30% to more than 50%", [("about 30%", 30, "percent", "about"), ("more than 50%", 50, "percent", "more-than")]),
    ("20–30% of the time", [("20", 20, "percent", None), ("30%", 30, "percent", None)]),
    ("from 0 to 22 satellites", [("0", 0, "satellites", None), ("22 satellites", 22, "satellites", None)]),
    ("RMB 5 billion", [("RMB 5 billion", 5_000_000_000, "yuan", None)]),
    ("7690亿元", [("7690亿元", 769_000_000_000, "yuan", None)]),
    ("US$5m", [("US$5m", 5_000_000, "usd", None)]),
    ("a 10-year plan", [("10-year", 10, "year", None)]),
])
def test_figures_in_prose(text, expected):
    assert figures(text) == expected


@pytest.mark.parametrize(("text", "roles"), [
    ("In 2023, production exceeded 500,000", ["year", "figure"]),
    ("between 2021 and 2025", ["year", "year"]),
    ("the 2021–25 plan", ["year", "year"]),
    ("in the 1990s", ["year"]),
    ("in 2000 enterprises grew", ["year"]),
    ("2000 vehicles were sold", ["figure"]),
    ("On 31 March 2024 at 23:44", ["date", "year", "date", "date"]),
    ("March 31, 2024", ["date", "year"]),
    ("published 2024-03-31", ["date", "date", "date"]),
    ("(Chongqing Municipal People’s Government, 2024, para. 21)", ["year", "locator"]),
    ("[@cqgov2024newchongqing, paras. 12–14]", ["locator", "locator"]),
    ("see p. 3 and pages 4, 5 and 6", ["locator", "locator", "locator", "locator"]),
    ("the eighth meeting, the 14th plan", ["ordinal", "ordinal"]),
])
def test_years_dates_locators_and_ordinals_are_not_figures(text, roles):
    assert [a.role for a in find_quantities(text)] == roles


@pytest.mark.parametrize("text", ["Tianmu-1", "5G networks", "the 1+10+1000 pattern", "COVID-19", "A320 aircraft",
                                  "version 3.2.1", "over the past year", "thousands of firms", "tens of billions"])
def test_names_codes_and_vague_amounts_are_not_quantities(text):
    assert [a for a in find_quantities(text) if a.role == "figure"] == []


def test_point_and_milestone_words_are_read_as_people_mean_them():
    # "point" between number words is a decimal point; a number standing for a threshold has no unit.
    assert figures("exports reached two point two trillion yuan") == [
        ("two point two trillion yuan", 2_200_000_000_000, "yuan", None)]
    assert figures("three point seven percent") == [("three point seven percent", 3.7, "percent", None)]
    assert figures("sales passed the 500,000 mark") == [("500,000", 500_000, None, None)]
    assert figures("crossed the 1 million milestone") == [("1 million", 1_000_000, None, None)]
    assert figures("a point of view") == []
    assert figures("two points") == [("two points", 2, "points", None)]


def test_520m_alone_is_not_520_million():
    assert figures("an altitude of 520m") == [("520m", 520, "m", None)]


def test_a_share_equals_its_rounded_percent_and_exact_amounts_must_be_equal():
    two_thirds = parse_quantity("about two-thirds")
    assert two_thirds is not None and not two_thirds.exact
    assert two_thirds.same_value(66.7) and two_thirds.same_value(67) and two_thirds.same_value(66.67)
    assert not two_thirds.same_value(66.0) and not two_thirds.same_value(70)
    half = parse_quantity("half a million")
    assert half is not None and half.exact and half.same_value(500_000) and not half.same_value(500_001)


def test_parse_quantity_needs_exactly_one_figure():
    assert parse_quantity("In 2023 more than 3,000 units") is not None
    assert parse_quantity("3 and 4") is None
    assert parse_quantity("in 2023") is None


def test_comparators_are_the_fact_base_vocabulary():
    names = {name for _, name in number_words.BEFORE_PHRASES} | {name for _, name in number_words.AFTER_PHRASES}
    assert names <= set(COMPARATORS)


def test_search_reads_the_same_scale_words_and_number_terms():
    assert normalize.SCALES is SCALES
    from cqfacts import numbers
    assert normalize.number_term is numbers.number_term


# --- Properties ------------------------------------------------------------------------------------------

PIECES = ["more than ", "a ", "half ", " million", "bn", "US$", " and a half ", "two-thirds", " per cent", "para. ",
          "1992", " of ", "twenty", "-", "dozen", "Tianmu-1", "3.2.1", "1,000,000", "9" * 400, "1." + "5" * 400]
TEXT = st.text() | st.lists(st.text(alphabet="0123456789,. %$万亿元-–+¶§", max_size=3) | st.sampled_from(PIECES),
                            max_size=30).map("".join)


@given(TEXT)
def test_any_text_is_read_and_offsets_point_at_the_words(text):
    found = find_quantities(text)
    assert all(text[a.start:a.end] == a.text and a.text.strip() for a in found)
    assert [a.start for a in found] == sorted(a.start for a in found)
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))
    assert all(isinstance(a.value, int) or math.isfinite(a.value) for a in found)
    assert all(a.comparator is None or a.comparator in COMPARATORS for a in found)
    parse_number(text)
    parse_quantity(text)


@given(st.integers(min_value=0, max_value=10**15))
def test_grouped_digits_have_their_value(n):
    assert figures(f"sold {n:,} vehicles") == [(f"{n:,} vehicles", n, "vehicles", None)]


@given(st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False),
       st.sampled_from(sorted(number_words.WORD_SCALES)))
def test_a_scaled_decimal_is_exact(number, scale):
    expected = Decimal(number) * 10 ** number_words.WORD_SCALES[scale]
    value = parse_number(f"{number} {scale}")
    assert Decimal(value) == expected if isinstance(value, int) else value == float(expected)


def _spelled(n: int) -> str:
    """n (0-999,999) in English words, written independently of the parser."""
    ones = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
    tens = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

    def below_thousand(m: int) -> str:
        hundreds, rest = divmod(m, 100)
        words = [f"{ones[hundreds]} hundred"] if hundreds else []
        if rest or not hundreds:
            part = ones[rest] if rest < 20 else tens[rest // 10 - 2] + (f"-{ones[rest % 10]}" if rest % 10 else "")
            words.append(("and " if hundreds else "") + part)
        return " ".join(words)

    thousands, rest = divmod(n, 1000)
    if not thousands:
        return below_thousand(rest)
    return f"{below_thousand(thousands)} thousand" + (f" {below_thousand(rest)}" if rest else "")


@given(st.integers(min_value=0, max_value=999_999))
def test_numbers_in_words_have_their_value(n):
    assert parse_number(_spelled(n)) == n
