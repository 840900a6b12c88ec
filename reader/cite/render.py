"""Rendering CSL-JSON items with citeproc-py, fast enough to copy a thousand at once.

citeproc-py looks up every locale term (``and``, ``accessed``, quotation marks) and every
macro of the style with an XPath query each time a reference uses one: 60 queries per
reference, two thirds of the time it takes. The style and its locale never change while
they are loaded, so :func:`_memoise_lookups` answers repeated lookups from a dictionary
kept on the (long-lived) locale and style elements. The answers are the same elements
citeproc-py would have found; nothing else about its rendering changes.

Parsed styles are kept for the life of the process, one per file.
"""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as formatters
from citeproc import model
from citeproc.source.json import CiteProcJSON

_styles: dict[Path, Any] = {}
_lock = threading.Lock()
_MISSING = object()
# ``citation-key`` and ``keyword`` are unknown to citeproc-py (it warns); ``number``
# (``arXiv:2411.13560``) it prints as "No. ArXiv:…" where citeproc-js prints the id, and the
# DOI already names the preprint.
_UNKNOWN_TO_CITEPROC = frozenset({"citation-key", "keyword", "number"})
_NUMBER = re.compile(r"^(\[\d+\])(?=\S)")


def _memoise_lookups() -> None:
    locale_term = model.Locale.get_term
    style_macro = model.CitationStylesElement.get_macro
    if getattr(locale_term, "_papershelf", False):
        return

    def get_term(self: Any, name: str, form: str | None = None, zero_padded: bool = False) -> Any:
        cache = self.__dict__.setdefault("_papershelf_terms", {})
        key = (name, form, zero_padded)
        found = cache.get(key, _MISSING)
        if found is _MISSING:
            try:
                found = locale_term(self, name, form, zero_padded)
            except IndexError:
                found = None
            cache[key] = found
        if found is None:
            raise IndexError(name)
        return found

    def get_macro(self: Any, name: str) -> Any:
        cache = self.get_root().__dict__.setdefault("_papershelf_macros", {})
        found = cache.get(name)
        if found is None:
            found = cache[name] = style_macro(self, name)
        return found

    get_term._papershelf = True  # type: ignore[attr-defined]
    model.Locale.get_term = get_term
    model.CitationStylesElement.get_macro = get_macro


def _style(path: Path) -> Any:
    with _lock:
        parsed = _styles.get(path)
        if parsed is None:
            _memoise_lookups()
            with path.open("rb") as source:
                parsed = _styles[path] = CitationStylesStyle(source, validate=False)
        return parsed


def render(items: Sequence[dict[str, Any]], style_path: Path, *, html: bool = False) -> list[str]:
    """The bibliography entries of ``items`` in the style at ``style_path``, in the order
    the style sorts its bibliography (by author for APA and Chicago, as given for IEEE).

    Returns ``(citekey, text)`` pairs flattened into ``"text"`` strings in that order; use
    :func:`render_keyed` to know which entry is which.
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
        bib = CitationStylesBibliography(style, source, formatters.html if html else formatters.plain)
        for item in items:
            bib.register(Citation([CitationItem(str(item["id"]))]))
        bib.sort()
        texts = [str(entry) for entry in bib.bibliography()]
        keys = list(bib.keys)
    return [
        (by_lower.get(k, k), _NUMBER.sub(r"\1 ", " ".join(t.split())))
        for k, t in zip(keys, texts, strict=True)
    ]
