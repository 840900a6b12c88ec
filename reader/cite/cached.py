"""Formatted citations through the citation cache: citeproc-py's entries, rendered once.

citeproc-py renders a bibliography entry from the entry's own item alone: in a
bibliography there is no position (first, subsequent, ibid), and citeproc-py adds no
year suffixes or names for disambiguation. The one thing that depends on the other items
is the citation number (IEEE's ``[3]``), and the order, which comes from the style's sort
keys, each also computed from one item. So each entry is rendered once, with
:data:`~reader.cite.render.NUMBER_PLACEHOLDER` where its number goes, and kept with the
sort keys computed for it (:mod:`reader.library.citation_cache`); a list of entries is
then sorted by those keys, exactly as citeproc-py sorts, and numbered. Tests compare the
result with citeproc-py's own rendering of the whole list, byte for byte, for every
bundled style, in both outputs, over generated papers.

An entry is reused only while its **digest** is the same: a hash of the CSL item as
citeproc-py sees it (every field), the style file, citeproc-py's version and the output
format. Any edit to a paper changes its item, and so its digest, and the entry is
rendered again: a cached entry is never stale. Items holding the placeholder character
themselves are rendered the slow way, uncached.
"""

from __future__ import annotations

import hashlib
import json
import threading
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from citeproc import Citation, CitationItem, CitationStylesBibliography
from citeproc import formatter as formatters
from citeproc.source.json import CiteProcJSON

from reader.cite import render as _render
from reader.cite.render import NUMBER_PLACEHOLDER, UNKNOWN, comparable
from reader.library.citation_cache import CachedEntry, CitationCache

RENDER_VERSION = 1
"""Part of every digest: bumped whenever what is stored for an entry changes."""

_tokens: dict[tuple[Path, bool], bytes] = {}
_tokens_lock = threading.Lock()


def _token(style_path: Path, html: bool) -> bytes:
    """What every digest of a style and output starts from: the style file's bytes,
    citeproc-py's version, the output and :data:`RENDER_VERSION`."""
    with _tokens_lock:
        found = _tokens.get((style_path, html))
        if found is None:
            h = hashlib.blake2b(style_path.read_bytes(), digest_size=16)
            h.update(f"|{metadata.version('citeproc-py')}|{html}|{RENDER_VERSION}".encode())
            found = _tokens[(style_path, html)] = h.digest()
        return found


def cache_style(style_id: str, html: bool) -> str:
    """The name a style's entries are stored under (``apa/html``)."""
    return f"{style_id}/{'html' if html else 'plain'}"


@dataclass(slots=True)
class _Item:
    key: str  # the id as given
    known: dict[str, Any]  # the fields citeproc-py is given
    digest: bytes
    text: str | None = None  # None: not rendered yet
    sort_keys: list[Any] = field(default_factory=list)
    changed: bool = False


def _encode_keys(values: list[Any]) -> str:
    out: list[Any] = []
    for value in values:
        if value is None:
            out.append(None)
        elif (
            value is not UNKNOWN
            and isinstance(value, tuple)
            and len(value) == 2
            and isinstance(value[0], str)
            and (value[1] is None or type(value[1]) is int)
        ):
            out.append([value[0], value[1]])
        else:
            out.append("?")  # not computed, or not kept: computed again when needed
    return json.dumps(out, ensure_ascii=False)


def _decode_keys(text: str, columns: int) -> list[Any] | None:
    try:
        raw = json.loads(text)
    except ValueError:
        return None
    if not isinstance(raw, list) or len(raw) != columns:
        return None
    out: list[Any] = []
    for value in raw:
        if value is None:
            out.append(None)
        elif isinstance(value, list) and len(value) == 2 and isinstance(value[0], str):
            out.append((value[0], value[1]))
        else:
            out.append(UNKNOWN)
    return out


@dataclass(slots=True)
class _Batch:
    items: list[_Item]
    style: Any
    columns: int
    store: str


def _prepare(
    items: Sequence[dict[str, Any]],
    style_path: Path,
    style_id: str,
    cache: CitationCache,
    html: bool,
) -> _Batch | None:
    """The distinct items with what the cache holds for them (``None``: an item holds the
    placeholder character, so the batch cannot go through the cache)."""
    # citeproc-py keeps one reference per id (ignoring case: the last item's fields) at
    # the place where the id first appears.
    first: dict[str, str] = {}
    data: dict[str, dict[str, Any]] = {}
    for item in items:
        key = str(item["id"])
        first.setdefault(key.lower(), key)
        data[key.lower()] = item
    token = _token(style_path, html)
    prepared: list[_Item] = []
    for lower, key in first.items():
        known = {k: v for k, v in data[lower].items() if k not in _render._UNKNOWN_TO_CITEPROC}
        text = json.dumps(known, sort_keys=True, ensure_ascii=False, default=str)
        if NUMBER_PLACEHOLDER in text:
            return None
        digest = hashlib.blake2b(text.encode(), key=token, digest_size=16).digest()
        prepared.append(_Item(key, known, digest))
    store = cache_style(style_id, html)
    stored = cache.entries(store, first)
    style = _render._style(style_path)
    columns = len(_render.sort_keys_of(style) or ())
    for entry in prepared:
        hit = stored.get(entry.key.lower())
        keys = _decode_keys(hit.sort_keys, columns) if hit is not None else None
        if hit is not None and hit.digest == entry.digest and keys is not None:
            entry.text, entry.sort_keys = hit.text, keys
        else:
            entry.sort_keys = [UNKNOWN] * columns
    return _Batch(prepared, style, columns, store)


