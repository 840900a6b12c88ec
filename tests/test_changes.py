"""Change-sets: which papers and which fields a write changed."""

from __future__ import annotations

from pathlib import Path

from reader.library import Changes, Library
from tests.ui.conftest import fill_library


def test_changes_say_which_fields_changed(tmp_path: Path) -> None:
    with Library(tmp_path / "fields.sqlite") as library:
        fill_library(library, 3)
        ids = library.paper_ids()
        assert library.set_rating(ids, 2).fields == {"rating"}
        assert library.set_status(ids[:1], "queue").fields == {"status"}
        assert library.add_tags(ids[:2], ["nlp"]).fields == {"tags"}
        assert library.rename_tag("nlp", "NLP").fields == {"tags"}
        assert library.set_note(ids[0], "a note").fields == {"note"}
        assert library.mark_opened(ids[0]).fields == {"opened"}
        changed = library.set_rating(ids, 2)
        assert changed.empty  # nothing changed: no papers, whatever the fields
    assert Changes(paper_ids=frozenset({1}), fields=frozenset({"rating"})).touches("rating")
    assert not Changes(paper_ids=frozenset({1}), fields=frozenset({"rating"})).touches("status")
    assert Changes(paper_ids=frozenset({1})).touches("status")  # unknown fields: any


def test_a_change_to_every_paper_concerns_every_paper_and_names_none() -> None:
    every = Changes(fields=frozenset({"interest"}), every_paper=True)
    assert not every.empty  # it is published, though it names no paper
    assert every.paper_ids == frozenset()
    assert every.concerns(12345)
    assert every.concerns_any([1, 2])
    assert not every.concerns_any([])
    assert every.touches("interest")
    assert not every.touches("rating")
    assert Changes(every_paper=True).touches("rating")  # no fields said: any field
    some = Changes(paper_ids=frozenset({1, 2}), fields=frozenset({"rating"}))
    assert some.concerns(1)
    assert not some.concerns(3)
    assert not some.concerns_any([3, 4])
    assert some.concerns_any([4, 2])
    either = some | every
    assert either.every_paper
    assert either.paper_ids == frozenset()  # every paper: no million ids carried along
    assert either.fields == {"rating", "interest"}
    assert (every | some) == either
    assert not (some | some).every_paper
    assert (some | some).paper_ids == {1, 2}
