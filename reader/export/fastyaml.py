"""The quick front-matter merge: block mappings one key per line, checked by libyaml.

The same rules as :mod:`reader.export.yamlmerge`, for the front matter nearly every note
has: a block mapping whose top-level keys each start a line at the left margin. Keys are
found by their lines; "changed" means the key's lines changed, which is exact for
Papershelf's own front matter (its emitter always writes a value the same way) and errs
on the user's side for theirs (a key they re-spaced counts as theirs). Every document is
also parsed by libyaml (PyYAML's C loader, a hundred times faster than a pure-Python
parser): the keys it finds must be the keys the lines say, and the merged result must read
back as meant. When anything does not check out, :func:`merge` returns ``None`` and the
round-trip merge decides.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from reader.export.sections import NoteFormatError

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

_KEY_LINE = re.compile(
    r"""(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\n]|'')*)'|([^\s#\-?:'"{}\[\]!&*|>%@`,][^:#\n]*?))[ \t]*:(?:[ \t]|$)"""
)
_Chunks = dict[str, tuple[int, int]]


def _scan(lines: list[str]) -> list[tuple[str, int, int]] | None:
    """The top-level keys and the lines ``[start, end)`` of their values, or ``None`` if unsure."""
    starts: list[tuple[int, str]] = []
    for number, line in enumerate(lines):
        if not line.strip() or line[0] in " \t#":
            continue
        if line[0] == "-" and (len(line) == 1 or line[1] in " \t\n"):
            continue  # an item of a sequence at the margin (under the key above)
        match = _KEY_LINE.match(line)
        if match is None:
            return None
        double, single, plain = match.groups()
        if double is not None:
            if "\\" in double:
                return None
            key = double
        elif single is not None:
            key = single.replace("''", "'")
        else:
            key = plain.rstrip()
        starts.append((number, key))
    spans = []
    for index, (start, key) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(lines)
        while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
            end -= 1
        spans.append((key, start, end))
    return spans


def _load(text: str) -> dict[Any, Any] | None:
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        return None
    except (ValueError, TypeError, RecursionError):
        return None
    if data is None:
        return {}
    return data if isinstance(data, dict) else None


class _Doc:
    """One front matter: its lines, its keys' spans and its values (checked to agree)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)
        if self.lines and not self.lines[-1].endswith("\n"):
            self.lines[-1] += "\n"
        spans = _scan(self.lines)
        self.values = _load(text)
        self.ok = spans is not None and self.values is not None
        self.spans = spans or []
        if self.ok and self.values is not None:
            keys = [k for k, _, _ in self.spans]
            if len(set(keys)) != len(keys):
                duplicate = next(k for k in keys if keys.count(k) > 1)
                raise NoteFormatError(f"its front matter is not valid YAML: {duplicate!r} twice")
            self.ok = [str(k) for k in self.values] == keys and all(
                isinstance(k, str) for k in self.values
            )
        self.chunks: _Chunks = {k: (a, b) for k, a, b in self.spans}

    def text_of(self, key: str) -> str:
        start, end = self.chunks[key]
        return "".join(self.lines[start:end])

    def lines_of(self, key: str) -> list[str]:
        start, end = self.chunks[key]
        return self.lines[start:end]


def _comment(line: str) -> str:
    """A comment at the end of a one-line ``key: value`` line, found outside quotes."""
    quote = ""
    for index, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and index > 0 and line[index - 1] in " \t":
            return line[index:].rstrip("\n")
    return ""


def merge(base: str, ours: str, theirs: str) -> str | None:
    """The merged front matter, or ``None`` when this merge is not sure (see the module).

    Raises :class:`NoteFormatError` when ``theirs`` repeats a key.
    """
    mine = _Doc(theirs)
    old = _Doc(base)
    new = _Doc(ours)
    if not (mine.ok and old.ok and new.ok):
        return None
    plan: dict[str, str] = {}
    for key in [*new.chunks, *(k for k in old.chunks if k not in new.chunks)]:
        changed = (
            key not in old.chunks or key not in new.chunks or old.text_of(key) != new.text_of(key)
        )
        if key in mine.chunks:
            if key not in new.chunks:
                plan[key] = "drop" if mine.text_of(key) == old.text_of(key) else "theirs"
            elif changed and mine.text_of(key) != new.text_of(key):
                plan[key] = "ours"
            else:
                plan[key] = "theirs"
        else:
            plan[key] = "ours" if key in new.chunks and changed else "theirs"
    order = list(new.chunks)
    after: dict[str | None, list[str]] = {}
    for key in order:
        if key not in mine.chunks and plan[key] == "ours":
            index = order.index(key)
            anchor = next((k for k in reversed(order[:index]) if k in mine.chunks), None)
            after.setdefault(anchor, []).append(key)
    out = [line for key in after.get(None, []) for line in new.lines_of(key)]
    position = 0
    for key, start, end in mine.spans:
        out.extend(mine.lines[position:start])
        position = end
        action = plan.get(key, "theirs")
        if action == "ours":
            chunk = list(new.lines_of(key))
            comment = _comment(mine.lines[start]) if end - start == 1 else ""
            if comment and len(chunk) == 1:
                chunk[0] = chunk[0].rstrip("\n") + "  " + comment + "\n"
            out.extend(chunk)
        elif action == "theirs":
            out.extend(mine.lines[start:end])
        for added in after.get(key, []):
            out.extend(new.lines_of(added))
    out.extend(mine.lines[position:])
    merged = "".join(out)
    result = _load(merged)
    if result is None or mine.values is None or new.values is None:
        return None
    expected: dict[Any, Any] = {}
    for key in mine.values:
        action = plan.get(key, "theirs")
        if action == "theirs":
            expected[key] = mine.values[key]
        elif action == "ours":
            expected[key] = new.values[key]
    for key, action in plan.items():
        if action == "ours":
            expected[key] = new.values[key]
    return merged if result == expected else None
