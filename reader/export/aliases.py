"""The ``aliases`` property, shared: the user's aliases kept, Papershelf's one entry kept up to date.

Papershelf writes ``aliases: ["@citekey"]`` (what Obsidian's Pandoc and Citations plugins
look a paper up by), and users keep aliases of their own in the same list. So ``aliases``
is not one of Papershelf's keys like the others: Papershelf owns one *entry* of it.

:func:`combine_aliases` runs before the front-matter merge. When the user's front matter
has an ``aliases`` list, Papershelf's entry in it is updated in place (the citekey
changed), added at the end (it is new, or the user removed it and the citekey changed
since), or removed (the paper has no citekey any more); every other entry, its quoting,
its comment and its line stay byte for byte as the user wrote them. The key is then taken
out of Papershelf's side of the merge, so the merge keeps the user's list as it now is.
A list the edit cannot be proven right for (exotic layouts) goes through ruamel.yaml's
round trip instead; an ``aliases`` that is not a list is handled like any other key.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

import yaml
from ruamel.yaml.comments import CommentedSeq

from reader.export.sections import NoteFormatError

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

_KEY = "aliases"
_LINE = re.compile(r"^aliases[ \t]*:", re.MULTILINE)
_EMPTY = re.compile(r"^(aliases[ \t]*:[ \t]*)\[[ \t]*\]", re.MULTILINE)


def combine_aliases(base: str, ours: str, theirs: str) -> tuple[str, str, str]:
    """``(base, ours, theirs)`` to merge, with the user's aliases combined (see the module)."""
    if _LINE.search(theirs) is None:
        return base, ours, theirs
    try:
        mine_data = _load(theirs)
        old, new = _entry(_load(base)), _entry(_load(ours))
    except yaml.YAMLError:
        return base, ours, theirs  # the merge reports it
    if not isinstance(mine_data, dict) or not isinstance(mine_data.get(_KEY), list):
        return base, ours, theirs
    mine: list[Any] = mine_data[_KEY]
    change: tuple[str, int, Any] | None = None
    if old is not None and old in mine:
        at = mine.index(old)
        if new is None:
            change = ("remove", at, None)
        elif new != old:
            change = ("update", at, new)
    elif new is not None and new != old and new not in mine:
        change = ("append", len(mine), new)
    if change is not None:
        edited = _edit(theirs, mine_data, change)
        if edited is None:
            return base, ours, theirs
        theirs = edited
    return _without_key(base), _without_key(ours), theirs


def _load(text: str) -> object:
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader


def _entry(data: object) -> str | None:
    """Papershelf's entry in its own front matter (``@citekey``), if it wrote one."""
    if isinstance(data, dict):
        value = data.get(_KEY)
        if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
            return value[0]
    return None


def _without_key(text: str) -> str:
    """Papershelf's front matter without its ``aliases`` lines (one key per line, by its emitter)."""
    out: list[str] = []
    skipping = False
    for line in text.splitlines(keepends=True):
        if _LINE.match(line):
            skipping = True
            continue
        if skipping and line[:1] in (" ", "\t", "-"):
            continue
        skipping = False
        out.append(line)
    return "".join(out)


def _edit(theirs: str, data: dict[str, Any], change: tuple[str, int, Any]) -> str | None:
    """``theirs`` with one entry of its aliases changed, proven by reading it back."""
    from reader.export.yamlmerge import _yaml, load_front_matter

    action, at, value = change
    combined = list(data[_KEY])
    if action == "remove":
        del combined[at]
    elif action == "update":
        combined[at] = value
    else:
        combined.append(value)
    expected = dict(data, aliases=combined)
    try:
        round_trip = load_front_matter(theirs)
    except NoteFormatError:
        return None
    seq = round_trip.get(_KEY)
    edited = None
    if isinstance(seq, CommentedSeq) and seq:
        edited = _edit_lines(theirs.splitlines(keepends=True), seq, change)
    elif action == "append":  # an empty flow list: ``aliases: []``
        edited = _EMPTY.sub(lambda m: f"{m.group(1)}[{json.dumps(value)}]", theirs, count=1)
    if edited is not None and _reads_as(edited, expected):
        return edited
    round_trip[_KEY] = combined
    stream = io.StringIO()
    _yaml().dump(round_trip, stream)
    dumped = stream.getvalue()
    return dumped if _reads_as(dumped, expected) else None


def _reads_as(text: str, expected: dict[str, Any]) -> bool:
    try:
        return bool(_load(text) == expected)
    except yaml.YAMLError:
        return False


def _edit_lines(lines: list[str], seq: CommentedSeq, change: tuple[str, int, Any]) -> str | None:
    """Change only Papershelf's entry in the user's lines, a flow ``[…]`` or a block list."""
    action, at, value = change
    token = json.dumps(value, ensure_ascii=False)
    flow = seq.fa.flow_style()
    if action == "update":
        return _replace_token(lines, seq, at, token)
    if action == "remove":
        if flow:
            return _replace_token(lines, seq, at, None)
        line, _ = seq.lc.item(at)
        return "".join(lines[:line] + lines[line + 1 :])
    line, col = seq.lc.item(len(seq) - 1)
    if flow:
        end = _token_end(lines[line], col)
        if end is None:
            return None
        lines[line] = f"{lines[line][:end]}, {token}{lines[line][end:]}"
        return "".join(lines)
    first_line, first_col = seq.lc.item(0)
    dash = lines[first_line][:first_col]
    prefix = dash if dash.strip() == "-" else " " * max(first_col - 2, 0) + "- "
    lines.insert(line + 1, f"{prefix}{token}\n")
    return "".join(lines)


def _replace_token(
    lines: list[str], seq: CommentedSeq, index: int, token: str | None
) -> str | None:
    line, col = seq.lc.item(index)
    text = lines[line]
    end = _token_end(text, col)
    if end is None:
        return None
    if token is not None:
        lines[line] = text[:col] + token + text[end:]
        return "".join(lines)
    before, after = text[:col].rstrip(), text[end:].lstrip()
    if after.startswith(","):
        lines[line] = text[:col] + after[1:].lstrip()
    elif before.endswith(","):
        lines[line] = before[:-1] + text[end:]
    else:
        lines[line] = text[:col] + text[end:]
    return "".join(lines)


def _token_end(line: str, col: int) -> int | None:
    """Where the scalar starting at ``col`` ends: quoted (Papershelf's entry) or plain."""
    quote = line[col : col + 1]
    if quote not in ('"', "'"):
        match = re.compile(r"[^,\]\}#\n]*").match(line, col)
        return None if match is None else col + len(match.group().rstrip())
    at = col + 1
    while at < len(line):
        char = line[at]
        if quote == '"' and char == "\\":
            at += 2
            continue
        if char == quote:
            if quote == "'" and line[at + 1 : at + 2] == "'":
                at += 2
                continue
            return at + 1
        at += 1
    return None
