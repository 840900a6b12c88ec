"""The three-way merge of a vault note: Papershelf's update, the user's edits, the last export.

``merge_note(base, ours, theirs)`` takes the note as Papershelf last rendered it
(``base``), as it renders it now (``ours``) and as the file holds it (``theirs``), all
with ``\\n`` line endings, and settles each part of the note on its own
(:mod:`reader.export.sections` names the parts):

- **front matter**, key by key (:mod:`reader.export.yamlmerge`): a key Papershelf writes
  takes Papershelf's new value when Papershelf changed it, else stays as the file has it;
  every other key, comment and blank line stays byte for byte where the user put it;
- **the body around the note section**, line by line (``merge3``, the merge of Bazaar
  and Breezy): the user's paragraphs stay, Papershelf's generated lines are updated;
  where both changed the same lines the user's lines are kept (``kept_edits``) — the
  generated part goes stale rather than anything the user typed being lost;
- **the note section**, as a whole: changed only in the library → the library's text;
  changed only in the vault → the vault's text stays and is to be pulled into the library
  (``pulled``); changed on both sides to different texts → ``conflict``, and nothing is
  merged at all: the file stays as the user left it.

A file that cannot be taken apart safely raises
:class:`~reader.export.sections.NoteFormatError`.
"""

from __future__ import annotations

from dataclasses import dataclass

from merge3 import Merge3

from reader.export.sections import NoteParts, note_from_section, split_note
from reader.export.yamlmerge import merge_front_matter


@dataclass(frozen=True, slots=True)
class Merged:
    """How one note settles; see the module docstring."""

    text: str
    """The file's new text (``\\n`` line endings); equal to ``theirs`` when nothing changes.
    On a conflict, ``theirs`` unchanged."""
    vault_note: str
    """The note as the vault's note section holds it (a library note's form)."""
    pulled: bool = False
    """The vault's note section changed and the library's did not: pull ``vault_note``."""
    conflict: bool = False
    """Both changed the note section, differently. Nothing is merged."""
    kept_edits: bool = False
    """A part Papershelf generates was edited in the vault and kept as the user left it."""


def merge_note(base: str, ours: str, theirs: str) -> Merged:
    """Merge ``ours`` into ``theirs`` against ``base``; see the module docstring."""
    mine = split_note(theirs)
    vault_note = note_from_section(mine.section)
    if ours == base:
        # Papershelf has nothing new: the file is the user's as it is. Only its note
        # section can have news for the library.
        return Merged(theirs, vault_note, pulled=mine.section != split_note(base).section)
    old = split_note(base)
    new = split_note(ours)
    if mine.section in (old.section, new.section):
        section = new.section
        pulled = False
    elif new.section == old.section:
        section = mine.section
        pulled = True
    else:
        return Merged(theirs, vault_note, conflict=True)
    front = _front(old, new, mine)
    before, kept_before = merge_lines(old.before, new.before, mine.before)
    after, kept_after = merge_lines(old.after, new.after, mine.after)
    text = NoteParts(front, before, section, after).join()
    return Merged(text, vault_note, pulled=pulled, kept_edits=kept_before or kept_after)


def _front(old: NoteParts, new: NoteParts, mine: NoteParts) -> str | None:
    if new.front_matter == old.front_matter:
        return mine.front_matter
    return merge_front_matter(old.front_matter or "", new.front_matter or "", mine.front_matter)


def merge_lines(base: str, ours: str, theirs: str) -> tuple[str, bool]:
    """Three-way merge of text by lines: ``(merged, whether a clash kept the user's lines)``.

    Changes on one side are taken; where both sides changed the same lines differently,
    the user's (``theirs``) are kept.
    """
    if ours in (base, theirs):
        return theirs, False
    if theirs == base:
        return ours, False
    b = base.splitlines(keepends=True)
    o = ours.splitlines(keepends=True)
    t = theirs.splitlines(keepends=True)
    out: list[str] = []
    kept = False
    for region in Merge3(b, o, t).merge_regions():
        kind, *bounds = region
        if kind == "unchanged":
            out.extend(b[bounds[0] : bounds[1]])
        elif kind in ("a", "same"):
            out.extend(o[bounds[0] : bounds[1]])
        elif kind == "b":
            out.extend(t[bounds[0] : bounds[1]])
        else:  # a conflict: base, ours and theirs bounds
            out.extend(t[bounds[4] : bounds[5]])
            kept = True
    return "".join(out), kept
