"""Text normalisation for search: one folding for facts and queries, so pasted text finds typed text.

``fold`` turns any text into a canonical lower-case form (NFKC, format characters dropped, quotes and
dashes straightened, accents stripped, digit-group separators removed); ``terms`` splits folded text into
the words search matches on: letter runs, numbers (decimal point kept), codes like ``1+10+1000``, and CJK
runs as character bigrams and unigrams (Chinese has no spaces, so ``天目`` must find ``天目一号``).
``word_spans`` finds, in the original text, the words a set of terms came from (for highlighting).
"""

from __future__ import annotations

import functools
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterator
from itertools import accumulate, compress, count, repeat
from operator import not_

from cqfacts.lazy import Pattern

# Numbers as people write them have one home; search reads the scale words and number terms from here.
from cqfacts.numbers import SCALES, number_term

__all__ = ["SCALES", "cjk_grams", "fold", "has_han", "is_cjk", "lemma", "number_term", "simplified", "stem", "terms",
           "terms_of", "token_spans", "tokens", "word_spans"]

# Curly and typographic quotes, primes and dashes people paste from documents and web pages.
_STRAIGHTEN = str.maketrans({
    **dict.fromkeys("‘’‚‛′‵`´", "'"),
    **dict.fromkeys("“”„‟″‶«»", '"'),
    **dict.fromkeys("‐‑‒–—―−⁃﹘﹣", "-"),
    # Letters that have no decomposition, so stripping combining marks leaves them as they are.
    "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "ħ": "h", "ı": "i", "æ": "ae", "Æ": "ae",
    "œ": "oe", "Œ": "oe", "þ": "th", "ð": "d",
})
# Thousands separators: a comma, apostrophe, thin or no-break space between digit groups of three.
_DIGIT_GROUP_RE = Pattern(r"(?<=\d)[,'\u00a0\u2009\u202f](?=\d{3}(?!\d))")
# Format characters (Unicode category Cf: zero-width spaces and joiners, soft hyphens, bidi marks) hide
# inside pasted words. Listed rather than looked up per character, which would cost start-up time;
# tests/test_search.py checks the list against unicodedata.
_FORMAT_RE = Pattern(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")

# Kana, CJK ideographs (with extension A, compatibility and the supplementary planes), Hangul syllables.
_CJK_RANGES = ((0x3040, 0x30ff), (0x3400, 0x4dbf), (0x4e00, 0x9fff), (0xf900, 0xfaff), (0xac00, 0xd7af),
               (0x20000, 0x2ffff))
_CJK = "".join(f"{chr(low)}-{chr(high)}" for low, high in _CJK_RANGES)
_TERM = (
    r"(?P<code>\d+(?:\+\d+)+)"  # codes such as 1+10+1000 and 13+2
    r"|(?P<number>\d+(?:\.\d+)?)"
    r"|(?P<cjk>{cjk})"
    r"|(?P<word>[^\W\d_]+)"
)
_TERM_RE = Pattern(_TERM.format(cjk=f"[{_CJK}]+"))
# The same groups for ASCII text, which has no CJK: compiling the CJK ranges takes milliseconds, and a
# query typed in English should not pay them.
_ASCII_TERM_RE = Pattern(_TERM.format(cjk="(?!)"))
# The same terms of ASCII text without their kinds, in the same order: a word never has a digit or a dot,
# a code never a dot, so only numbers need ``_number``.
_ASCII_TERMS_RE = Pattern(r"\d+(?:\+\d+)+|\d+(?:\.\d+)?|[^\W\d_]+")
_COMPOUND_RE = Pattern(r"[^\W_]+(?:-[^\W_]+)+")
# Chinese characters (CJK ideographs), which fold converts to simplified.
_HAN_RE = Pattern("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
# A word as written in the original text, for highlighting: numbers with their separators, and words
# with an apostrophe ("Chongqing’s").
_RAW_WORD_RE = Pattern(r"\d+(?:[,.'\u00a0\u2009\u202f]\d+)*(?:\+\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)?")



def fold(text: str) -> str:
    """The canonical form of text for matching: 'ＴＩＡＮＭＵ–１' and 'tianmu-1' fold alike, and so do
    traditional and simplified Chinese ('長安汽車' and '长安汽车')."""
    if text.isascii():
        text = text.casefold()
    else:
        plain = _plain(text)
        text = plain.casefold() if plain is not None else _fold_unicode(text)
    if _maybe_grouped(text):
        text = _DIGIT_GROUP_RE.sub("", text)
    return " ".join(text.split())  # what \s+ -> " " and strip() give: both split on str.isspace()


def _fold_unicode(text: str) -> str:
    """``fold``'s steps for text other than ASCII and typographic punctuation, casefold included."""
    text = _DIGIT_GROUP_RE.sub("", text)  # NFKC would turn thin spaces into spaces
    if not text.isprintable():  # format characters are not printable: most text needs no look for them
        text = _FORMAT_RE.sub("", text)
    text = unicodedata.normalize("NFKC", text).translate(_STRAIGHTEN)
    if has_han(text):
        text = simplified(text)
    text = text.casefold()
    if not text.isascii():  # accents: decompose, drop the combining marks, compose again
        decomposed = unicodedata.normalize("NFD", text)
        text = unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))
        text = text.translate(_STRAIGHTEN)
    return text


