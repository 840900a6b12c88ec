"""Author lists: names stay names, counts stay counts, whatever the string."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reader.digests.names import author_list, split_names, without_parentheses

NAMEISH = st.lists(
    st.sampled_from([*"AbCdé .,;:&()-'Wu", " and ", " et al.", "J.-Y."]), max_size=40
).map("".join)


@given(NAMEISH)
def test_names_are_never_empty_markers_or_parenthesised(text: str) -> None:
    names, count = author_list(text)
    assert count >= len(names)
    for name in names:
        assert name == name.strip()
        assert name
        assert "(" not in name
        assert ")" not in name
        assert name.casefold() not in {"et al.", "et al", "others"}


@given(st.lists(st.from_regex(r"[A-Z][a-z]{1,8}", fullmatch=True), min_size=1, max_size=6))
def test_surname_initials_lists_pair_up(surnames: list[str]) -> None:
    text = ", ".join(f"{name}, {name[0]}.-{name[-1].upper()}." for name in surnames)
    assert split_names(text) == [f"{n}, {n[0]}.-{n[-1].upper()}." for n in surnames]


def test_counts_from_markers() -> None:
    assert author_list("A. One, B. Two, et al. (84 additional authors not shown)") == (
        ["A. One", "B. Two"],
        86,
    )
    assert (
        author_list("LHCb collaboration: R. Aaij, et al. (909 additional authors not shown)")[1]
        == 911
    )
    assert without_parentheses("a (b (c) d) e") == "a  e"
