"""The words of numbers, for ``cqfacts.numbers``: the tables and the reader of number words.

Each table says how people write something (scale words, comparators, currencies, units, locators) and what
the fact base calls it (comparators are ``cqfacts.spec.COMPARATORS``, checked by tests/test_numbers.py).
``tokens`` splits text into numbers, words and symbols with their offsets; ``read_words`` reads a number
written in words ("twenty-two thousand", "a dozen", "half a million", "two-thirds", "two point two trillion").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from cqfacts.lazy import Pattern, record

if TYPE_CHECKING:  # exact arithmetic is imported where number words are read
    from fractions import Fraction

PERCENT, USD, YUAN = "percent", "usd", "yuan"


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Scale words after a number, as powers of ten: "76.9 billion" is 76900000000.
SCALES = {"thousand": 3, "k": 3, "million": 6, "mn": 6, "m": 6, "billion": 9, "bn": 9, "b": 9, "trillion": 12,
          "tn": 12, "万": 4, "亿": 8}
# One-letter scales ("5m", "2b", "3k") are millions only next to money; alone "520m" may be metres.
MONEY_ONLY_SCALES = frozenset({"k", "m", "b"})
WORD_SCALES = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12}


_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
SMALL = {**{w: n for n, w in enumerate(_ONES)}, **{w: 20 + 10 * n for n, w in enumerate(_TENS)}}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
            "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
            "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
            "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
            "hundredth": 100}
# Denominators of written fractions: "two-thirds", "a quarter", "three fifths".
DENOMINATORS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
                "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "eighth": 8, "eighths": 8,
                "tenth": 10, "tenths": 10}

_BEFORE = {
    "more-than": "more than|over|above|exceeding|exceeded|exceeds|exceed|in excess of|upwards of|greater than|"
                 "higher than|surpassing|surpassed|surpasses|surpass|topping|topped|beyond|break through|"
                 "breaks through|broke through|breaking through|>",
    "at-least": "at least|no fewer than|no less than|not less than|not fewer than|a minimum of|≥|> =",
    "less-than": "less than|fewer than|under|below|lower than|<",
    "up-to": "up to|at most|no more than|not more than|a maximum of|not exceeding|≤|< =",
    "about": "about|around|approximately|approx|roughly|nearly|almost|some|close to|circa|an estimated|"
             "estimated|~|≈",
    "exactly": "exactly|precisely",
}
_AFTER = {"or more": "at-least", "or above": "at-least", "and above": "at-least", "or over": "at-least",
          "plus": "more-than", "+": "more-than", "or so": "about", "or less": "up-to", "or fewer": "up-to",
          "and below": "up-to", "or below": "up-to"}


class Phrases:
    """Phrases of a table by their first word, each first word's longest phrase first."""

    def __init__(self, rows: list[tuple[tuple[str, ...], str]]):
        self.by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for words, name in sorted(rows, key=lambda row: -len(row[0])):
            self.by_first.setdefault(words[0], []).append((words, name))

    def __iter__(self):  # type: ignore[no-untyped-def]
        return (row for rows in self.by_first.values() for row in rows)


BEFORE_PHRASES = Phrases([(tuple(p.split()), name) for name, ps in _BEFORE.items() for p in ps.split("|")])
AFTER_PHRASES = Phrases([(tuple(p.split()), c) for p, c in _AFTER.items()])

CURRENCY_BEFORE = {"us$": USD, "usd": USD, "$": USD, "us": USD, "rmb": YUAN, "cny": YUAN, "¥": YUAN,
                    "￥": YUAN, "€": "eur", "eur": "eur"}
CURRENCY_AFTER = {"yuan": YUAN, "renminbi": YUAN, "rmb": YUAN, "元": YUAN, "dollars": USD, "dollar": USD,
                   "usd": USD, "euros": "eur", "euro": "eur"}
UNIT_WORDS = {"kilometres": "km", "kilometers": "km", "kilometre": "km", "kilometer": "km", "km": "km", "m": "m",
               "metres": "m", "meters": "m"}
# Words after a number that are not its unit.
NOT_UNITS = _set("""a an and or of in on at to the for from by with as is are was were will be has have had
than that this these those which who per its their it into over under up down out more less most about
mark marks milestone milestones threshold thresholds barrier""")
LOCATOR_WORDS = _set("""para paras paragraph paragraphs ¶ ¶¶ § §§ p pp page pages section sections chapter
chapters art article articles no nos item items fig figs figure figures table tables line lines note notes
footnote footnotes vol volume issue part clause appendix""")
MONTHS = _set("""january february march april may june july august september october november december jan
feb mar apr jun jul aug sep sept oct nov dec""")
YEAR_BEFORE = _set("in since by from until till of the during before after early late mid end year fy")

UNIT_PHRASES = Phrases([(("percent",), PERCENT), (("per", "cent"), PERCENT), (("pct",), PERCENT),
                        (("percentage", "points"), "percentage points"), (("percentage", "point"), "percentage points"),
                        (("us", "dollars"), USD), (("u", ".", "s", ".", "dollars"), USD),
                        *(((w,), c) for w, c in CURRENCY_AFTER.items())])


# --- Tokens ---------------------------------------------------------------------------------------------

