"""Citations from the window: Ctrl+C, the context menu's copies, the style chooser,
File ▸ Export Citations… and Edit Citekey…, with real widgets, the real clipboard and a
library holding the real Daily Papers capture."""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
import rispy
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLineEdit
from pytestqt.qtbot import QtBot

from reader.importer import Importer
from reader.library import Library
from reader.yieldgate import YieldGate
from tests.factories import SAMPLE_PATH
from tests.ui.conftest import WAIT_MS, WindowFactory, fill_library, settle
from ui.citations import STYLE_CHOICE
from ui.citeexport import format_of_filter, name_filter
from ui.window import MainWindow


@pytest.fixture
def sample(lib_path: Path) -> Path:
    """The real capture's papers in the test's library."""
    with Library(lib_path) as library:
        Importer(library).import_paths([SAMPLE_PATH])
        assert library.count() > 5
    return lib_path


def _select_all(qtbot: QtBot, window: MainWindow) -> list[int]:
    settle(qtbot, window)
    window.paper_list.setFocus()
    window.paper_list.selectAll()
    ids = window.selected_ids()
    assert len(ids) == window.model.rowCount()
    return ids


def _copied(qtbot: QtBot, window: MainWindow, trigger: object) -> str:
    with qtbot.waitSignal(window.citations.copied, timeout=WAIT_MS):
        trigger() if callable(trigger) else None
    return QGuiApplication.clipboard().text()


