"""The library: one SQLite file holding papers, tags, digests and the user's notes.

:class:`Library` is a façade: each job lives in a module of its own, and the methods here
name them for the rest of Papershelf.

- :mod:`reader.library.connection` — opening the file, transactions, write permission;
- :mod:`reader.library.papers` — paper reads and queries (planned by
  :mod:`reader.library.search`);
- :mod:`reader.library.edits` — the user's fields (status, rating, note);
- :mod:`reader.library.tags` — tags;
- :mod:`reader.library.digest_log` — the import log;
- :mod:`reader.library.export_records` — what the Markdown export last wrote.

A :class:`Library` owns one connection and is used from one thread; every thread that needs
the library opens its own (the GUI thread reads, the import worker writes; WAL lets both
run at once). Every write runs in one ``BEGIN IMMEDIATE`` transaction and returns the
:class:`Changes` it made.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.library import digest_log, edits, export_records, papers, tags
from reader.library.connection import BUSY_TIMEOUT_MS, Connection, from_iso, now_utc, to_iso
from reader.library.edits import MAX_NOTE_CHARS
from reader.library.errors import LibraryError, PaperNotFoundError
from reader.library.model import (
    Changes,
    DigestRecord,
    Paper,
    PaperRow,
    SortKey,
    Status,
    TagCount,
    ViewCounts,
)
from reader.library.tags import MAX_TAG_LENGTH, clean_tag_name
from reader.query import PaperFilter

if TYPE_CHECKING:
    from reader.library.trash import TrashedPaper


def _ids(ids: int | Sequence[int]) -> list[int]:
    if isinstance(ids, int):
        return [ids]
    return list(ids)


class Library(Connection):
    """A Papershelf library file. Open with ``Library(path)``; close with :meth:`close`.

    ``before_migration(path, old_version, new_version)`` is called before the schema of an
    existing library is upgraded (the backup hook). With ``read_only`` the file is opened
    through SQLite's ``mode=ro``: it must exist and be current, and every write raises
    :class:`LibraryReadOnlyError`. Applications open libraries with
    :func:`reader.library.opening.open_library`, which adds backups and checks.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        before_migration: Callable[[Path, int, int], None] | None = None,
        read_only: bool = False,
        create: bool = True,
        create_folders: bool = True,
    ) -> None:
        super().__init__(
            path,
            before_migration=before_migration,
            read_only=read_only,
            create=create,
            create_folders=create_folders,
        )

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ reading papers

    def paper_ids(
        self,
        view: PaperFilter | None = None,
        sort: SortKey = SortKey.ADDED,
        *,
        descending: bool = True,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[int]:
        """Ids of the papers in ``view``, in display order (ids break ties).

        ``limit``/``offset`` fetch one page: a list can show its first rows at once and
        load the rest as it scrolls. Unknown values sort first ascending, last descending.
        A page costs about the same whatever the library's size (see
        :mod:`reader.library.search`).
        """
        return papers.paper_ids(self, view, sort, descending, limit, offset)

    def count(self, view: PaperFilter | None = None) -> int:
        """How many papers ``view`` holds (exact)."""
        return papers.count(self, view)

    def rows(self, ids: Sequence[int]) -> list[PaperRow]:
        """The list rows for ``ids``, in the order given; unknown ids are left out."""
        return papers.rows(self, ids)

    def paper(self, paper_id: int) -> Paper:
        """Everything about one paper. Raises :class:`PaperNotFoundError`."""
        found = self.papers_by_id([paper_id])
        if not found:
            raise PaperNotFoundError(f"there is no paper with id {paper_id}")
        return found[0]

    def papers_by_id(self, ids: Sequence[int], *, with_appearances: bool = True) -> list[Paper]:
        """Full papers for ``ids`` in the order given; unknown ids are left out."""
        return papers.papers_by_id(self, ids, with_appearances)

    def papers(
        self,
        view: PaperFilter | None = None,
        sort: SortKey = SortKey.ADDED,
        *,
        descending: bool = True,
    ) -> Iterator[Paper]:
        """Every paper in ``view`` with all its fields, streamed in batches."""
        ids = self.paper_ids(view, sort, descending=descending)
        for start in range(0, len(ids), 500):
            yield from self.papers_by_id(ids[start : start + 500])

    def view_counts(self) -> ViewCounts:
        """Counts for the sidebar in one query: per status, all papers, rated 4–5."""
        return papers.view_counts(self)

    def grouped_by(self, ids: Sequence[int], field: str) -> dict[Any, list[int]]:
        """The papers ``ids`` grouped by their current ``field`` (``"rating"``/``"status"``).

        What an undo needs to put back, read in SQL (a bulk edit of 100,000 papers reads
        no rows into Python objects).
        """
        return papers.grouped_by(self, ids, field)

    def compact_search_index(self, pages: int = 500) -> bool:
        """One bounded step of merging the words index into one segment (a few tens of
        ms; one transaction); ``True`` while there is more to merge. For the writer when
        it is idle: searches that ask the index about single papers get faster with
        each segment fewer (:func:`reader.library.words.compact`)."""
        from reader.library import words

        with self.transaction() as conn:
            return words.compact(conn, pages)

    def stats(self) -> dict[str, int]:
        """Row counts of the main tables (for ``check``, benchmarks and the About box)."""
        return papers.stats(self)

    def text_problems(self, paper_id: int) -> list[str]:
        """What of the paper's stored text is damaged (shown with U+FFFD), one phrase each;
        empty when nothing is. For a message beside the paper: "run check --repair"."""
        from reader.library import text_damage

        with self._translated():
            return text_damage.paper_problems(self._conn, paper_id)

    def _existing(self, ids: Iterable[int]) -> list[int]:
        return papers.existing(self, ids)

    # ------------------------------------------------------------------ the user's fields

    def set_status(self, ids: int | Sequence[int], status: Status | str) -> Changes:
        """Move papers to a reading status (inbox, queue, reading, read, archived)."""
        return edits.set_status(self, _ids(ids), status)

    def set_rating(self, ids: int | Sequence[int], stars: int) -> Changes:
        """Rate papers 1–5 stars; 0 clears the rating."""
        return edits.set_rating(self, _ids(ids), stars)

    def set_note(self, paper_id: int, text: str) -> Changes:
        """Replace a paper's Markdown note (an empty string clears it)."""
        return edits.set_note(self, paper_id, text)

    def mark_opened(self, paper_id: int) -> Changes:
        """Record that the user opened the paper now."""
        return edits.mark_opened(self, paper_id)

    def mark_not_interested(self, ids: int | Sequence[int]) -> Changes:
        """Record "not interested" (a negative signal for :mod:`reader.ranking`) and archive."""
        from reader.library import interest

        return interest.mark_not_interested(self, self._existing(_ids(ids)))

    def unmark_not_interested(self, ids: int | Sequence[int]) -> Changes:
        """Take back "not interested"; the status stays as it is (undo restores it)."""
        from reader.library import interest

        return interest.unmark_not_interested(self, _ids(ids))

    def set_citekey(self, paper_id: int, key: str) -> Changes:
        """Make ``key`` the paper's citation key. Raises :class:`LibraryUsageError` with a
        one-line message when it is not valid or another paper has it."""
        from reader.library import citekeys

        return citekeys.set_citekey(self, paper_id, key)

    def reset_citekey(self, paper_id: int) -> Changes:
        """Give the paper back the key the formula makes (undoes :meth:`set_citekey`)."""
        from reader.library import citekeys

        return citekeys.reset_citekey(self, paper_id)

    def citekeys(self, ids: Sequence[int]) -> dict[int, str]:
        """The citation key of each paper in ``ids`` (see :mod:`reader.library.citekeys`)."""
        from reader.library import citekeys

        return citekeys.keys_for(self, ids)

    # ------------------------------------------------------------------ the trash

    def trash_papers(self, ids: int | Sequence[int]) -> Changes:
        """Delete papers with undo: move them (every field, tags, appearances) to the trash."""
        from reader.library import trash

        return trash.trash_papers(self, ids)

    def restore_papers(self, ids: int | Sequence[int]) -> Changes:
        """Bring papers back from the trash as they were, with the ids they had."""
        from reader.library import trash

        return trash.restore_papers(self, ids)

    def trashed(self, *, limit: int | None = None) -> list[TrashedPaper]:
        """The papers in the trash, most recently trashed first."""
        from reader.library import trash

        return trash.trashed(self, limit=limit)

    def empty_trash(self, ids: Iterable[int] | None = None) -> Changes:
        """Delete papers in the trash for good (all, or those in ``ids``)."""
        from reader.library import trash

        return trash.empty_trash(self, ids)

    def digest_paper_ids(self, digest_id: int, *, only_there: bool = False) -> list[int]:
        """The library's papers that the digest ``digest_id`` listed, in its order
        (with ``only_there``, those no other digest lists)."""
        from reader.library import trash

        return trash.digest_paper_ids(self, digest_id, only_there=only_there)

    # ------------------------------------------------------------------ tags

    def tags(self) -> list[TagCount]:
        """Every tag with its paper count, by name."""
        return tags.tag_counts(self)

    def add_tags(self, ids: int | Sequence[int], names: Iterable[str]) -> Changes:
        """Tag papers; tags are created on first use (names are case-insensitively unique)."""
        return tags.add_tags(self, _ids(ids), names)

    def remove_tags(self, ids: int | Sequence[int], names: Iterable[str]) -> Changes:
        """Take tags off papers. The tag itself stays (with its remaining papers)."""
        return tags.remove_tags(self, _ids(ids), names)

    def set_tags(self, paper_id: int, names: Iterable[str]) -> Changes:
        """Make ``names`` exactly the paper's tags."""
        return tags.set_tags(self, paper_id, self.paper(paper_id).tags, names)

    def rename_tag(self, old: str, new: str) -> Changes:
        """Rename a tag; renaming onto another existing tag merges the two."""
        return tags.rename_tag(self, old, new)

    def merge_tags(self, sources: Iterable[str], target: str) -> Changes:
        """Fold every tag in ``sources`` into ``target`` (created if needed)."""
        return tags.merge_tags(self, sources, target)

    def delete_tag(self, name: str) -> Changes:
        """Delete a tag and take it off every paper. The papers stay."""
        return tags.delete_tag(self, name)

    # ------------------------------------------------------------------ the import log

    def digests(self, *, limit: int | None = None) -> list[DigestRecord]:
        """The import log, newest first."""
        return digest_log.digests(self, limit)

    def digest(self, digest_id: int) -> DigestRecord:
        """One row of the import log. Raises :class:`LibraryUsageError` if unknown."""
        return digest_log.digest(self, digest_id)

    def digest_by_sha256(self, sha256: str) -> DigestRecord | None:
        """The most recent import-log row for these exact bytes, if any."""
        return digest_log.digest_by_sha256(self, sha256)

    def digest_parser(self, digest_id: int) -> str | None:
        """The Papershelf version that read this import-log row (``None`` if unknown)."""
        return digest_log.digest_parser(self, digest_id)

    def known_sha256s(self) -> set[str]:
        """Hashes of every digest version already imported or failed (for folder scans)."""
        return digest_log.known_sha256s(self)

    # ------------------------------------------------------------------ export records

    def export_records(self, folder: str) -> dict[int, tuple[str, str]]:
        """What the Markdown export last wrote into ``folder``: paper id → (file name, sha256).

        Paper id 0 is the folder's index note.
        """
        return export_records.export_records(self, folder)

    def export_inputs(self, folder: str) -> dict[int, str]:
        """Fingerprints of what each note in ``folder`` was last made from (paper id → text)."""
        return export_records.export_inputs(self, folder)

    def remember_export_inputs(self, folder: str, inputs: dict[int, str]) -> None:
        """Record the fingerprints of notes that are now up to date in ``folder``."""
        export_records.remember_export_inputs(self, folder, inputs)

    def remember_exports(self, folder: str, notes: Iterable[tuple[int, str, str]]) -> None:
        """Record ``(paper id, file name, sha256)`` notes as just written into ``folder``."""
        export_records.remember_exports(self, folder, notes)


__all__ = [
    "BUSY_TIMEOUT_MS",
    "MAX_NOTE_CHARS",
    "MAX_TAG_LENGTH",
    "Library",
    "LibraryError",
    "clean_tag_name",
    "from_iso",
    "now_utc",
    "to_iso",
]