# The characters of _STRAIGHTEN that fold turns into one ASCII character whatever surrounds them (NFKC
# leaves them, or what it makes of them, to the same character; they combine with nothing): text that is
# ASCII but for these (curly quotes, dashes) folds as its ASCII spelling, without the Unicode steps (the
# backquote is one: text that is not ASCII has it straightened too).
_LOOKALIKES = {c: r for c, r in ((chr(k), v) for k, v in _STRAIGHTEN.items())
               if len(r) == 1 and r.isascii() and c.isprintable() and not unicodedata.combining(c)
               and unicodedata.normalize("NFKC", c).translate(_STRAIGHTEN) == r}


def _plain(text: str) -> str | None:
    """Text with its typographic look-alikes made ASCII, when that leaves it ASCII; else None."""
    text = _straightened(text)
    return text if text.isascii() else None


def _straightened(text: str) -> str:
    """Text with its typographic look-alikes made ASCII."""
    for char, replacement in _LOOKALIKES.items():
        if char in text:
            text = text.replace(char, replacement)
    return text


def _maybe_grouped(text: str) -> bool:
    """Whether text may have a digit-group separator (the regular expression is ten times slower to run)."""
    return "," in text or "'" in text or not text.isascii()


@functools.lru_cache(maxsize=1)
def _to_simplified() -> Callable[[str], str]:
    # OpenCC (imported here: only text with Chinese characters needs it) converts by phrase as well as by
    # character, with the dictionaries Chinese input methods and Wikipedia use: a hand-made table would
    # know a few hundred characters and none of the one-to-many cases.
    import opencc

    return opencc.OpenCC("t2s").convert


def has_han(text: str) -> bool:
    """Whether text has a Chinese character (what ``fold`` converts to simplified)."""
    return _HAN_RE.search(text) is not None


def simplified(text: str) -> str:
    """Chinese text in simplified characters (OpenCC's traditional-to-simplified conversion), run by run of
    Chinese characters: the rest of the text, a lone surrogate included, never reaches OpenCC."""
    convert = _to_simplified()
    return _HAN_RE.sub(lambda m: convert(m.group()), text)


def _number(token: str) -> str:
    if "." in token:
        token = token.rstrip("0").rstrip(".")
    return token


def is_cjk(term: str) -> bool:
    """Whether the term starts with a CJK character."""
    code = ord(term[0]) if term else -1
    return any(low <= code <= high for low, high in _CJK_RANGES)


def _term_re(folded: str) -> Pattern:
    return _ASCII_TERM_RE if folded.isascii() else _TERM_RE


