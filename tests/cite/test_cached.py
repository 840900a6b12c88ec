"""Formatted citations through the citation cache are citeproc-py's own, byte for byte,
whatever the cache held, and never stale."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.cite import STYLES, cache_citations, citation_records, csl_item, format_citations
from reader.cite.render import NUMBER_PLACEHOLDER
from reader.digests.model import Entry
from reader.library import Library
from reader.library.citation_cache import (
    CACHE_VERSION,
    CitationCache,
    cache_path,
    prune_all,
    prune_stale,
)
from reader.library.paper_edits import edit_details
from tests.cite.conftest import AddPapers
from tests.cite.test_csl_ris import RECORDS
from tests.cite.test_fast_paths import _citeproc_entries, _records

_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _theirs(records: list[Any], style_id: str, html: bool) -> list[str]:
    return _citeproc_entries(style_id, [csl_item(r) for r in records], html)


@_SETTINGS
@given(
    records=_records(),
    html=st.booleans(),
    style_id=st.sampled_from(list(STYLES)),
    held=st.lists(st.integers(min_value=0, max_value=13), max_size=8),
    filled=st.booleans(),
)
def test_a_list_through_the_cache_is_citeprocs_own_whatever_it_held(
    records: list[Any], html: bool, style_id: str, held: list[int], filled: bool
) -> None:
    with CitationCache(None) as cache:
        # Some entries kept beforehand: by a copy of a few (only the sort keys that copy
        # needed) or by the background fill (every key).
        before = [records[i] for i in sorted(set(held)) if i < len(records)]
        if filled:
            cache_citations(before, style_id, cache, html=html)
        else:
            format_citations(before, style_id, html=html, cache=cache)
        expected = _theirs(records, style_id, html)
        assert format_citations(records, style_id, html=html, cache=cache) == expected
        assert format_citations(records, style_id, html=html, cache=cache) == expected
        backwards = records[::-1]
        assert format_citations(backwards, style_id, html=html, cache=cache) == _theirs(
            backwards, style_id, html
        )
        # Everything held now, with every sort key: the copy is a lookup.
        cache_citations(records, style_id, cache, html=html)
        assert cache_citations(records, style_id, cache, html=html) == 0
        assert format_citations(records, style_id, html=html, cache=cache) == expected


def test_real_and_hostile_records_through_the_cache() -> None:
    for style_id in STYLES:
        for html in (False, True):
            with CitationCache(None) as cache:
                expected = _theirs(list(RECORDS), style_id, html)
                cache_citations(list(RECORDS[::2]), style_id, cache, html=html)
                assert format_citations(RECORDS, style_id, html=html, cache=cache) == expected


def test_an_edited_record_is_rendered_again_never_served_stale() -> None:
    record = RECORDS[0]
    with CitationCache(None) as cache:
        for style_id in STYLES:
            first = format_citations([record], style_id, cache=cache)
            assert cache.count() > 0
            edited = replace(record, title="A Completely Different Title")
            again = format_citations([edited], style_id, cache=cache)
            assert again == _theirs([edited], style_id, False)
            assert again != first
            assert "Completely Different" in again[0]
            # And the old record, should it come back, is not the edited one either.
            assert format_citations([record], style_id, cache=cache) == first


def test_the_same_key_twice_is_cited_as_citeproc_cites_it() -> None:
    one, two = RECORDS[0], replace(RECORDS[1], key=RECORDS[0].key.upper())
    for style_id in STYLES:
        with CitationCache(None) as cache:
            got = format_citations([one, two, RECORDS[2]], style_id, cache=cache)
            assert got == _theirs([one, two, RECORDS[2]], style_id, False)


def test_a_record_holding_the_placeholder_character_is_still_right() -> None:
    odd = replace(RECORDS[0], title=f"Private {NUMBER_PLACEHOLDER} use")
    records = [odd, *RECORDS[1:4]]
    for style_id in STYLES:
        with CitationCache(None) as cache:
            assert format_citations(records, style_id, cache=cache) == _theirs(
                records, style_id, False
            )


def test_a_title_edited_in_the_library_is_copied_as_edited(
    library: Library, papers: AddPapers
) -> None:
    ids = papers(
        Entry(
            title="Attention Is All You Need", authors=("Ashish Vaswani",), arxiv_id="1706.03762"
        ),
        Entry(title="Deep Residual Learning", authors=("Kaiming He",), arxiv_id="1512.03385"),
    )
    path = cache_path(library.path)
    with CitationCache(path) as cache:
        assert cache.persistent
        assert cache_citations(citation_records(library, ids), "apa", cache, html=True) == 2
        before = format_citations(citation_records(library, ids), "apa", html=True, cache=cache)
    edit_details(library, ids[0], title="Attention Was Never Enough")
    with CitationCache(path) as cache:  # a later session: the file is reused
        assert cache.count("apa/html") == 2
        records = citation_records(library, ids)
        after = format_citations(records, "apa", html=True, cache=cache)
        assert after == format_citations(records, "apa", html=True)
    assert after != before
    assert any("Attention Was Never Enough" in e for e in after)
    assert not any("Attention Is All You Need" in e for e in after)


def test_an_unusable_cache_file_falls_back_to_memory(tmp_path: Path) -> None:
    damaged = tmp_path / "library.sqlite.citations"
    damaged.write_bytes(b"this is not a database" * 100)
    with CitationCache(damaged) as cache:
        assert not cache.persistent
        assert format_citations(RECORDS[:3], "ieee", cache=cache) == _theirs(
            list(RECORDS[:3]), "ieee", False
        )


def test_a_cache_of_another_format_version_is_emptied(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite.citations"
    with CitationCache(path) as cache:
        cache_citations(list(RECORDS[:3]), "apa", cache)
        assert cache.count() == 3
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {CACHE_VERSION + 1}")
    conn.close()
    with CitationCache(path) as cache:
        assert cache.count() == 0


def test_entries_no_paper_answers_to_are_pruned_and_the_rest_kept(
    library: Library, papers: AddPapers
) -> None:
    ids = papers(
        *(
            Entry(
                title=f"Pruning paper {n}", authors=(f"Ada Lovelace{n}",), arxiv_id=f"2401.0000{n}"
            )
            for n in range(5)
        )
    )
    edited, trashed, purged, kept, untouched = ids
    keys = library.citekeys(ids)
    with CitationCache(cache_path(library.path)) as cache:
        for style_id in ("apa", "ieee"):
            assert cache_citations(citation_records(library, ids), style_id, cache, html=True) == 5
        assert prune_all(library, cache) == 0  # every key answers: nothing goes
        library.set_citekey(edited, "my-own-key")
        library.trash_papers([trashed, purged])
        library.empty_trash([purged])
        # A step at a time, three entries a step, as the window's background fill goes.
        steps, gone, cursor = 0, 0, prune_stale(library, cache, limit=3)
        while True:
            steps, gone = steps + 1, gone + cursor[0]
            if cursor[1] is None:
                break
            cursor = prune_stale(library, cache, cursor[1], limit=3)
        assert steps == 4  # 10 entries, 3 a step
        assert gone == 4  # two styles of two keys
        left = {keys[i].lower() for i in (trashed, kept, untouched)}
        assert cache.held_keys("apa/html") == left == cache.held_keys("ieee/html")
        assert cache.count() == 6
        # The trashed paper comes back with its entries; the edited one is rendered anew.
        library.restore_papers([trashed])
        assert cache_citations(citation_records(library, ids), "apa", cache, html=True) == 1
        assert "my-own-key" in cache.held_keys("apa/html")
        assert prune_all(library, cache) == 0


def test_nothing_is_pruned_while_some_paper_has_no_key_yet(
    library: Library, papers: AddPapers
) -> None:
    ids = papers(Entry(title="Unkeyed soon", authors=("Grace Hopper",), arxiv_id="2402.00001"))
    with CitationCache(None) as cache:
        cache_citations(citation_records(library, ids), "apa", cache)
        cache_citations(list(RECORDS[:3]), "apa", cache)  # keys of no paper here
        with library.transaction() as conn:
            conn.execute("DELETE FROM citekey WHERE paper_id = ?", [ids[0]])
        assert prune_stale(library, cache) == (0, None)
        assert cache.count() == 4
        library.citekeys(ids)  # the key is given again (the window's fill does this)
        assert prune_all(library, cache) == 3
        assert cache.count() == 1