SEPARATORS = ",\u00a0\u2009\u202f'"
_TOKEN_RE = Pattern(
    r"(?P<num>\d{1,3}(?:[,\u00a0\u2009\u202f']\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?)"
    r"|(?P<word>[A-Za-z\u00c0-\u024f]+)"
    r"|(?P<cjk>[万亿元])"
    r"|(?P<sym>[^\s\w]|[^\W\d]|_)"  # one character: punctuation, symbols, letters of other scripts
)
DASHES = frozenset("-‐‑‒–—―−")


class Token(NamedTuple):
    kind: str  # num, word, cjk or sym
    text: str
    start: int
    end: int
    low: str  # the text case-folded


def tokens(text: str) -> list[Token]:
    return [Token(m.lastgroup or "sym", m.group(), m.start(), m.end(), m.group().casefold())
            for m in _TOKEN_RE.finditer(text)]


def glued(a: Token, b: Token) -> bool:
    return a.end == b.start


def phrase_at(toks: list[Token], i: int, phrases: Phrases) -> tuple[str, int] | None:
    """The table's name for the longest phrase of ``toks`` starting at ``i``, and the index after it."""
    for words, name in phrases.by_first.get(toks[i].low, ()) if i < len(toks) else ():
        end = i + len(words)
        if end <= len(toks) and all(toks[i + n].low == w for n, w in enumerate(words)):
            return name, end
    return None


# --- Number words ---------------------------------------------------------------------------------------

@record
class Core:
    value: Fraction
    end: int  # index of the token after the number
    kind: str = "cardinal"  # cardinal, share or ordinal
    scale: int = 0  # the power of ten a scale word or character gave


def next_is(toks: list[Token], k: int, words: set[str] | frozenset[str] | dict[str, int]) -> bool:
    return k < len(toks) and toks[k].low in words


_NUMERATOR_NEXT = {"hundred", "dozen", *WORD_SCALES, *DENOMINATORS}
# The words and symbols a quantity can start with (besides digits): comparators, currencies, number words.
STARTS = frozenset({*BEFORE_PHRASES.by_first, *CURRENCY_BEFORE, *SMALL, *ORDINALS, "a", "an", "half"})


def _digit_word(toks: list[Token], k: int) -> bool:
    return k < len(toks) and toks[k].kind == "word" and SMALL.get(toks[k].low, 10) < 10


def read_words(toks: list[Token], j: int) -> Core | None:
    from fractions import Fraction

    """Number words from ``toks[j]``: "twenty-two thousand", "a dozen", "half a million", "two-thirds"."""
    total, current, scale = Fraction(0), Fraction(0), 0
    last = ""  # what the previous word was: small, tens, hundred, scale, and
    k = j
    first = toks[j].low
    if first in ("a", "an") and next_is(toks, j + 1, _NUMERATOR_NEXT):
        current, last, k = Fraction(1), "small", j + 1
    elif first == "half" and next_is(toks, j + 1, {"a", "an"}) and next_is(toks, j + 2, WORD_SCALES):
        power = WORD_SCALES[toks[j + 2].low]
        return Core(Fraction(10**power, 2), j + 3, scale=power)
    elif first == "half":
        before = toks[j - 1].low if j else ""
        if next_is(toks, j + 1, {"of"}) and before not in ORDINALS and before not in ("the", "a", "an"):
            return Core(Fraction(1, 2), j + 1, "share")
        return None
    while k < len(toks):
        tok = toks[k]
        word = tok.low
        if tok.text in DASHES and last in ("tens", "small") and k + 1 < len(toks) and glued(toks[k - 1], tok) \
                and glued(tok, toks[k + 1]):
            k += 1
            continue
        if tok.kind != "word":
            break
        if word in SMALL:
            n = SMALL[word]
            if last in ("small", "tens", "decimal") and not (last == "tens" and 0 < n < 10):
                break
            current += n
            last = "tens" if n >= 20 and n % 10 == 0 else "small"
        elif word == "hundred" and last in ("small", "tens"):
            current *= 100
            last = "hundred"
        elif word == "point" and last in ("small", "tens", "hundred") and _digit_word(toks, k + 1):
            m = k + 1  # "two point two five": the digits after the point, one word each
            while _digit_word(toks, m):
                m += 1
            digits = "".join(str(SMALL[t.low]) for t in toks[k + 1:m])
            current += Fraction(int(digits), 10 ** len(digits))
            k, last = m, "decimal"
            continue
        elif word in WORD_SCALES and last in ("small", "tens", "hundred", "half", "decimal"):
            power = WORD_SCALES[word]
            total, current, scale = total + current * 10**power, Fraction(0), max(scale, power)
            last = "scale"
        elif word == "dozen" and last in ("small", "tens"):
            current *= 12
            last = "hundred"
        elif word == "and" and last and next_is(toks, k + 1, {"a"}) and next_is(toks, k + 2, {"half"}):
            current += Fraction(1, 2)
            k += 3
            last = "half"
            continue
        elif word == "and" and last in ("hundred", "scale") and next_is(toks, k + 1, SMALL):
            last = "and"
        elif word in DENOMINATORS and last == "small" and total == 0 and current < 20:
            return Core(current / DENOMINATORS[word], k + 1, "share")
        elif (word in ORDINALS and last in ("tens", "")) or (word in ORDINALS and last == "and"):
            return Core(total + current + ORDINALS[word], k + 1, "ordinal")
        else:
            break
        k += 1
    if last in ("", "and"):
        return None
    return Core(total + current, k - (last == "and"), scale=scale)
