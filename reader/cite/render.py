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
from collections.abc import Callable, Sequence
from functools import cmp_to_key
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
NUMBER_PLACEHOLDER = "\ue000"
"""Stands for the citation number in an entry rendered for any place in a list (a
private-use character, which no paper's text is trusted not to hold: see
:mod:`reader.cite.cached`)."""
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

    # An item's citation number is its place in the bibliography's keys, looked up with
    # ``list.index`` each time (quadratic: IEEE asks for every item's, several times). The
    # keys list only grows (``register`` appends) or is replaced (``sort``), so a position
    # table made for that list object at that length is the same answer.
    def number(self: Any) -> int | str:
        bibliography = self.bibliography
        if bibliography.__dict__.get("_papershelf_placeholder"):
            return NUMBER_PLACEHOLDER  # an entry rendered once for any place in a list
        keys = bibliography.keys
        table = bibliography.__dict__.get("_papershelf_numbers")
        if table is None or table[0] is not keys or table[1] != len(keys):
            positions: dict[str, int] = {}
            for place, key in enumerate(keys, 1):
                positions.setdefault(key, place)
            table = bibliography.__dict__["_papershelf_numbers"] = (keys, len(keys), positions)
        found = table[2].get(self.key)
        if found is None:
            return int(keys.index(self.key)) + 1  # raises ValueError, as citeproc-py does
        return int(found)

    CitationItem.number = property(number)
    # A locale option (``punctuation-in-quote`` and the like, asked at every quote) is a
    # fixed fact of the style's locales.
    get_locale_option = model.CitationStylesElement.get_locale_option

    def memo_locale_option(self: Any, name: str) -> Any:
        memo = self.__dict__.setdefault("_papershelf_locale_options", {})
        found = memo.get(name, _MISSING)
        if found is _MISSING:
            found = memo[name] = get_locale_option(self, name)
        return found

    model.CitationStylesElement.get_locale_option = memo_locale_option

    # ``<if type="…">``: the listed types, split and lower-cased once, not at every test.
    def memo_type(self: Any, item: Any) -> list[bool]:
        types = self.__dict__.get("_papershelf_types")
        if types is None:
            types = self.__dict__["_papershelf_types"] = [
                t.lower() for t in self.get("type").split()
            ]
        wanted = item.reference.type
        return [typ == wanted for typ in types]

    model.If._type = memo_type

    # The formatter (plain or HTML) is set on the style for each bibliography, so only
    # which object holds it (the style's root, or a locale's style) is remembered.
    def memo_formatter(self: Any) -> Any:
        holder = self.__dict__.get("_papershelf_formatter_holder")
        if holder is None:
            root = self.get_root()
            holder = root.style if isinstance(root, model.Locale) else root
            self.__dict__["_papershelf_formatter_holder"] = holder
        return holder.formatter

    model.CitationStylesElement.get_formatter = memo_formatter
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


def comparable(value: Any) -> tuple[Any, int | None] | None:
    """A sort key as citeproc-py's comparison sees it: lower-cased when it can be, and
    its integer value when it reads as one (two keys compare as numbers only if both do)."""
    if value is None:
        return None
    lower = getattr(value, "lower", None)
    if lower is not None:
        value = str(lower())
    try:
        return value, int(str(value))
    except ValueError:
        return value, None


def _tie(key: Any) -> Any:
    """What two keys share exactly when citeproc-py's comparison finds them equal."""
    if key is None:
        return None
    return ("n", key[1]) if key[1] is not None else ("v", key[0])


def _compare(left: Any, right: Any, descending: bool) -> int:
    if left is not None and right is not None:
        if left[1] is not None and right[1] is not None:
            a, b = left[1], right[1]
        else:
            a, b = left[0], right[0]
        result: int = (a > b) - (a < b)
        return -result if descending else result
    if left is not None:
        return -1
    if right is not None:
        return 1
    return 0


UNKNOWN: Any = object()
"""A sort key not computed yet (see :func:`sort_order`)."""


def sort_order(
    style: Any,
    count: int,
    compute: Callable[[int, list[int]], list[Any]],
    known: Sequence[Sequence[Any]] | None = None,
) -> list[int] | None:
    """The bibliography order of ``count`` items (their indices), or ``None`` when the style
    does not sort its bibliography: citeproc-py's own ``sort``, with the same comparison of
    the same keys, but each key computed only for items still tied on the keys before it
    (citeproc-py renders every sort macro for every item: APA's author, date and title
    macros, three extra renders per reference; ties after the first key are rare).

    ``compute(column, indices)`` gives the raw values of one key for those items;
    ``known[column][i]``, where given and not :data:`UNKNOWN`, is item ``i``'s value
    already in :func:`comparable` form (a cached one). Every value computed is written
    into ``known`` when it is given. A test compares the order with citeproc-py's.
    """
    keys = sort_keys_of(style)
    if keys is None or count < 2:
        return None
    descending = [k.get("sort", "ascending").lower() == "descending" for k in keys]
    columns: list[list[Any]] = (
        [list(c) for c in known] if known is not None else [[UNKNOWN] * count for _ in keys]
    )
    tied: list[list[int]] = [list(range(count))]
    for number, column in enumerate(columns):
        still: list[list[int]] = []
        for group in tied:
            missing = [i for i in group if column[i] is UNKNOWN]
            if missing:
                for i, value in zip(missing, compute(number, missing), strict=True):
                    column[i] = comparable(value)
            classes: dict[Any, list[int]] = {}
            for i in group:
                try:
                    classes.setdefault(_tie(column[i]), []).append(i)
                except TypeError:  # an unhashable key: compare all of them on
                    classes = {0: group}
                    break
            still.extend(g for g in classes.values() if len(g) > 1)
        tied = still
        if not tied:
            break
    if known is not None:
        for mine, theirs in zip(columns, known, strict=True):
            theirs[:] = mine  # type: ignore[index]

    def compare(a: int, b: int) -> int:
        # Keys never computed for an item are never reached: it differs from every other
        # item on an earlier key.
        for column, desc in zip(columns, descending, strict=True):
            result = _compare(column[a], column[b], desc)
            if result:
                return result
        return 0

    return sorted(range(count), key=cmp_to_key(compare))


def sort_keys_of(style: Any) -> list[Any] | None:
    """The ``cs:key`` elements of the style's bibliography sort (``None``: it has none)."""
    bibliography = style.root.bibliography
    sort = bibliography.find("cs:sort", bibliography.nsmap)
    if sort is None:
        return None
    return list(sort.findall("cs:key", sort.nsmap))


def key_values(style: Any, column: int, items: list[Any]) -> list[Any]:
    """The raw values of the style's sort key number ``column`` for registered ``items``."""
    keys = sort_keys_of(style)
    assert keys is not None
    return list(keys[column].sort_keys(items, style.root.bibliography.layout))


def sort_items(style: Any, items: list[Any]) -> list[Any]:
    """``items`` (registered citation items) in the style's bibliography order
    (:func:`sort_order`)."""
    order = sort_order(
        style, len(items), lambda c, group: key_values(style, c, [items[i] for i in group])
    )
    return list(items) if order is None else [items[i] for i in order]


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
        bib.items = sort_items(style, bib.items)
        bib.keys = [item.key for item in bib.items]
        texts = [str(entry) for entry in bib.bibliography()]
        keys = list(bib.keys)
    return [
        (by_lower.get(k, k), _NUMBER.sub(r"\1 ", " ".join(t.split())))
        for k, t in zip(keys, texts, strict=True)
    ]
