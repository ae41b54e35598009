"""The small rules every style shares: title and sentence case, nested quotation marks, names, dates."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from cqfacts.lazy import Pattern
from cqfacts.model import Author

# Title case (MLA, Chicago): articles, coordinating conjunctions and every preposition stay lower-case
# unless first, last or first after a subtitle mark (Chicago 8.159; MLA 1.2.1).
MINOR_WORDS = frozenset("""
a an the and but for nor or so yet as
aboard about above across after against along amid among around at before behind below beneath beside
besides between beyond by concerning despite down during except from in inside into like near of off on
onto opposite out outside over past per regarding round since than through throughout till to toward
towards under underneath unlike until up upon versus via with within without
""".split())  # noqa: SIM905 - a word list reads best as words

# A subtitle starts after a colon or a dash that joins two clauses ("direction—a panoramic").
_SUBTITLE_MARK = Pattern(r"(:\s+|\s*—\s*|\?\s+|!\s+)")
_WORD = Pattern(r"\S+")
_LEADING_PUNCT = "“‘\"'([¿¡"

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
MLA_MONTHS = ("Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")
IEEE_MONTHS = ("Jan.", "Feb.", "Mar.", "Apr.", "May", "Jun.", "Jul.", "Aug.", "Sep.", "Oct.", "Nov.", "Dec.")

LANGUAGE_NAMES = {"en": "English", "zh": "Chinese", "fr": "French", "de": "German", "es": "Spanish",
                  "ru": "Russian", "ja": "Japanese", "ko": "Korean", "ar": "Arabic", "pt": "Portuguese"}


def _capitalize_first_letter(word: str) -> str:
    for i, ch in enumerate(word):
        if ch.isalpha():
            return word[:i] + ch.upper() + word[i + 1:]
        if ch not in _LEADING_PUNCT:
            return word
    return word


def _clauses(title: str) -> list[str]:
    """The title split into its main title and subtitles, the marks kept as separate items."""
    return _SUBTITLE_MARK.split(title)


def sentence_case(title: str) -> str:
    """APA, Harvard, IEEE: as stored (proper nouns keep their capitals), first word of each subtitle capitalised.

    Titles are stored in sentence case, so this never lowers a letter.
    """
    parts = _clauses(title)
    return "".join(p if i % 2 else _capitalize_first_letter(p) for i, p in enumerate(parts))


def title_case(title: str) -> str:
    """MLA, Chicago: capitalise every word except minor words inside a clause; never lower a capital."""
    parts = _clauses(title)
    out = []
    for i, clause in enumerate(parts):
        if i % 2:
            out.append(clause)
            continue
        words = _WORD.findall(clause)
        spaces = _WORD.split(clause)
        cased = []
        for n, word in enumerate(words):
            edge = n == 0 or n == len(words) - 1
            cased.append(_title_word(word, edge))
        out.append("".join(s + w for s, w in zip(spaces, [*cased, ""], strict=True)))
    return "".join(out)


def _title_word(word: str, edge: bool) -> str:
    bare = word.strip(_LEADING_PUNCT + "”’\".,;)]!?").lower()
    if bare in MINOR_WORDS and not edge:
        return word
    # Hyphenated compounds capitalise each part ("Land–Sea", "Long-Term").
    return "".join(p if p in "-–" else _capitalize_first_letter(p) for p in re.split(r"([-–])", word))


def single_quotes_inside(text: str) -> str:
    """Double quotation marks inside a double-quoted (or British single-quoted) text become single ones."""
    return text.replace("“", "‘").replace("”", "’")


def quoted(text: str, closing_punct: str = "") -> str:
    """American double quotes, the closing period or comma inside (not after a ? or !)."""
    if closing_punct and text[-1:] in "?!":
        closing_punct = ""
    return f"“{single_quotes_inside(text)}{closing_punct}”"


def end_with_period(text: str) -> str:
    return text if text[-1:] in ".?!" or text.endswith((".”", "?”", "!”")) else text + "."


def initials(given: str | None, spaced: bool = True) -> str:
    """'Jiaxi' -> 'J.', 'Mary Ann' -> 'M. A.' (APA) or 'M.A.' (Harvard), 'Jia-Xi' -> 'J.-X.'."""
    if not given:
        return ""
    names = [("-".join(p[0] + "." for p in name.split("-") if p)) for name in given.split()]
    return (" " if spaced else "").join(names)


def inverted(author: Author, form: str = "full") -> str:
    """A reference list name: 'Wang, Jiaxi' (full), 'Wang, J.' (initials), 'Wang, J.X.' (initials-tight).

    A name written family name first is never inverted or comma'd in full ('Li Wei'); with initials it is
    'Li, W.' like any other (APA, Harvard).
    """
    if not author.is_person:
        return author.display
    if not author.given:
        return str(author.family)
    if form == "full" and author.family_first:
        return author.display
    given = {"full": author.given, "initials": initials(author.given),
             "initials-tight": initials(author.given, spaced=False)}[form]
    return f"{author.family}, {given}"


def direct(author: Author, form: str = "full") -> str:
    """A name in reading order: 'Jiaxi Wang' or 'Li Wei' as written (full), 'J. Wang' or 'W. Li' (initials)."""
    if not author.is_person or not author.given:
        return author.display
    if form == "full":
        return author.display
    return f"{initials(author.given)} {author.family}"


def surname(author: Author) -> str:
    return str(author.family) if author.is_person else author.display


def series(items: Sequence[str], conjunction: str = "and", serial_comma: bool = True,
           comma_for_two: bool = False) -> str:
    """'A and B', 'A, B, and C' (serial comma) or 'A, B and C'; comma_for_two gives 'A, and B'."""
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]}{',' if comma_for_two else ''} {conjunction} {items[1]}"
    return f"{', '.join(items[:-1])}{',' if serial_comma else ''} {conjunction} {items[-1]}"


Day = dt.date | tuple[int, ...]


def _parts(day: Day) -> tuple[int, ...]:
    """(year,), (year, month) or (year, month, day): a source may print only a year or a month."""
    return (day.year, day.month, day.day) if isinstance(day, dt.date) else tuple(day)


def month_day(day: Day) -> str:
    """APA's date after the year: 'March 31', 'March', or '' for a year alone."""
    parts = _parts(day)
    return " ".join([MONTHS[parts[1] - 1], *([str(parts[2])] if len(parts) > 2 else [])]) if len(parts) > 1 else ""


