"""The sidebar's saved views (live counts, rename, move, delete with undo), hidden empty
tags, and the Rules dialog's preview and undoable apply — real widgets, a real library."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog
from pytestqt.qtbot import QtBot

from reader.library import Library, SortKey, Status, rules, saved_views
from tests.test_export_support import add_papers
from tests.ui.conftest import WAIT_MS, WindowFactory, settle, write
from ui.rulesdialog import RulesDialog
from ui.sidebar import CountRole, SavedViewRole, SidebarDelegate
from ui.views import ViewKey

pytestmark = pytest.mark.gui


@pytest.fixture
def papers(lib_path: Path) -> list[int]:
    with Library(lib_path) as library:
        ids = add_papers(library, ["Sparse attention", "Sparse coding", "Dense retrieval"])
        library.set_status([ids[0]], "queue")
    return ids


def _saved_rows(window) -> list[tuple[str, int | None]]:
    section = window.sidebar_model.saved_section
    return [
        (section.child(r).text(), section.child(r).data(CountRole))
        for r in range(section.rowCount())
    ]


def test_save_the_current_search_as_a_view_with_a_live_count(
    qtbot: QtBot, make_window: WindowFactory, papers: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    assert window.sidebar.select_key(ViewKey("all"))
    window.search.set_text("sparse")
    window.viewing.search_changed("sparse")
    settle(qtbot, window)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Sparse things", True))
    window.saved_views.save_action.trigger()  # Ctrl+S
    qtbot.waitUntil(lambda: _saved_rows(window) == [("Sparse things", 2)], timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: (
            window.sidebar.current_key is not None and window.sidebar.current_key.kind == "saved"
        ),
        timeout=WAIT_MS,
    )
    window.search.set_text("")
    window.viewing.search_changed("")
    settle(qtbot, window)
    assert sorted(window.model.row_of(i) is not None for i in papers) == [False, True, True]
    assert window.view_title.text() == "Sparse things"

    write(qtbot, window, lambda library: library.trash_papers([papers[1]]))  # the count follows
    qtbot.waitUntil(lambda: _saved_rows(window) == [("Sparse things", 1)], timeout=WAIT_MS)

    view_id = int(window.sidebar.current_key.value)
    window.saved_views.delete(view_id)
    qtbot.waitUntil(lambda: _saved_rows(window) == [], timeout=WAIT_MS)
    window.edits.undo()
    qtbot.waitUntil(lambda: _saved_rows(window) == [("Sparse things", 1)], timeout=WAIT_MS)


def test_rename_and_move_saved_views_with_undo(
    qtbot: QtBot, make_window: WindowFactory, papers: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    first = write(
        qtbot,
        window,
        lambda lib: (saved_views.add_view(lib, "One", "sparse"), saved_views.VIEWS_CHANGED)[1],
    )
    assert first.views
    write(
        qtbot,
        window,
        lambda lib: (
            saved_views.add_view(lib, "Two", "", base="queue", sort=SortKey.TITLE),
            saved_views.VIEWS_CHANGED,
        )[1],
    )
    qtbot.waitUntil(lambda: _saved_rows(window) == [("One", 2), ("Two", 1)], timeout=WAIT_MS)
    two = window.sidebar_model.saved_section.child(1).data(SavedViewRole)
    window.saved_views.move(two.id, -1)
    qtbot.waitUntil(lambda: _saved_rows(window) == [("Two", 1), ("One", 2)], timeout=WAIT_MS)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Queued", True))
    window.saved_views.rename(two.id)
    qtbot.waitUntil(lambda: _saved_rows(window) == [("Queued", 1), ("One", 2)], timeout=WAIT_MS)
    window.edits.undo()
    qtbot.waitUntil(lambda: _saved_rows(window)[0] == ("Two", 1), timeout=WAIT_MS)
    window.edits.undo()
    qtbot.waitUntil(lambda: _saved_rows(window) == [("One", 2), ("Two", 1)], timeout=WAIT_MS)
    assert window.sidebar.select_key(ViewKey("saved", two.id))
    settle(qtbot, window)
    assert window.model.sort_key is SortKey.TITLE


def test_tags_without_papers_are_not_listed(
    qtbot: QtBot, make_window: WindowFactory, papers: list[int]
) -> None:
    window = make_window()
    write(qtbot, window, lambda lib: lib.add_tags([papers[0]], ["keep", "drop"]))
    write(qtbot, window, lambda lib: lib.remove_tags([papers[0]], ["drop"]))
    qtbot.waitUntil(lambda: window.sidebar_model.tags_section.rowCount() == 1, timeout=WAIT_MS)
    assert window.sidebar_model.tags_section.child(0).text() == "keep"
    assert [t.name for t in window.library.tags()] == ["drop", "keep"]  # the tag itself stays


def test_rules_dialog_previews_adds_and_applies_with_undo(
    qtbot: QtBot, make_window: WindowFactory, papers: list[int]
) -> None:
    window = make_window()
    dialog = RulesDialog(window.runner, window.queries, window.edits, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.query, "sparse")
    qtbot.waitUntil(lambda: "matches 2 papers" in dialog.preview.text(), timeout=WAIT_MS)
    assert "Sparse attention" in dialog.preview.text()
    dialog.query.setText("rating:9")
    qtbot.waitUntil(lambda: "does not parse" in dialog.preview.text(), timeout=WAIT_MS)
    dialog.query.setText("sparse")
    dialog.tags.setText("sparse, later")
    dialog.status.setCurrentIndex(dialog.status.findData(Status.ARCHIVED.value))
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.rule_list.count() == 1, timeout=WAIT_MS)
    assert dialog.rule_list.item(0).text().endswith("+sparse, +later, status archived")
    assert (window.library.paper(papers[1]).tags, window.library.paper(papers[1]).status) == (
        (),
        Status.INBOX,
    )

    dialog.rule_list.setCurrentRow(0)
    dialog.apply_button.click()
    qtbot.waitUntil(
        lambda: "Applied to 2 matching papers" in dialog.preview.text(), timeout=WAIT_MS
    )
    settle(qtbot, window)
    assert "1 left as you set them" in dialog.preview.text()
    assert window.library.paper(papers[1]).status is Status.ARCHIVED
    assert window.library.paper(papers[0]).status is Status.QUEUE  # the user's choice stays
    window.edits.undo()
    settle(qtbot, window)
    assert (window.library.paper(papers[1]).tags, window.library.paper(papers[1]).status) == (
        (),
        Status.INBOX,
    )
    assert window.library.paper(papers[0]).tags == ()
    assert [r.query for r in rules.rules(window.library)] == ["sparse"]


def test_digests_of_the_same_day_are_told_apart_by_their_file(
    qtbot: QtBot, make_window: WindowFactory, lib_path: Path
) -> None:
    from datetime import UTC, date, datetime

    from PySide6.QtWidgets import QStyleOptionViewItem

    from reader.digests.model import Digest, Entry
    from reader.library.ingest import SourceFile, record_digest

    with Library(lib_path) as library:
        for name in ("zotero.bib", "scopus.ris"):
            digest = Digest(
                format="test",
                entries=(Entry(title=f"A paper from {name}"),),
                date=date(2026, 12, 1),
                captured_at=datetime(2026, 12, 1, tzinfo=UTC),
            )
            record_digest(library, SourceFile(name, None, name, "test"), digest)
    window = make_window()
    section = window.sidebar_model.digests_section
    qtbot.waitUntil(lambda: section.rowCount() == 2, timeout=WAIT_MS)
    labels = sorted(section.child(r).text() for r in range(2))
    assert labels == ["Dec 1, 2026 · scopus.ris", "Dec 1, 2026 · zotero.bib"]
    sidebar = window.sidebar
    delegate = sidebar.itemDelegate()
    assert isinstance(delegate, SidebarDelegate)
    index = section.child(0).index()
    option = QStyleOptionViewItem()
    option.initFrom(sidebar)
    option.widget = sidebar
    option.rect = sidebar.visualRect(index)
    option.rect.setWidth(130)  # the narrowest sidebar: both ends of the label stay
    shown, _count = delegate.label_option(option, index)
    assert shown.text.startswith("Dec 1")
    assert shown.text.endswith((".bib", ".ris"))
    assert "…" in shown.text


def test_the_rules_dialog_opens_to_type_and_its_form_stays_put_while_previewing(
    qtbot: QtBot, make_window: WindowFactory, lib_path: Path
) -> None:
    with Library(lib_path) as library:
        add_papers(library, [f"Sparse paper number {n} with a long title" for n in range(9)])
    window = make_window()
    dialog = RulesDialog(window.runner, window.queries, window.edits, window)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.query.hasFocus, timeout=WAIT_MS)
    top = dialog.query.mapTo(dialog, dialog.query.rect().topLeft()).y()
    qtbot.keyClicks(dialog.query, "sparse")
    qtbot.waitUntil(lambda: "and 4 more" in dialog.preview.text(), timeout=WAIT_MS)
    qtbot.wait(20)
    assert dialog.query.mapTo(dialog, dialog.query.rect().topLeft()).y() == top


def test_a_bold_section_label_is_elided_in_its_own_font_clear_of_its_count(
    qtbot: QtBot, make_window: WindowFactory, papers: list[int]
) -> None:
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

    window = make_window()
    write(
        qtbot,
        window,
        lambda lib: (saved_views.add_view(lib, "One", "sparse"), saved_views.VIEWS_CHANGED)[1],
    )
    section = window.sidebar_model.saved_section
    qtbot.waitUntil(lambda: section.rowCount() == 1, timeout=WAIT_MS)
    sidebar = window.sidebar
    index = section.index()
    option = QStyleOptionViewItem()
    option.initFrom(sidebar)
    option.widget = sidebar
    style = sidebar.style()
    delegate = sidebar.itemDelegate()
    assert isinstance(delegate, SidebarDelegate)
    for width in range(60, 220, 2):  # every width the sidebar can give it
        option.rect = sidebar.visualRect(index)
        option.rect.setWidth(width)
        shown, count_width = delegate.label_option(option, index)
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, shown, sidebar)
        assert shown.font.weight() > option.font.weight()  # the section is bold
        advance = QFontMetrics(shown.font).horizontalAdvance(shown.text)
        assert advance <= text_rect.width() - count_width, (width, shown.text)
