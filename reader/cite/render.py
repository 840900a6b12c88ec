"""Rendering CSL-JSON items with citeproc-py, as fast as it will go.

citeproc-py answers the same static questions about the style over and over for every
reference: XPath queries for locale terms, macros, inherited options and the enclosing
layout (some 90 per reference), each element's root, the reference a cited item stands
for, and, recursively, whether a group's children call a variable. A loaded style never changes, so :func:`_memoise` keeps each answer on the
element that was asked. That only works because every element of the style and its
locales is kept alive while the style is loaded (lxml otherwise hands out a fresh Python
object, with an empty memo, each time an element is reached); the answers are the very
elements and values citeproc-py would have computed, and nothing else about its
rendering changes (a test renders every bundled style both ways and compares). It halves
the time (APA: 5.5 → 2.5 ms of CPU per reference); the rest is citeproc-py interpreting
the style, several thousand Python calls per APA reference (``bench/cite.py``).

Parsed styles are kept for the life of the process, one per file.
"""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, model
from citeproc import formatter as formatters
from citeproc.source.json import CiteProcJSON

_styles: dict[Path, Any] = {}
_lock = threading.Lock()
_MISSING = object()
# ``citation-key`` and ``keyword`` are unknown to citeproc-py (it warns); ``number``
# (``arXiv:2411.13560``) it prints as "No. ArXiv:…" where citeproc-js prints the id, and the
# DOI already names the preprint.
_UNKNOWN_TO_CITEPROC = frozenset({"citation-key", "keyword", "number"})
_NUMBER = re.compile(r"^(\[\d+\])(?=\S)")


def _memoise() -> None:
    """Memoise citeproc-py's static lookups on the elements asked (see the module doc)."""
    if getattr(model.CitationStylesElement.xpath_search, "_papershelf", False):
        return
    xpath_search = model.CitationStylesElement.xpath_search

    def memo_xpath(self: Any, expression: str) -> Any:
        memo = self.__dict__.setdefault("_papershelf_xpath", {})
        found = memo.get(expression, _MISSING)
        if found is _MISSING:
            found = memo[expression] = xpath_search(self, expression)
        return found

    def memo_root(self: Any) -> Any:
        found = self.__dict__.get("_papershelf_root")
        if found is None:
            found = self.__dict__["_papershelf_root"] = self.getroottree().getroot()
        return found

    memo_xpath._papershelf = True  # type: ignore[attr-defined]
    model.CitationStylesElement.xpath_search = memo_xpath
    model.CitationStylesElement.get_root = memo_root

    # The reference a cited item stands for: looked up through three properties each time
    # (some 300 times per APA reference), the same object for the whole render.
    def reference(self: Any) -> Any:
        found = self.__dict__.get("_papershelf_reference")
        if found is None:
            found = self.__dict__["_papershelf_reference"] = self.bibliography.source[self.key]
        return found

    CitationItem.reference = property(reference)
    for cls in vars(model).values():
        if isinstance(cls, type) and "calls_variable" in vars(cls):
            cls.calls_variable = _memoised_calls_variable(vars(cls)["calls_variable"])  # type: ignore[attr-defined]


def _memoised_calls_variable(calls_variable: Any) -> Any:
    def memo(self: Any) -> Any:
        found = self.__dict__.get("_papershelf_calls", _MISSING)
        if found is _MISSING:
            found = self.__dict__["_papershelf_calls"] = calls_variable(self)
        return found

    return memo


def _style(path: Path) -> Any:
    with _lock:
        parsed = _styles.get(path)
        if parsed is None:
            _memoise()
            with path.open("rb") as source:
                parsed = CitationStylesStyle(source, validate=False)
            # Every element alive for as long as the style: the memos live on them.
            kept = list(parsed.root.iter())
            for locale in parsed.root.locales:
                kept.extend(locale.getroottree().getroot().iter())
            parsed._papershelf_elements = kept
            _styles[path] = parsed
        return parsed


def render(items: Sequence[dict[str, Any]], style_path: Path, *, html: bool = False) -> list[str]:
    """The bibliography entries of ``items`` in the style at ``style_path``, in the order
    the style sorts its bibliography (by author for APA and Chicago, as given for IEEE);
    :func:`render_keyed` says which entry is which item's.
    """
    return [text for _, text in render_keyed(items, style_path, html=html)]


def render_keyed(
    items: Sequence[dict[str, Any]], style_path: Path, *, html: bool = False
) -> list[tuple[str, str]]:
    """Like :func:`render`, each entry paired with its item's ``id``."""
    if not items:
        return []
    by_lower = {str(item["id"]).lower(): str(item["id"]) for item in items}
    with _lock:
        # citeproc-py's style objects are not safe to share between threads mid-render.
        style = _styles.get(style_path)
    if style is None:
        style = _style(style_path)
    known = [{k: v for k, v in item.items() if k not in _UNKNOWN_TO_CITEPROC} for item in items]
    with _lock, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        source = CiteProcJSON(known)
        bib = CitationStylesBibliography(
            style, source, formatters.html if html else formatters.plain
        )
        for item in items:
            bib.register(Citation([CitationItem(str(item["id"]))]))
        bib.sort()
        texts = [str(entry) for entry in bib.bibliography()]
        keys = list(bib.keys)
    return [
        (by_lower.get(k, k), _NUMBER.sub(r"\1 ", " ".join(t.split())))
        for k, t in zip(keys, texts, strict=True)
    ]
