"""Writing many notes with one wait for the disk: stage them all, sync once, move them in.

An export writes hundreds of notes; flushing each one to disk before moving it into place
(:func:`reader.export.files.write_note`) waits for the disk once per note, which is most
of an export's time on a real disk. A :class:`WriteBatch` keeps the same guarantees with
one wait per batch:

1. :meth:`WriteBatch.stage` writes a note's new bytes into a temporary file beside it
   (hidden, locked while its writer lives, see :mod:`reader.export.files`) and keeps the
   file open. The note itself is untouched.
2. :meth:`WriteBatch.commit` flushes every staged temporary to disk together
   (:func:`reader.durable.sync_descriptors`), then moves each into place (``os.replace``,
   or a no-clobber hard link for a new note), then flushes the folders' entries once.
3. A replaced note's old version keeps a second name until then
   (:func:`reader.export.files.keep_old_version`), removed by a thread of the batch's own
   while the export goes on: freeing a file's blocks costs milliseconds on a disk that
   trims them at once, a wait the export need not make per note. :meth:`WriteBatch.finish`
   waits for it (the end of an export).

A crash or a kill at any moment leaves each note either as it was or as it was staged,
never half written: a temporary is moved into place only after its bytes are on disk.
The caller remembers what it wrote (the library's records) only after :meth:`commit`
returned, when the renames are on disk too. A note the user changed between the export
reading it and the commit is not replaced (:class:`ChangedMeanwhile`).
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from reader.durable import sync_descriptors, sync_path
from reader.export import files

BATCH_FILES = 256
"""At most this many notes are staged (open temporaries) before the export commits them."""


class ChangedMeanwhile(Exception):
    """The note changed on disk after the export read it: not replaced."""


@dataclass(slots=True)
class StagedWrite:
    """One note staged in a :class:`WriteBatch`, and after the commit what became of it."""

    name: str
    """The note's path below the folder (``/``-separated)."""
    target: Path
    replace: bool
    expect: tuple[int, int] | None
    """The note's (size, mtime_ns) when the export read it; ``None`` for a new note."""
    fd: int
    temp: Path
    error: Exception | None = None
    """After the commit: why the note was not written (``OSError``, ``FileExistsError``
    for a new note whose name was taken meanwhile, :class:`ChangedMeanwhile`)."""
    info: os.stat_result | None = None
    """After a successful commit: the note file as written."""

    @property
    def done(self) -> bool:
        """Whether the note is on disk with its new bytes."""
        return self.info is not None


class WriteBatch:
    """Notes of one folder staged together and made durable with one wait (see the module)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._writes: list[StagedWrite] = []
        self._freeing: threading.Thread | None = None

    def __len__(self) -> int:
        return len(self._writes)

    def stage(
        self, name: str, data: bytes, *, replace: bool, expect: tuple[int, int] | None = None
    ) -> StagedWrite:
        """Write ``data`` into a temporary beside ``folder/name``; moved in by :meth:`commit`.

        Raises ``OSError`` (naming the note, not the temporary) when the bytes cannot be
        written, the disk being full for instance; nothing is staged then.
        """
        target = self.folder / name
        fd, temp = files.new_temp(target.parent)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        except OSError as exc:
            os.close(fd)
            temp.unlink(missing_ok=True)
            raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from None
        staged = StagedWrite(name, target, replace, expect, fd, temp)
        self._writes.append(staged)
        return staged

    def commit(self) -> list[StagedWrite]:
        """Flush, move into place and flush the folders: every staged note, with its result."""
        writes, self._writes = self._writes, []
        if not writes:
            return []
        moved: set[Path] = set()
        old_versions: list[Path] = []
        try:
            errors = sync_descriptors([w.fd for w in writes])
            for write, error in zip(writes, errors, strict=True):
                if error is not None:
                    write.error = OSError(error.errno, error.strerror, str(write.target))
                    continue
                try:
                    old = self._move(write)
                except (ChangedMeanwhile, FileExistsError) as exc:
                    write.error = exc
                except OSError as exc:
                    write.error = OSError(exc.errno, exc.strerror or str(exc), str(write.target))
                else:
                    moved.add(write.target.parent)
                    if old is not None:
                        old_versions.append(old)
        except BaseException:
            self._free_later(old_versions)
            raise
        finally:
            for write in writes:
                with contextlib.suppress(OSError):
                    os.close(write.fd)
                with contextlib.suppress(OSError):
                    write.temp.unlink(missing_ok=True)
        for folder in moved:
            sync_path(folder)
        self._free_later(old_versions)
        for write in writes:
            if write.error is None:
                try:
                    write.info = os.lstat(write.target)
                except OSError as exc:  # pragma: no cover - removed right after the move
                    write.error = exc
        return writes

    def finish(self) -> None:
        """Wait until the old versions of the notes replaced so far are removed."""
        if self._freeing is not None:
            self._freeing.join()
            self._freeing = None

    def _free_later(self, old_versions: list[Path]) -> None:
        self.finish()  # the previous commit's first: one thread at a time
        if old_versions:
            self._freeing = threading.Thread(
                target=_remove_all, args=(old_versions,), name="papershelf-old-notes"
            )
            self._freeing.start()

    def discard(self) -> None:
        """Forget every staged note, leaving the notes as they are (temporaries removed)."""
        writes, self._writes = self._writes, []
        for write in writes:
            with contextlib.suppress(OSError):
                os.close(write.fd)
            with contextlib.suppress(OSError):
                write.temp.unlink(missing_ok=True)

    @staticmethod
    def _move(write: StagedWrite) -> Path | None:
        """Move the note into place; the second name its old version keeps, if any."""
        # Moved while still open, so still locked: a cleaner never takes it for stale.
        if not write.replace:
            files.move_no_clobber(write.temp, write.target)
            return None
        if write.expect is not None:
            try:
                now = os.lstat(write.target)
            except FileNotFoundError:
                raise ChangedMeanwhile(write.target) from None
            if (now.st_size, now.st_mtime_ns) != write.expect:
                raise ChangedMeanwhile(write.target)
        old = files.keep_old_version(write.target)
        try:
            write.temp.replace(write.target)
        except BaseException:
            if old is not None:
                with contextlib.suppress(OSError):
                    old.unlink()
            raise
        return old


def _remove_all(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()