def tokens(folded: str) -> Iterator[tuple[str, str]]:
    """(kind, token) pairs of folded text, kind being code, number, cjk or word, in reading order."""
    for kind, token, _, _ in token_spans(folded):
        yield kind, token


def token_spans(folded: str) -> Iterator[tuple[str, str, int, int]]:
    """(kind, token, start, end) of each token of folded text: ``tokens`` with where each is."""
    for m in _term_re(folded).finditer(folded):
        kind = m.lastgroup or "word"
        token = m.group()
        yield kind, _number(token) if kind == "number" else token, m.start(), m.end()


def cjk_grams(run: str) -> list[str]:
    """The bigrams of a CJK run, and its characters: what a fact's Chinese text is indexed by."""
    return [run[i:i + 2] for i in range(len(run) - 1)] + list(run)


def terms(text: str) -> list[str]:
    """Every term of a fact's text, for the index: words, numbers, codes, CJK bigrams and characters.

    Hyphenated words also give their joined form ("land-sea" gives "landsea"); a possessive "'s" is dropped.
    """
    folded = fold(text)
    if folded.isascii():  # most text: the terms in one call to the regular expression engine
        out = _ASCII_TERMS_RE.findall(folded)
        if "." in folded:
            out = [_number(term) if "." in term else term for term in out]
        if "s" in out:
            out = [term for term in out if term != "s"]
    else:
        out = _unicode_terms(folded)
    if "-" in folded:
        out.extend(compound.replace("-", "") for compound in _COMPOUND_RE.findall(folded))
    return out


# ``terms_of``: many texts folded and split together, joined by a character no term or compound holds (and
# that folding leaves alone); the expressions are those of ``terms`` for folded ASCII (lower-case letters),
# each with the separator as a match of its own, which then splits their matches text by text.
_SEPARATOR = "\x00"
_ASCII_TERMS_OF_RE = Pattern(r"\x00|[a-z]+|[0-9]+(?:(?:\+[0-9]+)+|\.[0-9]+)?")
_COMPOUNDS_OF_RE = Pattern(r"\x00|[a-z0-9]+(?:-[a-z0-9]+)+")
# _DIGIT_GROUP_RE for ASCII: starting with its character set, which the engine seeks fast; and for text without
# an apostrophe, starting with the comma alone, which it seeks six times faster still.
_ASCII_DIGIT_GROUP_RE = Pattern(r"[,'](?<=[0-9][,'])(?=[0-9]{3}(?![0-9]))")
_COMMA_GROUP_RE = Pattern(r",(?<=[0-9],)(?=[0-9]{3}(?![0-9]))")
# The point of a number whose decimals end in a zero, which ``_number`` drops (one seen from its point).
_POINT_ZERO_RE = Pattern(r"\.(?<=[0-9]\.)[0-9]*0(?![0-9])")


def terms_of(texts: list[str]) -> list[list[str]]:
    """``[terms(text) for text in texts]``, faster for many texts (a build indexes millions): those that fold as
    ASCII (nearly all English text) are folded and split all together, each step one pass over them all."""
    joined = _SEPARATOR.join(texts)
    if not texts or joined.count(_SEPARATOR) != len(texts) - 1:  # none, or a text holds the separator itself
        return [terms(text) for text in texts]
    if joined.isascii():
        return _ascii_terms_of(joined)
    # Text that is not ASCII is straightened (as ``fold`` does: ASCII text keeps its backquotes), all at once;
    # what is still not ASCII is split one by one (``apart``), the rest together.
    plains = list(texts)
    others = list(compress(count(), map(not_, map(str.isascii, texts))))
    for i, plain in zip(others, _straightened(_SEPARATOR.join(map(texts.__getitem__, others))).split(_SEPARATOR),
                        strict=True):
        plains[i] = plain
    apart = [i for i in others if not plains[i].isascii()]
    for i in reversed(apart):
        del plains[i]
    out = _ascii_terms_of(_SEPARATOR.join(plains)) if plains else []
    for i in apart:  # in order: each goes back to its place
        out.insert(i, terms(texts[i]))
    return out