def _keep(cache: CitationCache, batch: _Batch) -> int:
    rows = [
        (i.key, CachedEntry(i.digest, i.text, _encode_keys(i.sort_keys)))
        for i in batch.items
        if i.changed and i.text is not None
    ]
    cache.store(batch.store, rows)
    return len(rows)


def render_cached(
    items: Sequence[dict[str, Any]],
    style_path: Path,
    style_id: str,
    cache: CitationCache,
    *,
    html: bool = False,
    keep: bool = True,
) -> list[str]:
    """The bibliography entries of ``items`` in the style, exactly as
    :func:`reader.cite.render.render` gives them, rendering only the items whose entries
    ``cache`` does not hold (or holds for other fields); those are stored for next time
    unless ``keep`` is false."""
    if not items:
        return []
    batch = _prepare(items, style_path, style_id, cache, html)
    if batch is None:
        return _render.render(items, style_path, html=html)
    with _rendering(batch, html) as renderer:
        order = renderer.sort()
    if keep:
        _keep(cache, batch)
    out = []
    for place, index in enumerate(order, 1):
        text = batch.items[index].text
        if text:
            text = text.replace(NUMBER_PLACEHOLDER, str(place))
            out.append(_render._NUMBER.sub(r"\1 ", text))
    return out


def fill(
    items: Sequence[dict[str, Any]],
    style_path: Path,
    style_id: str,
    cache: CitationCache,
    *,
    html: bool = False,
) -> int:
    """Render and store what the cache lacks for ``items``: the entry and every sort key
    (the background work after imports and edits, so that a copy is a lookup). Returns
    how many entries were stored."""
    batch = _prepare(items, style_path, style_id, cache, html)
    if batch is None:
        return 0
    with _rendering(batch, html) as renderer:
        for column in range(batch.columns):
            group = [i for i, item in enumerate(batch.items) if item.sort_keys[column] is UNKNOWN]
            if group:
                values = renderer.compute(column, group)
                for i, value in zip(group, values, strict=True):
                    batch.items[i].sort_keys[column] = comparable(value)
    return _keep(cache, batch)


@contextmanager
def _rendering(batch: _Batch, html: bool) -> Iterator[_Renderer]:
    """citeproc-py at work on ``batch``: the style lock held, its warnings silenced, and
    the entries the cache lacks already rendered."""
    with _render._lock, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        renderer = _Renderer(batch, html)
        renderer.render_missing()
        yield renderer


class _Renderer:
    """citeproc-py's work for a batch, with the style lock held: the entries and sort keys
    the cache lacks, each item registered with citeproc-py only when it is needed."""

    def __init__(self, batch: _Batch, html: bool) -> None:
        self.batch = batch
        self.formatter = formatters.html if html else formatters.plain
        self.citeproc: dict[int, Any] = {}  # index → registered citation item
        self.bib: Any = None

    def registered(self, indices: list[int]) -> list[Any]:
        """The citation items of ``indices``, registered now if they were not."""
        items = self.batch.items
        new = [i for i in indices if i not in self.citeproc]
        if new:
            source = CiteProcJSON([items[i].known for i in new])
            if self.bib is None:
                self.bib = CitationStylesBibliography(self.batch.style, source, self.formatter)
                self.bib._papershelf_placeholder = True
            else:
                for reference in source.values():
                    self.bib.source.add(reference)
            for i in new:
                cite = CitationItem(items[i].key)
                self.bib.register(Citation([cite]))
                self.citeproc[i] = cite
        return [self.citeproc[i] for i in indices]

    def render_missing(self) -> None:
        """Render the entries not cached, the number as the placeholder."""
        missing = [i for i, item in enumerate(self.batch.items) if item.text is None]
        if not missing:
            return
        style = self.batch.style
        for i, cite in zip(missing, self.registered(missing), strict=True):
            entries = style.render_bibliography([cite])
            item = self.batch.items[i]
            item.text = " ".join(str(entries[0]).split()) if entries else ""
            item.changed = True

    def compute(self, column: int, group: list[int]) -> list[Any]:
        """The raw values of sort key ``column`` for the items ``group``."""
        for i in group:
            self.batch.items[i].changed = True
        return _render.key_values(self.batch.style, column, self.registered(group))

    def sort(self) -> list[int]:
        """The items' bibliography order (indices), computing the sort keys needed."""
        items, columns = self.batch.items, self.batch.columns
        known = [[item.sort_keys[c] for item in items] for c in range(columns)]
        order = _render.sort_order(self.batch.style, len(items), self.compute, known)
        for c in range(columns):
            for item, value in zip(items, known[c], strict=True):
                item.sort_keys[c] = value
        return list(range(len(items))) if order is None else order