def test_ctrl_c_copies_the_selection_as_formatted_citations(
    qtbot: QtBot, make_window: WindowFactory, sample: Path
) -> None:
    window = make_window()
    ids = _select_all(qtbot, window)
    copy = window.citations.copy
    assert copy.shortcut() == QKeySequence(QKeySequence.StandardKey.Copy)
    edit = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    assert copy in edit.actions()

    with qtbot.waitSignal(window.citations.copied, timeout=WAIT_MS) as blocker:
        qtbot.keyClick(window.paper_list, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == [len(ids)]
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.hasHtml()
    assert mime.hasText()
    text = mime.text()
    entries = text.split("\n\n")
    assert len(entries) == len(ids)
    first = window.library.paper(ids[0])
    assert first.title.split(":")[0][:30] in " ".join(text.split())
    assert "<p>" in mime.html()
    assert "<i>" in mime.html()
    assert "<" not in text
    assert "&amp;" not in text
    assert f"Copied {len(ids):,} citations" in window.statusBar().currentMessage()


def test_the_style_chooser_changes_the_copy_and_is_remembered(
    qtbot: QtBot, make_window: WindowFactory, sample: Path
) -> None:
    window = make_window()
    styles = {a.data(): a for a in window.citations.styles.actions()}
    assert set(styles) == {"apa", "ieee", "chicago-author-date"}
    assert styles["apa"].isChecked()
    licence = [a.text() for a in window.citations.style_menu.actions()]
    assert any("CC BY-SA 3.0" in t for t in licence)
    styles["ieee"].trigger()
    assert window.citations.style_id == "ieee"
    _select_all(qtbot, window)
    text = _copied(qtbot, window, window.citations.copy.trigger)
    assert text.startswith("[1] ")
    assert window.state.choice(STYLE_CHOICE, "") == "ieee"
    window.close()

    again = make_window()
    assert again.citations.style_id == "ieee"


def test_the_context_menu_copies_bibtex_links_and_citekeys(
    qtbot: QtBot, make_window: WindowFactory, sample: Path
) -> None:
    window = make_window()
    ids = _select_all(qtbot, window)
    menu = window.menu_actions.paper_menu(window, [])
    texts = [a.text() for a in menu.actions()]
    for wanted in ("Copy as &BibTeX", "Copy as &Link", "Copy Cite&key", "Edit Citekey…"):
        assert wanted in texts

    bib = _copied(qtbot, window, window.citations.copy_bibtex.trigger)
    parsed = bibtexparser.parse_string(bib)
    assert not parsed.failed_blocks
    assert len(parsed.entries) == len(ids)
    keys = window.library.citekeys(ids)
    assert [e.key for e in parsed.entries] == [keys[i] for i in ids]

    links = _copied(qtbot, window, window.citations.copy_link.trigger).splitlines()
    assert len(links) == len(ids)
    assert all(re.fullmatch(r"\[.+\]\(https?://\S+\)", line) for line in links)

    window.paper_list.select_ids(ids[:2], ids[0])
    cite = _copied(qtbot, window, window.citations.copy_citekey.trigger)
    assert cite == f"[@{keys[ids[0]]}; @{keys[ids[1]]}]"
    window.paper_list.select_ids(ids[:1], ids[0])
    assert _copied(qtbot, window, window.citations.copy_citekey.trigger) == f"[@{keys[ids[0]]}]"


def test_copying_a_thousand_papers_runs_off_the_gui_thread(
    qtbot: QtBot, make_window: WindowFactory, lib_path: Path
) -> None:
    with Library(lib_path) as library:
        fill_library(library, 1000)
    window = make_window()
    _select_all(qtbot, window)
    QGuiApplication.clipboard().setText("before")
    with qtbot.waitSignal(window.citations.copied, timeout=60_000) as blocker:
        window.citations.copy.trigger()
        # The action returned at once: the citations are still being formatted elsewhere.
        assert window.citations.busy
        assert QGuiApplication.clipboard().text() == "before"
    assert blocker.args == [1000]
    assert len(QGuiApplication.clipboard().text().split("\n\n")) == 1000
    assert "Copied 1,000 citations" in window.statusBar().currentMessage()


def _export(qtbot: QtBot, window: MainWindow, target: Path, fmt: str, *, only: bool) -> None:
    window.citations.export.trigger()
    dialog = window.citations.export_dialog
    assert isinstance(dialog, QFileDialog)
    assert dialog.nameFilters() == [
        "BibTeX (*.bib)",
        "BibLaTeX (*.bib)",
        "CSL-JSON (*.json)",
        "RIS (*.ris)",
    ]
    dialog.selectNameFilter(name_filter(fmt))
    dialog.filterSelected.emit(name_filter(fmt))
    assert format_of_filter(dialog.selectedNameFilter()) == fmt
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    assert name.text().endswith("." + {"csl-json": "json", "ris": "ris"}.get(fmt, "bib"))
    dialog.only_selected.setChecked(only)  # type: ignore[attr-defined]
    name.setText(str(target))  # typed, as a user would
    assert format_of_filter(dialog.selectedNameFilter()) == fmt
    dialog.accept()


def test_export_citations_writes_the_view_or_the_selection(
    qtbot: QtBot, make_window: WindowFactory, sample: Path, tmp_path: Path
) -> None:
    window = make_window()
    ids = _select_all(qtbot, window)
    with qtbot.waitSignal(window.citations.exported, timeout=WAIT_MS) as blocker:
        _export(qtbot, window, tmp_path / "all", "ris", only=False)
    target, count = blocker.args
    assert target == tmp_path / "all.ris"  # the format's extension is added
    assert count == len(ids)
    records = rispy.loads(target.read_text(encoding="utf-8"))
    assert len(records) == len(ids)

    window.paper_list.select_ids(ids[:3], ids[0])
    with qtbot.waitSignal(window.citations.exported, timeout=WAIT_MS) as blocker:
        _export(qtbot, window, tmp_path / "three.json", "csl-json", only=True)
    items = json.loads((tmp_path / "three.json").read_text(encoding="utf-8"))
    keys = window.library.citekeys(ids[:3])
    assert [i["id"] for i in items] == [keys[i] for i in ids[:3]]

    with qtbot.waitSignal(window.citations.exported, timeout=WAIT_MS):
        _export(qtbot, window, tmp_path / "refs.bib", "biblatex", only=True)
    biblatex = (tmp_path / "refs.bib").read_text(encoding="utf-8")
    assert len(bibtexparser.parse_string(biblatex).entries) == 3
    assert "  date = {" in biblatex  # BibLaTeX's field, not BibTeX's year
    assert "  year = {" not in biblatex
    assert not list(tmp_path.glob(".*.part"))


def test_an_export_that_cannot_be_written_says_why_once(
    qtbot: QtBot, make_window: WindowFactory, sample: Path, tmp_path: Path
) -> None:
    window = make_window()
    _select_all(qtbot, window)
    target = tmp_path / "missing folder" / "refs.bib"
    with qtbot.waitSignal(window.citations.failed, timeout=WAIT_MS) as blocker:
        window.citations.export_to(target, "bibtex", None)
    (message,) = blocker.args
    assert "\n" not in message
    assert str(target) in message
    assert "No such file or directory" in message
    box = window.citations.error_box
    assert box is not None
    assert box.text() == message
    box.close()
    assert not target.parent.exists()


def test_edit_citekey_refuses_taken_and_invalid_keys_and_is_undoable(
    qtbot: QtBot, make_window: WindowFactory, sample: Path
) -> None:
    window = make_window()
    ids = _select_all(qtbot, window)
    keys = window.library.citekeys(ids)
    first, second = ids[0], ids[1]
    window.paper_list.select_ids([first], first)
    window.citations.edit_citekey.trigger()
    dialog = window.citations.citekey_dialog
    assert dialog.textValue() == keys[first]

    for bad, says in ((keys[second].upper(), "taken"), ("two words", "citekey")):
        with qtbot.waitSignal(window.citations.failed, timeout=WAIT_MS) as blocker:
            window.citations.set_citekey(first, bad)
        assert says in blocker.args[0]
        assert "\n" not in blocker.args[0]
        assert window.citations.error_box is not None
        window.citations.error_box.close()
        settle(qtbot, window)
        assert window.library.citekeys([first])[first] == keys[first]

    dialog.setTextValue("mine2024")
    dialog.accept()
    qtbot.waitUntil(lambda: window.library.citekeys([first])[first] == "mine2024", timeout=WAIT_MS)
    settle(qtbot, window)
    assert "citekey" in window.menu_actions.undo.text()
    window.menu_actions.undo.trigger()
    qtbot.waitUntil(lambda: window.library.citekeys([first])[first] == keys[first], timeout=WAIT_MS)
    settle(qtbot, window)
    window.menu_actions.redo.trigger()
    qtbot.waitUntil(lambda: window.library.citekeys([first])[first] == "mine2024", timeout=WAIT_MS)


def test_about_names_the_styles_licence(make_window: WindowFactory, sample: Path) -> None:
    from ui.help import about_text

    window = make_window(show=False)
    text = about_text(window.library.path, Path("d"), Path("c"))
    assert "CC BY-SA 3.0" in text
    assert "citation-style-language/styles" in text


def test_copies_go_through_the_citation_cache_and_an_edit_is_never_copied_stale(
    qtbot: QtBot, make_window: WindowFactory, sample: Path
) -> None:
    from reader.cite import citation_records, format_citations
    from reader.library.citation_cache import CitationCache, cache_path
    from ui.paperedit import EditDetailsCommand

    window = make_window()
    ids = _select_all(qtbot, window)
    first = _copied(qtbot, window, window.citations.copy.trigger)
    with CitationCache(cache_path(window.library.path)) as cache:
        assert cache.count("apa/html") == len(ids)  # the copy kept what it rendered

    # An edit: the background fill renders the paper again, and the next copy has it.
    edited = ids[0]
    with qtbot.waitSignal(window.citations.cache.filled, timeout=WAIT_MS) as filled:
        assert window.edits.apply(
            EditDetailsCommand(edited, {"title": "Zebras Need Citations Too"})
        )
    assert filled.args == [1]
    second = _copied(qtbot, window, window.citations.copy.trigger)
    assert "Zebras Need Citations Too" in second
    assert second != first
    with Library(window.library.path, read_only=True) as library:
        records = citation_records(library, ids)
        expected = format_citations(records, "apa", html=True)
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.html() == "".join(f"<p>{e}</p>" for e in expected)


def test_papers_never_rendered_are_rendered_in_the_background_in_chunks(
    qtbot: QtBot, make_window: WindowFactory, sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.citecache
    from reader.cite import citation_records, format_citations
    from reader.library.citation_cache import CitationCache, cache_path

    monkeypatch.setattr(ui.citecache, "IDLE_MS", 50)
    monkeypatch.setattr(ui.citecache, "CHUNK", 4)
    monkeypatch.setattr(ui.citecache, "GATE", YieldGate())  # a user who never types
    window = make_window()
    filler = window.citations.cache
    stored: list[int] = []
    filler.filled.connect(stored.append)
    qtbot.waitUntil(lambda: bool(stored) and filler.pending == 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not filler._running, timeout=WAIT_MS)
    ids = _select_all(qtbot, window)
    assert sum(stored) == len(ids)
    assert stored[0] == 4  # in chunks
    with CitationCache(cache_path(window.library.path)) as cache:
        assert cache.count("apa/html") == len(ids)
    copied = _copied(qtbot, window, window.citations.copy.trigger)
    with Library(window.library.path, read_only=True) as library:
        expected = format_citations(citation_records(library, ids), "apa", html=True)
    assert QGuiApplication.clipboard().mimeData().html() == "".join(f"<p>{e}</p>" for e in expected)
    assert len(copied.split("\n\n")) == len(ids)


class _ImportWatch:
    """A finder that notes which thread asks for a module (and finds nothing itself)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.threads: list[str] = []

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> None:
        if fullname == self.name:
            self.threads.append(threading.current_thread().name)


def test_the_background_fill_renders_in_its_child_never_in_the_windows_process(
    qtbot: QtBot, make_window: WindowFactory, sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rendering on a thread of the window's process held its interpreter lock (60-160 ms
    gaps of the GUI thread at a million papers), and loading citeproc-py there was a 40-60
    ms stall: the filler's child does both, the window's process neither."""
    import ui.citecache

    monkeypatch.setattr(ui.citecache, "IDLE_MS", 50)
    monkeypatch.setattr(ui.citecache, "GATE", YieldGate())
    monkeypatch.delitem(sys.modules, "reader.cite.cached", raising=False)
    monkeypatch.delitem(sys.modules, "citeproc", raising=False)
    watch = _ImportWatch("reader.cite.cached")
    monkeypatch.setattr(sys, "meta_path", [watch, *sys.meta_path])
    window = make_window()
    filler = window.citations.cache
    stored: list[int] = []
    filler.filled.connect(stored.append)
    qtbot.waitUntil(
        lambda: bool(stored) and filler.pending == 0 and not filler._running, timeout=WAIT_MS
    )
    assert sum(stored) == window.model.rowCount()
    assert filler.child_pid is not None
    assert filler.child_pid != os.getpid()
    assert not watch.threads, "the window's process loaded the renderer"
    assert "citeproc" not in sys.modules


def test_the_window_ends_the_citation_child_when_it_closes(
    qtbot: QtBot, make_window: WindowFactory, sample: Path
) -> None:
    window = make_window()
    _select_all(qtbot, window)
    _copied(qtbot, window, window.citations.copy.trigger)  # the copy's entries: by the child
    pid = window.citations.cache.child_pid
    assert pid is not None
    window.close()
    assert not Path(f"/proc/{pid}").exists()


def test_the_background_fill_prunes_entries_of_keys_no_paper_has(
    qtbot: QtBot, make_window: WindowFactory, sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.citecache
    from reader.library.citation_cache import CachedEntry, CitationCache, cache_path

    with Library(sample) as library:
        paper_id = library.paper_ids()[0]
        old_key = library.citekeys([paper_id])[paper_id]
    with CitationCache(cache_path(sample)) as cache:
        entry = CachedEntry(b"0" * 16, "An entry rendered under a key edited away", "[]")
        assert cache.store("apa/html", [(old_key, entry), ("nobody2024gone", entry)])
    with Library(sample) as library:
        library.set_citekey(paper_id, "renamed2024")  # in another session, say
    monkeypatch.setattr(ui.citecache, "IDLE_MS", 50)
    window = make_window()
    filler = window.citations.cache
    stored: list[int] = []
    pruned: list[int] = []
    filler.filled.connect(stored.append)
    filler.pruned.connect(pruned.append)
    qtbot.waitUntil(
        lambda: bool(stored) and filler.pending == 0 and not filler.pruning, timeout=WAIT_MS
    )
    qtbot.waitUntil(lambda: not filler._running, timeout=WAIT_MS)
    with CitationCache(cache_path(sample)) as cache:
        held = cache.held_keys("apa/html")
    assert "renamed2024" in held  # rendered by the fill
    assert old_key.lower() not in held
    assert "nobody2024gone" not in held
    assert len(held) == window.model.rowCount()
    assert sum(pruned) == 2


def test_no_chunk_is_sent_while_the_user_types(
    qtbot: QtBot, make_window: WindowFactory, sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.citecache
    from reader.library.citation_cache import CitationCache, cache_path

    gate = YieldGate()
    monkeypatch.setattr(ui.citecache, "IDLE_MS", 50)
    monkeypatch.setattr(ui.citecache, "CHUNK", 3)
    monkeypatch.setattr(ui.citecache, "GATE", gate)
    window = make_window()
    filler = window.citations.cache
    stored: list[int] = []
    sent_busy: list[bool] = []  # for each job sent to the child: was the user active?
    submit = filler.process.submit

    def watched(*args: Any, **kwargs: Any) -> Any:
        sent_busy.append(gate.busy())
        return submit(*args, **kwargs)

    monkeypatch.setattr(filler.process, "submit", watched)

    def typed_after_the_first(count: int) -> None:
        if not stored:
            gate.note_input()  # the user presses a key as the first chunk comes back
        stored.append(count)

    filler.filled.connect(typed_after_the_first)
    # Until every row's entry came back: before the backlog is read, nothing is pending
    # and nothing runs either.
    qtbot.waitUntil(
        lambda: (
            sum(stored) == window.model.rowCount() and filler.pending == 0 and not filler._running
        ),
        timeout=WAIT_MS,
    )
    ids = _select_all(qtbot, window)
    assert stored[0] == 3
    assert len(stored) > 1
    assert len(sent_busy) > len(stored)
    assert not any(sent_busy)  # the chunk after the key waited until the user was quiet
    assert sum(stored) == len(ids)  # nothing lost or skipped
    with CitationCache(cache_path(window.library.path)) as cache:
        assert cache.count("apa/html") == len(ids)


def test_a_child_killed_mid_chunk_is_replaced_and_the_filling_goes_on(
    qtbot: QtBot, make_window: WindowFactory, lib_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.citecache
    from reader.library.citation_cache import CitationCache, cache_path

    with Library(lib_path) as library:
        fill_library(library, 240)
    monkeypatch.setattr(ui.citecache, "IDLE_MS", 50)
    monkeypatch.setattr(ui.citecache, "CHUNK", 60)  # six transactions of ten in the child
    monkeypatch.setattr(ui.citecache, "RETRY_MS", (50, 50, 50))
    monkeypatch.setattr(ui.citecache, "GATE", YieldGate())
    window = make_window()
    filler = window.citations.cache
    stored: list[int] = []
    filler.filled.connect(stored.append)
    where = cache_path(lib_path)

    def mid_chunk() -> bool:  # some of the chunk in the child is stored, not all of it
        if not (filler._sent and where.exists()):
            return False
        with CitationCache(where) as cache:
            held = cache.count("apa/html")
        return sum(stored) < held < sum(stored) + len(filler._sent)

    qtbot.waitUntil(mid_chunk, timeout=WAIT_MS)
    pid = filler.child_pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: filler.restarts == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: filler.pending == 0 and not filler._running, timeout=WAIT_MS)
    assert filler.child_pid not in (None, pid)
    with CitationCache(where) as cache:
        assert cache.count("apa/html") == window.model.rowCount() == 240
        assert cache._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