def long_date(day: Day) -> str:
    """Chicago: 'March 31, 2024', 'March 2024', '2024'."""
    parts = _parts(day)
    if len(parts) == 3:
        return f"{month_day(parts)}, {parts[0]}"
    return f"{MONTHS[parts[1] - 1]} {parts[0]}" if len(parts) == 2 else str(parts[0])


def day_month_year(day: Day, months: Sequence[str] = MONTHS) -> str:
    """Harvard '31 March 2024', MLA (with MLA_MONTHS) '31 Mar. 2024'; 'March 2024', '2024' when partial."""
    parts = _parts(day)
    words = [str(parts[2])] if len(parts) > 2 else []
    words += [months[parts[1] - 1]] if len(parts) > 1 else []
    return " ".join([*words, str(parts[0])])


def ieee_date(day: Day) -> str:
    """IEEE: 'Mar. 31, 2024', 'Mar. 2024', '2024'."""
    parts = _parts(day)
    if len(parts) == 3:
        return f"{IEEE_MONTHS[parts[1] - 1]} {parts[2]}, {parts[0]}"
    return f"{IEEE_MONTHS[parts[1] - 1]} {parts[0]}" if len(parts) == 2 else str(parts[0])


def ordinal(edition: str) -> str:
    """An edition as styles print it: '2' -> '2nd', 'Rev.' stays 'Rev.'."""
    if not edition.isdigit():
        return edition
    n = int(edition)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def pages(page: str, one: str = "p.", many: str = "pp.") -> str:
    """'p. 12' or 'pp. 12–19'."""
    return f"{many if re.search(r'[–,]', page) else one} {page}"


_SITE_WORDS = Pattern(r"\b(official\s+)?(web\s*site|site|portal|home\s*page|online)\s*$", re.IGNORECASE)


def same_body(a: str, b: str) -> bool:
    """Whether two names are essentially one body: 'X Government' and 'X Government Website' are."""
    def core(name: str) -> str:
        name = _SITE_WORDS.sub("", name.strip())
        name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
        return re.sub(r"[\s’'.,]+", " ", name).strip().casefold()

    return core(a) == core(b)


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code.split("-")[0].lower(), code)
