"""A note's YAML front matter: the paper's properties, emitted so that any text is safe.

Strings are always written as double-quoted scalars with every character YAML could read
differently escaped (quotes, backslashes, line breaks including U+0085/U+2028/U+2029, and
characters YAML does not allow unescaped). A title such as ``- "Yes": #1`` therefore
stays a string, on one line, whatever it holds. Lone surrogates (from a broken JSON or
e-mail) are not characters and no strict YAML parser accepts them, even escaped: a pair is
joined into the character it encodes, a lone one becomes U+FFFD. Dates are written bare (``2025-04-09``) so
vaults see them as dates; numbers and lists as YAML numbers and block lists.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from urllib.parse import quote

from reader.export.markdown import valid_doi, web_url
from reader.library.model import Paper

_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CHECKED_KEYS: set[str] = set()
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]')
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SHORT_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
}


def yaml_string(text: str) -> str:
    """``text`` as a double-quoted YAML scalar (also valid JSON) that reads back unchanged.

    Only lone surrogates do not read back: they become U+FFFD (see the module docstring).
    """
    if _SURROGATE.search(text):
        text = without_surrogates(text)
    return '"' + _NEEDS_ESCAPE.sub(_escape, text) + '"'


def without_surrogates(text: str) -> str:
    """``text`` with surrogate pairs joined and lone surrogates replaced by U+FFFD."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    short = _SHORT_ESCAPES.get(ch)
    if short is not None:
        return short
    return f"\\u{ord(ch):04x}"


def yaml_scalar(value: object) -> str:
    """One property value as YAML: ``null``, ``true``, ``3``, ``2025-04-09`` or a quoted string."""
    kind = type(value)
    if kind is str:
        return yaml_string(value)  # type: ignore[arg-type]
    if kind is int:
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return yaml_string(str(value))


def front_matter(properties: Mapping[str, object]) -> str:
    """The front-matter block, ``---`` lines included, ending in a newline.

    Keys must be plain identifiers; sequences become block lists (``[]`` when empty).
    """
    lines = ["---"]
    for key, value in properties.items():
        if key not in _CHECKED_KEYS:
            if not _KEY.match(key):
                raise ValueError(f"not a plain property name: {key!r}")
            _CHECKED_KEYS.add(key)
        if type(value) is list or type(value) is tuple:
            if not value:
                lines.append(f"{key}: []")
                continue
            lines.append(f"{key}:")
            lines.extend(f"  - {yaml_scalar(item)}" for item in value)
        else:
            lines.append(f"{key}: {yaml_scalar(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def vault_tag(name: str) -> str | None:
    """A Papershelf tag as an Obsidian tag, or ``None`` when nothing usable is left.

    Whitespace becomes ``-``; ``#``, punctuation and symbols are dropped; letters (any
    script), digits, ``_``, ``-`` and ``/`` (nesting) stay; a tag of digits only gets a
    leading ``_`` (``2024`` → ``_2024``), since a vault tag needs a non-digit.
    """
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", name).strip():
        if ch.isspace():
            out.append("-")
        elif ch in "_-/" or unicodedata.category(ch)[0] in "LNM":
            out.append(ch)
    tag = re.sub(r"-{2,}", "-", "".join(out))
    tag = "/".join(part for part in tag.split("/") if part.strip("-"))
    if not tag:
        return None
    if all(ch.isdigit() or ch == "/" for ch in tag):
        tag = "_" + tag
    return tag


def vault_tags(names: Iterable[str]) -> list[str]:
    """Every tag as a vault tag, without empties and case-insensitive duplicates."""
    seen: set[str] = set()
    tags: list[str] = []
    for name in names:
        tag = vault_tag(name)
        if tag is not None and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags


def source_url(paper: Paper) -> str:
    """Where to read the paper: its arXiv page, else a Hugging Face papers search for its title."""
    if paper.arxiv_id:
        return f"https://arxiv.org/abs/{quote(paper.arxiv_id, safe='./')}"
    return f"https://huggingface.co/papers?q={quote(' '.join(paper.title.split()), safe='')}"


def digest_dates(paper: Paper) -> list[date]:
    """The dates of the digests the paper appeared in, oldest first, without repeats."""
    return sorted({a.digest_date for a in paper.appearances if a.digest_date is not None})


def note_properties(paper: Paper) -> dict[str, object]:
    """The front-matter properties of a paper's note, in the order they are written.

    Nothing here depends on the clock or the time zone (``first_seen`` is the UTC date),
    so the same paper always gives the same note and unchanged notes are not rewritten.
    """
    props: dict[str, object] = {
        "title": paper.title,
        "papershelf_id": paper.id,
        "published": paper.published,
    }
    if paper.citekey:  # what Obsidian's Pandoc / Citations plugins look a paper up by
        props["citekey"] = paper.citekey
        props["aliases"] = [f"@{paper.citekey}"]
    if paper.authors_count is not None:
        props["authors"] = paper.authors_count
    if paper.organization:
        props["organization"] = paper.organization
    props.update(
        status=paper.status.value,
        rating=paper.rating,
        tags=vault_tags(paper.tags),
        digests=digest_dates(paper),
        first_seen=paper.first_seen.date(),
        source=source_url(paper),
    )
    if paper.arxiv_id:
        props["arxiv"] = paper.arxiv_id
    # What the richer formats (arXiv e-mails and feeds, Hugging Face JSON) carry. "authors"
    # stays the count it has always been; the names get a key of their own.
    if paper.authors:
        props["author_names"] = list(paper.authors)
    if paper.categories:
        props["categories"] = list(paper.categories)
    if paper.journal:
        props["journal"] = paper.journal
    # Only values that validate: a vault shows URL properties as links.
    doi = valid_doi(paper.doi)
    if doi:
        props["doi"] = doi
    url = web_url(paper.url)
    if url and url != props["source"]:
        props["url"] = url
    if paper.upvotes is not None:
        props["upvotes"] = paper.upvotes
    return props
