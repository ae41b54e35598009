"""Typo matching's pieces (``matching.typo_pieces``): every word within the typos allowed of a query word holds
one of its pieces as it is, so a cached index decodes only the words that hold one (``DiskIndex.words_holding``).

The pieces may never leave out a word within reach: checked against rapidfuzz's OSA distance (what typo
matching uses) on every word one or two typos away from a few words, on words made by typos of any kind
(swaps across a piece's end among them), on random pairs of words of a few letters, and on every pair of
words of the shipped base's vocabulary. A cached index's words holding the pieces are those of the TOML's
index (``test_cache_query`` checks typo matching through it on a generated base).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FACTS
from cqfacts.matching import typo_allowance, typo_pieces

# Few letters, so that random words often lie within a typo or two of each other; one beyond ASCII.
LETTERS = "aeinoé"


def distance(query: str, word: str) -> int:
    from rapidfuzz.distance import OSA

    return int(OSA.distance(query, word))


def holds_a_piece(query: str, word: str) -> bool:
    return any(piece in word for piece in typo_pieces(query, typo_allowance(query)))


def one_typo(word: str, letters: str) -> set[str]:
    """Every word one typo from ``word``: a letter changed, added or dropped, two side by side swapped."""
    found = {word[:i] + word[i + 1:] for i in range(len(word))}
    found |= {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}
    found |= {word[:i] + c + word[i + 1:] for i in range(len(word)) for c in letters}
    found |= {word[:i] + c + word[i:] for i in range(len(word) + 1) for c in letters}
    return found


@pytest.mark.parametrize("query", ["tianmo", "abcdefgh", "chongquing", "semiconducter", "aabbaabbab", "nêurôné"])
def test_every_word_within_reach_holds_a_piece(query: str) -> None:
    allowed = typo_allowance(query)
    letters = "".join(sorted(set(query))) + "zé"
    reached = one_typo(query, letters)
    if allowed == 2:
        reached |= {two for one in reached for two in one_typo(one, letters)}
    within = [w for w in reached if distance(query, w) <= allowed]
    assert len(within) > 100
    missed = [w for w in within if not holds_a_piece(query, w)]
    assert not missed, missed[:5]


EDITS = st.lists(st.tuples(st.sampled_from("cads"), st.integers(0, 30), st.sampled_from(LETTERS)), max_size=2)


def typed(word: str, edits: list[tuple[str, int, str]]) -> str:
    """``word`` after each edit: a letter changed, added, dropped or swapped with the next, at a place."""
    for kind, at, letter in edits:
        at %= len(word) + (kind == "a")
        if kind == "c":
            word = word[:at] + letter + word[at + 1:]
        elif kind == "a":
            word = word[:at] + letter + word[at:]
        elif kind == "d":
            word = word[:at] + word[at + 1:]
        elif at + 1 < len(word):
            word = word[:at] + word[at + 1] + word[at] + word[at + 2:]
    return word


@settings(max_examples=3000, deadline=None)
@given(query=st.text(st.sampled_from(LETTERS + "bcdrstu"), min_size=5, max_size=20), edits=EDITS)
def test_a_word_typed_with_typos_holds_a_piece(query: str, edits: list[tuple[str, int, str]]) -> None:
    word = typed(query, edits)
    if distance(query, word) <= typo_allowance(query):  # (typos on the same letters may reach further)
        assert holds_a_piece(query, word)


@settings(max_examples=3000, deadline=None)
@given(query=st.text(st.sampled_from(LETTERS), min_size=5, max_size=12),
       word=st.text(st.sampled_from(LETTERS), min_size=3, max_size=14))
def test_any_word_within_reach_holds_a_piece(query: str, word: str) -> None:
    if distance(query, word) <= typo_allowance(query):
        assert holds_a_piece(query, word)


def test_every_pair_of_the_shipped_words_within_reach_holds_a_piece() -> None:
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    from cqfacts.loader import load
    from cqfacts.search import build_index

    words = build_index(load(FACTS)).words
    pairs = 0
    for query in words:
        allowed = typo_allowance(query)
        if allowed:
            near = [w for w, d, _ in process.extract(query, words, scorer=OSA.distance, score_cutoff=allowed,
                                                      limit=None) if d]
            pairs += len(near)
            assert all(holds_a_piece(query, word) for word in near), query
    assert pairs > 50  # (pairs of words a typo or two apart: "chongqing", "chongqings")


def test_the_pieces_leave_a_letter_between_each_two() -> None:
    assert typo_pieces("semiconducter", 2) == ["semi", "ondu", "ter"]
    assert typo_pieces("tianmo", 1) == ["tia", "mo"]
    assert typo_pieces("abcdefghi", 2) == ["abc", "ef", "hi"]


def test_the_lines_holding_a_piece_are_found_in_the_bytes_each_once() -> None:
    from cqfacts.cache.disk import _BYTES_PER_FIND, _holding

    words = ["semiconductor", "ondule", "tiersemi", "xyz", "térmico", "ter", "semiter", "other"]
    data = "".join(w + "\n" for w in words).encode("utf-8") + b"\n" * _BYTES_PER_FIND * 8  # (room for 8 finds)
    found = _holding(data, ["semi", "ondu", "ter"])
    assert found is not None and sorted(found) == sorted(w for w in words if any(p in w for p in ("semi", "ondu", "ter")))
    assert _holding(data, ["rmi"]) == ["térmico"] and _holding(data, ["é"]) == ["térmico"]
    few = "".join(w + "\n" for w in words).encode("utf-8") + b"\n" * _BYTES_PER_FIND * 2  # (room for 2)
    assert _holding(few, ["ondul", "xyz"]) == ["ondule", "xyz"]
    assert _holding(few, ["o"]) is None  # in more words than finding them is worth: every word is decoded
    assert _holding(data, ["qq", ""]) is None
    assert _holding(b"", ["semi"]) == [] and _holding(data, ["qq"]) == []