def _ascii_terms_of(plain: str) -> list[list[str]]:
    """The terms of each of the texts joined in ``plain`` (ASCII, joined by ``_SEPARATOR``), as ``terms`` finds them."""
    folded = plain.casefold()
    if _maybe_grouped(folded):
        folded = (_ASCII_DIGIT_GROUP_RE if "'" in folded else _COMMA_GROUP_RE).sub("", folded)
    found = _ASCII_TERMS_OF_RE.findall(folded)
    if "s" in found:
        found = list(filter("s".__ne__, found))
    # Cut at the separators (list.index looks for each in C).
    out, start, index = [], 0, found.index
    for _ in range(folded.count(_SEPARATOR)):
        end = index(_SEPARATOR, start)
        out.append(found[start:end])
        start = end + 1
    out.append(found[start:])
    parts = folded.split(_SEPARATOR) if "-" in folded or "." in folded else []
    # Numbers with a point: rare, and seldom changed by ``_number``; only the texts where one may be are looked at.
    pointed = [m.start() for m in _POINT_ZERO_RE.finditer(folded)] if "." in folded else []
    if pointed:
        ends = list(accumulate(map(len, parts), _past_separator))  # where each text ends in ``folded``
        for i in dict.fromkeys(bisect_right(ends, at) for at in pointed):
            out[i] = [_number(term) if "." in term else term for term in out[i]]
    if "-" in folded:
        hyphenated = list(compress(count(), map(str.__contains__, parts, repeat("-"))))
        compounds = " ".join(_COMPOUNDS_OF_RE.findall(_SEPARATOR.join(map(parts.__getitem__, hyphenated))))
        for i, more in zip(hyphenated, compounds.replace("-", "").split(_SEPARATOR), strict=True):
            out[i] += more.split()
    return out


def _past_separator(end: int, length: int) -> int:
    return end + 1 + length


def _unicode_terms(folded: str) -> list[str]:
    out: list[str] = []
    for code, number, cjk, word in _TERM_RE.findall(folded):
        if word:
            if word != "s":
                out.append(word)
        elif number:
            out.append(_number(number))
        elif cjk:
            out.extend(cjk_grams(cjk))
        else:
            out.append(code)
    return out


# Longest first; a stem keeps at least four letters (three for a plural "s", so "cars" meets "car").
# Light on purpose: "produce", "produced" and "production" meet at "produc", "laboratory" and
# "laboratories" at "laborator"; no dictionary needed.
_SUFFIXES = ("ations", "ation", "atives", "ative", "ates", "ated", "ate", "ments", "ment", "tions", "tion",
             "sions", "sion", "ings", "ing", "ives", "ive", "ical", "ial", "ian", "ies", "ied", "ics", "ic", "ers",
             "er", "ed", "es", "al", "ly", "y", "s", "e")


def stem(word: str) -> str:
    """A crude English stem of a folded word, for matching word forms; other words are returned as they are."""
    if len(word) < 4 or not word.isascii() or not word.isalpha():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= (3 if suffix == "s" else 4):
            return word[: -len(suffix)]
    return word


def lemma(word: str) -> str:
    """A folded word without its inflection (plural, past, -ing) and final e: 'produced' and 'produce' alike,
    'customs' and 'customer' not (``stem`` is cruder: it also strips derivations)."""
    for ending, replacement in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(ending) and len(word) - len(ending) >= 3 and not (ending == "s" and word.endswith("ss")):
            word = word[: -len(ending)] + replacement
            break
    return word.rstrip("e") if len(word) > 3 else word


def word_spans(text: str, wanted: set[str] | frozenset[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of each word of the original text whose folded terms include one of ``wanted``."""
    for m in _RAW_WORD_RE.finditer(text):
        if not wanted.isdisjoint(terms(m.group())):
            yield m.start(), m.end()
