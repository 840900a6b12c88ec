"""Merging a note's front matter key by key, keeping the user's lines byte for byte.

The user's front matter is read with ruamel.yaml's round-trip loader (any YAML a vault
can hold: comments, anchors, block scalars, flow collections), which also says on which
line each top-level key starts. The merge then works on those lines, not on a re-dumped
document, so that every line the user wrote and Papershelf does not own stays exactly as
it was:

- a key Papershelf writes (one of its last or of its new front matter) that Papershelf
  changed since the last export is replaced by Papershelf's new lines, in place, keeping
  a comment at the end of its line; one it no longer writes is removed, unless the user
  changed it (then it is the user's);
- a key Papershelf did not change stays as the user has it, edits included;
- a new key of Papershelf's goes after the key it follows in Papershelf's order; one of
  Papershelf's keys the user deleted stays deleted while Papershelf's value is unchanged;
- every other key, comment and blank line is the user's and is kept as it is.

The result is read back and compared with what was meant; if the line-level merge could
not be proven right (exotic layouts), the document is merged through ruamel.yaml's
round-trip dumper instead, which keeps order and comments but may re-space a line.

Most front matter is a plain block mapping, one key per line at the left margin, and
ruamel.yaml's pure-Python round trip costs milliseconds a note: :mod:`reader.export.fastyaml`
merges those first, by the same rules, with libyaml checking every step; anything it is
not sure of comes here.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from reader.export import fastyaml
from reader.export.aliases import combine_aliases
from reader.export.sections import NoteFormatError

_Span = tuple[str, int, int]
"""A top-level key and the lines ``[start, end)`` of its value."""


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.width = 4096  # never fold a long line the user wrote on one line
    return yaml


def load_front_matter(text: str) -> CommentedMap:
    """The front matter as a round-trip mapping. Raises :class:`NoteFormatError` if it is not one."""
    try:
        data = _yaml().load(text) if text.strip() else CommentedMap()
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "it does not parse"
        raise NoteFormatError(f"its front matter is not valid YAML{where}: {problem}") from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise NoteFormatError(f"its front matter cannot be read: {exc}") from None
    if data is None:
        return CommentedMap()
    if not isinstance(data, CommentedMap):
        raise NoteFormatError("its front matter is not a list of properties (key: value)")
    return data


def _spans(text: str, data: CommentedMap) -> list[_Span]:
    lines = text.splitlines(keepends=True)
    starts = sorted((data.lc.key(key)[0], key) for key in data)
    spans: list[_Span] = []
    for n, (start, key) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        # Comments and blank lines at the end belong between keys: the user's, kept.
        while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
            end -= 1
        spans.append((str(key), start, end))
    return spans


def _same(a: object, b: object) -> bool:
    try:
        return bool(_plain(a) == _plain(b))
    except Exception:  # pragma: no cover - exotic YAML types that cannot compare
        return False


def _plain(value: object) -> object:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _eol_comment(data: CommentedMap, key: str) -> str:
    """The comment at the end of ``key``'s line (``# …``), or ``""``."""
    items = getattr(data, "ca", None)
    entry = items.items.get(key) if items is not None else None
    token = entry[2] if entry and len(entry) > 2 else None
    value = getattr(token, "value", "") or ""
    first = value.split("\n", 1)[0].strip()
    return first if first.startswith("#") else ""


def merge_front_matter(base: str, ours: str, theirs: str | None) -> str:
    """Merge Papershelf's new front matter ``ours`` into the user's ``theirs`` (see the module).

    ``theirs`` is ``None`` when the file has no front matter: then it gets ``ours``.
    Raises :class:`NoteFormatError` when the user's front matter is not valid YAML.
    """
    if theirs is None:
        return ours
    base, ours, theirs = combine_aliases(base, ours, theirs)
    fast = fastyaml.merge(base, ours, theirs)
    if fast is not None:
        return fast
    return _merge_round_trip(base, ours, theirs)


