"""Hugging Face papers JSON: the ``/api/daily_papers`` list and the ``/api/papers/{id}`` object.

The daily list (see ``tests/digests/samples/hf-daily-papers-2025-04-10.json``)::

    [{"paper": {"id": "2504.07053", "title": "TASTE: …", "summary": "…",
                "authors": [{"name": "Liang-Hsuan Tseng", …}, …],
                "publishedAt": "2025-04-09T17:14:33.000Z", "upvotes": 31,
                "organization": {"name": "yandex", "fullname": "Yandex"},   (optional)
                "githubRepo": "…", "ai_keywords": […], …},
      "publishedAt": "2025-04-10T01:23:41.771Z",     (when it was put on the daily list)
      "title": "…", "summary": "…", "numComments": 2, …}, …]

A single paper (``/api/papers/2504.06261``) is the ``paper`` object on its own. The page's
own JSON (``{"dailyPapers": [...]}``, which :mod:`~reader.digests.hf_html` finds in a
saved page) has the same items. The paper id is the arXiv id; ``numComments`` is the
page's comment count, as in the text capture.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from reader.digests.dates import iso_date
from reader.digests.errors import DigestFormatError, UnknownFormatError
from reader.digests.model import Digest, Entry
from reader.keys import normalise_arxiv_id

NAME = "hf-papers-json"
LABEL = "Hugging Face papers JSON"

_KEYS = re.compile(
    r'"(paper|title|summary|publishedAt|upvotes|authors|numComments|dailyPapers)"\s*:'
)
_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)?(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")
_MAX_COUNT = 10**9
_MAX_DIGITS = 100


def sniff(text: str) -> bool:
    """Whether ``text`` is a papers JSON document (also when it is cut short or broken)."""
    stripped = text.lstrip("\ufeff \t\n")
    if not stripped.startswith(("[", "{")):
        return False
    try:
        data = json.loads(stripped)
    except (ValueError, RecursionError):
        # Broken JSON is still claimed when it plainly is a papers document, so that the
        # parse can say where it breaks.
        return len(set(_KEYS.findall(stripped[:8192]))) >= 3
    return _items(data) is not None


def parse(text: str, captured_at: datetime) -> Digest:
    """Parse a daily-papers list or a single paper object."""
    data = load_json(text)
    items = _items(data)
    if items is None:
        raise UnknownFormatError(
            "this JSON is not a Hugging Face papers list or paper (no 'paper' objects, no "
            "paper 'id' and 'title')"
        )
    return digest_from_items(items, captured_at, format_name=NAME)


def load_json(text: str) -> Any:
    """``json.loads`` with every failure a :class:`DigestFormatError` naming the line."""
    try:
        return json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise DigestFormatError(f"the JSON is not valid: {exc.msg}", line=exc.lineno) from None
    except RecursionError:
        raise DigestFormatError("the JSON is nested too deeply to be a papers list") from None
    except ValueError:
        pass  # an integer of thousands of digits, which Python refuses to convert
    try:
        return json.loads(text.lstrip("\ufeff"), parse_int=_integer)
    except (ValueError, RecursionError):
        raise DigestFormatError("the JSON could not be read") from None


def _integer(digits: str) -> int | None:
    """A JSON integer, or ``None`` for one too long to be any field's value (no count, year
    or page has thousands of digits): that field is then read as missing."""
    return int(digits) if len(digits) <= _MAX_DIGITS else None


def digest_from_items(
    items: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]],
    captured_at: datetime,
    *,
    format_name: str,
    digest_date: date | None = None,
) -> Digest:
    """A digest of ``(item, paper)`` pairs; items without a title are skipped with a warning."""
    entries: list[Entry] = []
    warnings: list[str] = []
    for position, (item, paper) in enumerate(items, start=1):
        entry = paper_entry(item, paper)
        if entry is None:
            warnings.append(f"paper {position} of the list has no title and was skipped")
        else:
            entries.append(entry)
    if not entries:
        raise DigestFormatError("the JSON lists no papers with a title")
    return Digest(
        format=format_name,
        entries=tuple(entries),
        date=digest_date or _list_date(items),
        captured_at=captured_at,
        warnings=tuple(warnings),
    )


def daily_items(data: Any) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]] | None:
    """The ``(item, paper)`` pairs of a daily-papers list, or ``None`` when ``data`` is none."""
    if isinstance(data, Mapping) and isinstance(data.get("dailyPapers"), list):
        data = data["dailyPapers"]
    if not isinstance(data, list) or not data:
        return None
    # Items that are no paper stay in the list (as empty objects): they are reported by
    # their place in it.
    pairs: list[tuple[Mapping[str, Any], Mapping[str, Any]]] = []
    for item in data:
        wrapper = item if isinstance(item, Mapping) else {}
        paper = wrapper.get("paper")
        pairs.append((wrapper, paper if isinstance(paper, Mapping) else {}))
    return pairs if any(_is_paper(paper) for _, paper in pairs) else None


def _is_paper(data: Mapping[str, Any]) -> bool:
    """Whether ``data`` looks like a paper object: an id, a title and some of the usual fields."""
    return (
        isinstance(data.get("id"), str)
        and isinstance(data.get("title"), str)
        and any(key in data for key in ("summary", "authors", "upvotes", "publishedAt"))
    )


def paper_entry(item: Mapping[str, Any], paper: Mapping[str, Any]) -> Entry | None:
    """One paper as an entry. ``item`` is the daily-list wrapper (``{}`` for a lone paper)."""
    title = _text(paper, "title") or _text(item, "title")
    if not title:
        return None
    raw_id = _text(paper, "id")
    arxiv_id = normalise_arxiv_id(raw_id) if _ID.match(raw_id) else None
    names = paper.get("authors")
    authors = (
        [
            " ".join(author["name"].split())
            for author in names
            if isinstance(author, Mapping) and isinstance(author.get("name"), str)
        ]
        if isinstance(names, list)
        else []
    )
    authors = [name for name in authors if name]
    organization = paper.get("organization") or item.get("organization")
    org_name = org_handle = None
    if isinstance(organization, Mapping):
        org_handle = _text(organization, "name") or None
        org_name = _text(organization, "fullname") or org_handle
        org_handle = org_handle or org_name
    return Entry(
        title=title,
        abstract=_text(paper, "summary") or _text(item, "summary"),
        authors_count=len(authors) if isinstance(names, list) and authors else None,
        organization=org_name,
        organization_handle=org_handle,
        published=iso_date(_raw(paper, "publishedAt")),
        comments=_count(item, "numComments") if item else _count(paper, "numComments"),
        arxiv_id=arxiv_id,
        authors=tuple(authors),
        upvotes=_count(paper, "upvotes") if "upvotes" in paper else _count(item, "upvotes"),
        url=f"https://huggingface.co/papers/{raw_id}" if arxiv_id else None,
    )


def _items(data: Any) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]] | None:
    pairs = daily_items(data)
    if pairs is not None:
        return pairs
    if isinstance(data, Mapping) and _is_paper(data):
        return [({}, data)]
    return None


def _list_date(items: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]]) -> date | None:
    """The day most papers were put on the daily list."""
    days = Counter(
        day
        for item, paper in items
        if (
            day := iso_date(_raw(item, "publishedAt") if item else "")
            or iso_date(_raw(paper, "submittedOnDailyAt"))
        )
        is not None
    )
    return days.most_common(1)[0][0] if days else None


def _raw(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _text(data: Mapping[str, Any], key: str) -> str:
    """A string field with its runs of whitespace (arXiv's line wraps) collapsed."""
    return " ".join(_raw(data, key).split())


def _count(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < _MAX_COUNT:
        return None
    return value
