"""Numbers as people write them: the one parser of amounts in prose, queries and quotes.

``find_quantities(text)`` finds every number in running text, with its offsets, value, unit and comparator,
and says what kind of number it is (``role``): a ``figure``, a ``year``, part of a ``date``, a ``locator``
(``para. 12``, ``page 3``) or an ``ordinal`` (``8th``, ``eighth``). Numbers that are part of a name or code
(``Tianmu-1``, ``5G``, ``1+10+1000``) are not quantities and are not returned.

What it reads:

- digits with thousands separators and decimals: ``500,000``, ``1 000`` with thin or no-break spaces, ``3.2``;
- scale words and suffixes: ``76.9 billion``, ``76.9bn``, ``US$5m``, ``20 thousand``, and the Chinese scale
  characters ``万`` and ``亿`` (``7690亿元``), values kept exact (no float rounding);
- number words: ``twenty thousand``, ``one hundred and twelve``, ``a dozen``, ``half a million``,
  ``one and a half million``; fractions (``two-thirds``, ``a quarter``, ``half``) are shares, read as a percent
  (two-thirds is 66.67%, the way the fact base records it);
- percents (``3.2%``, ``3.2 per cent``), currencies (``US$22.25 million`` → ``usd``, ``76.9bn yuan``, ``RMB``,
  ``¥``, ``元`` → ``yuan``) and the word after a count as its unit (``22 satellites``);
- comparators in the fact base's vocabulary (``cqfacts.spec``): ``more than``, ``over``, ``exceeded`` →
  ``more-than``; ``at least``, ``or more`` → ``at-least``; ``less than``, ``under`` → ``less-than``; ``up to``,
  ``no more than`` → ``up-to``; ``about``, ``nearly``, ``almost``, ``some`` → ``about``; ``exactly``. No
  comparator written is ``None`` (read as exactly).

``parse_number("twenty thousand")`` is the value of a phrase that is just a number; ``parse_quantity`` the one
quantity a phrase states. ``SCALES`` is the table of scale words that search also uses.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from cqfacts.lazy import Pattern, record
from cqfacts.number_words import (
    AFTER_PHRASES,
    BEFORE_PHRASES,
    CURRENCY_AFTER,
    CURRENCY_BEFORE,
    DASHES,
    LOCATOR_WORDS,
    MONEY_ONLY_SCALES,
    MONTHS,
    NOT_UNITS,
    PERCENT,
    SCALES,
    SEPARATORS,
    SMALL,
    STARTS,
    UNIT_PHRASES,
    UNIT_WORDS,
    USD,
    WORD_SCALES,
    YEAR_BEFORE,
    YUAN,
    Core,
    Token,
    glued,
    next_is,
    phrase_at,
    read_words,
    tokens,
)

if TYPE_CHECKING:  # exact arithmetic is imported where a number is read, not by every importer of SCALES
    from decimal import Decimal
    from fractions import Fraction

__all__ = ["SCALES", "Amount", "find_quantities", "number_term", "parse_number", "parse_quantity"]

FIGURE, YEAR, DATE, LOCATOR, ORDINAL = "figure", "year", "date", "locator", "ordinal"


@record(frozen=True)
class Amount:
    """A number found in text: where (``start``/``end`` offsets, ``text``), what it is worth, and how it was put.

    ``value`` is exact where the text is (int when whole); ``exact`` is False for shares such as two-thirds,
    whose percent is rounded wherever it is written down. ``unit`` is ``percent``, a currency (``usd``,
    ``yuan``, ``eur``), ``percentage points`` or the word after the number (``satellites``), else None.
    ``scaled`` says a scale word or character was written (``1.5 million``).
    """

    start: int
    end: int
    text: str
    value: int | float
    unit: str | None = None
    comparator: str | None = None
    role: str = FIGURE
    exact: bool = True
    scaled: bool = False

    def same_value(self, value: float) -> bool:
        """Whether ``value`` (as a fact records it) is this amount written another way.

        Exact amounts must be equal; a share such as two-thirds equals its percent rounded to the places
        the other value has (66.7, 67 or 66.67).
        """
        if self.exact:
            return abs(self.value - value) <= 1e-9 * max(1.0, abs(value))
        places = len(repr(float(value)).partition(".")[2].rstrip("0")) if float(value) % 1 else 0
        return round(self.value, places) == round(value, places)


# Dates and times written with digits only: 2024-03-31, 31/03/2024, 31.03.2024, 23:44.
_DATE_RE = Pattern(r"(?<![\d.])(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|"
                      r"\d{1,2}:\d{2}(?::\d{2})?)(?![\d.]\d)")


def _decimal(digits: str) -> Decimal:
    from decimal import Decimal

    return Decimal(digits.translate(str.maketrans("", "", SEPARATORS)))


def _plain(value: Fraction) -> int | float:
    return value.numerator if value.denominator == 1 else float(value)


def _terminates(value: Fraction) -> bool:
    d = value.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1



# --- Digits ---------------------------------------------------------------------------------------------

_ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})


def _is_name(toks: list[Token], j: int) -> bool:
    """Digits that are part of a name or code: Tianmu-1, COVID-19, A320, 5G, 1+10+1000."""
    num = toks[j]
    if j and glued(toks[j - 1], num):
        before = toks[j - 1]
        if before.kind == "word" or before.text in ("+", "_", "/", "#") or (
                before.text in DASHES and j > 1 and glued(toks[j - 2], before) and toks[j - 2].kind == "word"):
            return True
        if before.text == "." and j > 1 and toks[j - 2].kind == "num" and glued(toks[j - 2], before):
            return True  # a version or section number: 3.2.1
    if j + 1 < len(toks) and glued(num, toks[j + 1]):
        after = toks[j + 1]
        if after.text in ("+", "/", ".") and j + 2 < len(toks) and toks[j + 2].kind == "num" \
                and glued(after, toks[j + 2]):
            return True
        if after.kind == "word" and after.low not in SCALES and after.low not in _ORDINAL_SUFFIXES \
                and after.low not in ("s", "km", "pct"):
            return True
    return False


_LONGEST = 30  # digits in a row beyond this are a code or an identifier, not an amount


def _digits(toks: list[Token], j: int, money: bool) -> Core | None:
    if _is_name(toks, j) or len(toks[j].text) > _LONGEST:
        return None
    from fractions import Fraction

    value = Fraction(_decimal(toks[j].text))
    k, scale = j + 1, 0
    if k < len(toks) and glued(toks[j], toks[k]) and toks[k].low in _ORDINAL_SUFFIXES and value.denominator == 1:
        return Core(value, k + 1, "ordinal")
    while k < len(toks) and toks[k].kind == "cjk" and toks[k].text in SCALES and glued(toks[k - 1], toks[k]):
        scale += SCALES[toks[k].text]
        k += 1
    if not scale and k < len(toks) and toks[k].low in SCALES and toks[k].kind == "word":
        word = toks[k].low
        attached = glued(toks[j], toks[k])
        money_after = k + 1 < len(toks) and toks[k + 1].low in CURRENCY_AFTER
        if word in MONEY_ONLY_SCALES:
            if attached and (money or money_after):
                scale, k = SCALES[word], k + 1
        elif attached or word in WORD_SCALES or word in ("mn", "bn", "tn"):
            scale, k = SCALES[word], k + 1
    return Core(value * 10**scale, k, scale=scale)


# --- Quantities -----------------------------------------------------------------------------------------

def _currency_before(toks: list[Token], j: int) -> tuple[str, int] | None:
    tok = toks[j]
    if tok.low == "us" and j + 1 < len(toks) and toks[j + 1].text == "$" and glued(tok, toks[j + 1]):
        return USD, j + 2
    if tok.low in CURRENCY_BEFORE and tok.low != "us":
        return CURRENCY_BEFORE[tok.low], j + 1
    return None


def _core(toks: list[Token], j: int, money: bool) -> Core | None:
    if j >= len(toks):
        return None
    if toks[j].kind == "num":
        return _digits(toks, j, money)
    if toks[j].kind == "word":
        return read_words(toks, j)
    return None


def _unit_after(toks: list[Token], k: int) -> tuple[str | None, int]:
    """The unit written after a number (percent, currency, a noun), and the index after it."""
    if k >= len(toks):
        return None, k
    tok = toks[k]
    if tok.text in ("%", "％"):
        return PERCENT, k + 1
    found = phrase_at(toks, k, UNIT_PHRASES)
    if found:
        return found
    at = k
    if tok.text in DASHES and k + 1 < len(toks) and glued(toks[k - 1], tok) and glued(tok, toks[k + 1]):
        at = k + 1  # "10-year", "500,000-vehicle"
    # A noun phrase of up to three words: its unit is the plural in it ("new energy vehicles"), else its
    # first word ("mark", "month").
    phrase: list[int] = []
    while at < len(toks) and len(phrase) < 3 and _noun_like(toks[at]) and (not phrase or toks[at].kind == "word"):
        phrase.append(at)
        at += 1
    if not phrase:
        return None, k
    plural = [n for n in phrase if toks[n].low.endswith("s") and len(toks[n].low) > 3]
    chosen = plural[-1] if plural else phrase[0]
    return UNIT_WORDS.get(toks[chosen].low, toks[chosen].low), chosen + 1


def _noun_like(tok: Token) -> bool:
    word = tok.low
    return tok.kind == "word" and (len(word) > 1 or word in UNIT_WORDS) and word not in NOT_UNITS \
        and word not in MONTHS and word not in LOCATOR_WORDS and word not in SMALL


def _role(toks: list[Token], i: int, j: int, core: Core, dates: list[tuple[int, int]], plain: bool) -> str:
    """What kind of number ``toks[j]`` is: figure, year, date, locator or ordinal."""
    if core.kind == "ordinal":
        return ORDINAL
    start = toks[j].start
    if any(a <= start < b for a, b in dates):
        return DATE
    before = [t for t in toks[max(0, i - 3):i] if t.text != "."]
    prev = before[-1].low if before else ""
    if prev in LOCATOR_WORDS:
        return LOCATOR
    whole = core.value.denominator == 1 and toks[j].kind == "num"
    if whole and 1 <= core.value <= 31 and (prev in MONTHS or next_is(toks, core.end, MONTHS) or (
            next_is(toks, core.end, {"of"}) and next_is(toks, core.end + 1, MONTHS))):
        return DATE
    digits = toks[j].text
    if plain and whole and len(digits) == 4 and digits.isdigit() and 1800 <= core.value <= 2100:
        return YEAR
    return FIGURE


def _amount_at(text: str, toks: list[Token], i: int, dates: list[tuple[int, int]]) -> tuple[Amount, int] | None:
    comparator, j = None, i
    found = phrase_at(toks, i, BEFORE_PHRASES)
    if found:
        comparator, j = found
        if next_is(toks, j, {"the"}):
            j += 1
    currency = _currency_before(toks, j) if j < len(toks) else None
    unit = None
    if currency:
        unit, j = currency
    core = _core(toks, j, money=unit is not None)
    if core is None:
        return None
    k = core.end
    exact = True
    value = core.value
    if core.kind == "share":
        value, unit, exact = value * 100, PERCENT, _terminates(value * 100)
    decade = k < len(toks) and toks[k].low == "s" and glued(toks[k - 1], toks[k])
    if unit is None and not decade:
        unit, k = _unit_after(toks, k)
    elif unit is not None and unit != PERCENT:
        after, end = _unit_after(toks, k)
        if after == unit:
            k = end
    after = phrase_at(toks, k, AFTER_PHRASES)
    if after and (after[0] != "+" or glued(toks[k - 1], toks[k])):
        comparator, k = after
    money_or_share = unit in (PERCENT, USD, YUAN, "eur", "percentage points")
    plain = comparator is None and not core.scale and not money_or_share
    if plain and unit and unit.endswith("s") and (i == 0 or toks[i - 1].low not in YEAR_BEFORE):
        plain = False  # "2000 vehicles" is a count, "in 2023 enterprises" a year
    role = YEAR if decade else _role(toks, i, j, core, dates, plain)
    if role != FIGURE:
        start, k = toks[j].start, core.end + decade
        comparator, unit = None, None
    else:
        start = toks[i].start
    end = toks[k - 1].end
    return Amount(start, end, text[start:end], _plain(value), unit, comparator, role, exact, bool(core.scale)), k


_BETWEEN_RE = Pattern(r"\s*(?:[-‐‑‒–—]|to|and|or)\s*", re.IGNORECASE)


def find_quantities(text: str) -> list[Amount]:
    """Every number in ``text`` with its offsets, value, unit, comparator and role, in reading order."""
    toks = tokens(text)
    dates = [m.span() for m in _DATE_RE.finditer(text)]
    out: list[Amount] = []
    i = 0
    while i < len(toks):
        found = _amount_at(text, toks, i, dates) if toks[i].kind == "num" or toks[i].low in STARTS else None
        if found is None:
            i += 1
            continue
        amount, i = found
        if out:
            amount = _continued(out[-1], amount, text)
            if amount.role == FIGURE and out[-1].role == FIGURE and out[-1].unit is None and amount.unit \
                    and _BETWEEN_RE.fullmatch(text[out[-1].end:amount.start]):
                out[-1] = _with(out[-1], unit=amount.unit)  # "20–30%", "from 0 to 22 satellites"
        out.append(amount)
    return out


def _with(amount: Amount, **changes: object) -> Amount:
    from dataclasses import replace

    return replace(amount, **changes)  # type: ignore[arg-type]


_LIST_RE = Pattern(r"[\s,;]*(?:[-‐‑‒–—]|to|and|or|&)?\s*", re.IGNORECASE)


def _continued(last: Amount, amount: Amount, text: str) -> Amount:
    """A number listed after a locator or year is one too: "paras. 12, 14 and 16", "2021–2025", "2021–25"."""
    if last.role not in (LOCATOR, YEAR) or amount.comparator or amount.role != FIGURE or amount.scaled:
        return amount
    between = text[last.end:amount.start]
    if not isinstance(amount.value, int) or not _LIST_RE.fullmatch(between):
        return amount
    if last.role == YEAR:
        short = amount.value < 100 and between in DASHES  # "2021–25": the unit after it is the year's
        if not (short or (1800 <= amount.value <= 2100 and not amount.unit)):
            return amount
    elif amount.unit:
        return amount
    end = amount.start + len(str(amount.text).split()[0]) if amount.unit else amount.end
    return _with(amount, role=last.role, unit=None, end=end, text=text[amount.start:end])


def parse_quantity(text: str) -> Amount | None:
    """The one figure a phrase states ("more than half a million vehicles"), or None if none or several."""
    figures = [a for a in find_quantities(text) if a.role == FIGURE]
    return figures[0] if len(figures) == 1 else None


def parse_number(text: str) -> int | float | None:
    """The value of a phrase that is a number and nothing else: "twenty thousand", "1.5 million", "76.9bn",
    "7690亿", "a dozen", "two-thirds" (0.666…). None for anything else, including "3%" or "US$5"."""
    toks = tokens(text.strip())
    if not toks:
        return None
    core = _core(toks, 0, money=False)
    if core is None or core.end != len(toks) or core.kind == "ordinal":
        return None
    return _plain(core.value)


def number_term(value: float | int) -> str:
    """A number as a search term: integral values without a decimal point, others without trailing zeros."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return str(value)
    return f"{value:.12f}".rstrip("0").rstrip(".")