def _merge_round_trip(base: str, ours: str, theirs: str) -> str:
    """The merge through ruamel.yaml's round-trip loader, for any layout YAML allows."""
    mine = load_front_matter(theirs)
    old = load_front_matter(base)
    new = load_front_matter(ours)
    plan = _plan(old, new, mine)
    merged = _merge_lines(theirs, ours, mine, new, plan)
    if _proven(merged, mine, new, plan):
        return merged
    merged = _merge_dumped(mine, new, plan)
    if _proven(merged, mine, new, plan):
        return merged
    raise NoteFormatError("its front matter could not be merged safely")  # pragma: no cover


def _plan(old: CommentedMap, new: CommentedMap, mine: CommentedMap) -> dict[str, str]:
    """What becomes of each of Papershelf's keys: ``ours``, ``theirs`` or ``drop``."""
    plan: dict[str, str] = {}
    for key in [str(k) for k in [*new, *(k for k in old if k not in new)]]:
        changed = key not in old or key not in new or not _same(new[key], old[key])
        if key in mine:
            if key not in new:
                plan[key] = "drop" if _same(mine[key], old[key]) else "theirs"
            elif changed and not _same(mine[key], new[key]):
                plan[key] = "ours"
            else:
                plan[key] = "theirs"
        elif key in new and changed:
            plan[key] = "ours"  # new, or changed: (re-)added
        else:
            plan[key] = "theirs"  # deleted by the user, unchanged by Papershelf: stays deleted
    return plan


def _merge_lines(
    theirs: str, ours: str, mine: CommentedMap, new: CommentedMap, plan: dict[str, str]
) -> str:
    lines = theirs.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    our_lines = ours.splitlines(keepends=True)
    our_chunks = {key: our_lines[start:end] for key, start, end in _spans(ours, new)}
    order = [str(k) for k in new]
    missing = [k for k in order if k not in mine and plan.get(k) == "ours"]
    after: dict[str | None, list[str]] = {}
    for key in missing:
        index = order.index(key)
        anchor = next((k for k in reversed(order[:index]) if k in mine), None)
        after.setdefault(anchor, []).append(key)
    out: list[str] = [line for key in after.get(None, []) for line in our_chunks[key]]
    position = 0
    for key, start, end in _spans(theirs, mine):
        out.extend(lines[position:start])
        position = end
        action = plan.get(key, "theirs")
        if action == "ours":
            chunk = list(our_chunks[key])
            comment = _eol_comment(mine, key)
            if comment and len(chunk) == 1:
                chunk[0] = chunk[0].rstrip("\n") + "  " + comment + "\n"
            out.extend(chunk)
        elif action == "theirs":
            out.extend(lines[start:end])
        for added in after.get(key, []):
            out.extend(our_chunks[added])
    out.extend(lines[position:])
    return "".join(out)


def _merge_dumped(mine: CommentedMap, new: CommentedMap, plan: dict[str, str]) -> str:
    data = mine
    for key, action in plan.items():
        if action == "drop":
            del data[key]
        elif action == "ours":
            if key in data:
                data[key] = new[key]
            else:
                data.insert(len(data), key, new[key])
    stream = io.StringIO()
    _yaml().dump(data, stream)
    return stream.getvalue()


def _proven(merged: str, mine: CommentedMap, new: CommentedMap, plan: dict[str, str]) -> bool:
    """Whether ``merged`` reads back as meant: the user's values, and Papershelf's where planned."""
    try:
        result = load_front_matter(merged)
    except NoteFormatError:
        return False
    expected: dict[str, Any] = {}
    for key in mine:
        action = plan.get(str(key), "theirs")
        if action == "theirs":
            expected[str(key)] = mine[key]
        elif action == "ours":
            expected[str(key)] = new[key]
    for key, action in plan.items():
        if action == "ours":
            expected[key] = new[key]
    if {str(k) for k in result} != set(expected):
        return False
    return all(_same(result[k], v) for k, v in expected.items())
