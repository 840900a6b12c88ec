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
