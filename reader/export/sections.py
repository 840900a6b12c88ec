"""The parts of a note file: front matter, the body around the note section, the note section.

A note Papershelf writes looks like this (the default template, ``note.md.j2``)::

    ---
    title: "…"                 ← front matter: Papershelf's keys, and any keys you add
    papershelf_id: 12
    ---
    # Title                    ← the body: Papershelf's generated sections, and any
    …                             paragraphs you add above, between or below them
    ## Notes

    <!-- papershelf:note -->   ← the note section: the paper's note, which both
    Your words.                   Papershelf and the vault write
    <!-- /papershelf:note -->

The two marker lines are what both sides find the note section by, so every template must
print them (``{{ note_section }}`` does). Between them is the note exactly as written
(Windows line endings read as line breaks), followed by one line break. The section starts at the first begin marker on a line of its
own and ends at the last end marker on a line of its own, so a note that quotes a marker
does not cut itself short.

:func:`split_note` takes a file's text (any line endings, with or without a BOM) apart;
a file it cannot take apart safely raises :class:`NoteFormatError` with the reason, and is
then left alone by the export.
"""

from __future__ import annotations

from dataclasses import dataclass

BEGIN = "<!-- papershelf:note -->"
END = "<!-- /papershelf:note -->"
BOM = "\ufeff"
_FENCE = "---"


class NoteFormatError(Exception):
    """A note file that cannot be taken apart safely; ``str()`` says why, for people."""


@dataclass(frozen=True, slots=True)
class NoteParts:
    """One note's text in parts, line endings normalised to ``\\n``.

    ``front_matter`` is the YAML between the ``---`` lines (without them), ``None`` when
    the file has none. ``before`` and ``after`` are the body around the note section,
    marker lines excluded; ``section`` is what is between the markers.
    """

    front_matter: str | None
    before: str
    section: str
    after: str

    def join(self) -> str:
        """The note's text again (``\\n`` line endings, no BOM)."""
        head = "" if self.front_matter is None else f"{_FENCE}\n{self.front_matter}{_FENCE}\n"
        return f"{head}{self.before}{BEGIN}\n{self.section}{END}\n{self.after}"


def section_text(note: str) -> str:
    """What the note section holds for the library note ``note``: the note and one line
    break (nothing for an empty note), so that :func:`note_from_section` gives it back."""
    note = note.replace("\r\n", "\n").replace("\r", "\n")
    return note + "\n" if note else ""


def note_from_section(section: str) -> str:
    """The library note for a note section's text: its final line break dropped."""
    return section.removesuffix("\n")


def note_section(note: str) -> str:
    """The note section, both marker lines included, as a template prints it."""
    return f"{BEGIN}\n{section_text(note)}{END}"


@dataclass(frozen=True, slots=True)
class FileText:
    """A note file decoded: its text with ``\\n`` line endings, and how to write it back."""

    text: str
    bom: bool
    crlf: bool

    def encode(self, text: str) -> bytes:
        """``text`` (``\\n`` line endings) in this file's conventions: BOM, CRLF, UTF-8."""
        if self.crlf:
            text = text.replace("\n", "\r\n")
        return ((BOM if self.bom else "") + text).encode("utf-8")


def decode_file(data: bytes) -> FileText:
    """A note file's bytes as text. Raises :class:`NoteFormatError` if it is not UTF-8 text.

    Windows line endings are read as line breaks and written back as they were; a file
    mixing both kinds is written back with the kind most of its lines use.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NoteFormatError(f"not UTF-8 text (byte {exc.start + 1})") from None
    if "\x00" in text:
        raise NoteFormatError("not a text file (it holds NUL characters)")
    bom = text.startswith(BOM)
    text = text.removeprefix(BOM)
    crlf_count = text.count("\r\n")
    crlf = crlf_count > 0 and crlf_count * 2 >= text.count("\n")
    text = text.replace("\r\n", "\n")
    return FileText(text, bom, crlf)


def split_front_matter(text: str) -> tuple[str | None, str]:
    """``(front matter without its --- lines, the rest)``; ``None`` when there is none.

    Raises :class:`NoteFormatError` for a file that opens front matter and never closes it.
    """
    if not (text.startswith(_FENCE + "\n") or text == _FENCE):
        return None, text
    start = len(_FENCE) + 1
    if text.startswith(_FENCE + "\n", start):  # empty front matter
        return "", text[start + len(_FENCE) + 1 :]
    position = start
    while True:
        end = text.find("\n" + _FENCE, position - 1)
        if end < 0:
            raise NoteFormatError("its front matter has no closing --- line")
        after = end + 1 + len(_FENCE)
        if after == len(text) or text[after] == "\n":
            return text[start : end + 1], text[after + 1 :]
        position = after


def split_note(text: str) -> NoteParts:
    """Take a note's text (``\\n`` line endings) apart; see the module docstring."""
    front, body = split_front_matter(text)
    parts = body.split("\n")  # only \n ends a line here (not U+2028, U+0085…)
    lines = [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    begin = next((i for i, line in enumerate(lines) if line.rstrip("\n") == BEGIN), None)
    end = next(
        (i for i in range(len(lines) - 1, -1, -1) if lines[i].rstrip("\n") == END),
        None,
    )
    if begin is None or end is None or end < begin:
        raise NoteFormatError(
            f"its note section is missing (the lines {BEGIN} and {END} were removed)"
        )
    section = "".join(lines[begin + 1 : end])
    if section and not section.endswith("\n"):  # pragma: no cover - lines end in \n
        section += "\n"
    return NoteParts(front, "".join(lines[:begin]), section, "".join(lines[end + 1 :]))
