"""Feed text in a Markdown note: escaped so it reads as text, and links only where they are safe.

Titles, author names and abstracts come from feeds and e-mails, which anyone can write. In
a note they must stay text: a title ``[click](javascript:…)`` must not become a link, an
abstract line ``# x`` must not become a heading, ``<!-- … -->`` must not hide the rest of
the note (or fake the note section's markers). :func:`escape_text` backslash-escapes every
character that could start Markdown, HTML or an Obsidian construct, which CommonMark allows
for any ASCII punctuation, so the text renders exactly as it was written.

Links are emitted only for addresses that validate: :func:`web_url` accepts ``http`` and
``https`` with a host and no user name (``https://google.com@evil.example`` passes for
Google), writes an internationalised host in punycode (``xn--…``, so ``аpple.com`` in
Cyrillic cannot pass for ``apple.com``) and percent-encodes whatever could end a Markdown
link; :func:`valid_doi` accepts what Crossref's own pattern accepts. Anything else is shown
as escaped text, never as a link.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

_INLINE = re.compile(r"[\\`*_\[\]<>#|~$&%]")
"""Characters that can start inline Markdown, HTML, math, tags, tables or Obsidian comments
(``%%``) anywhere in a line."""
_LINE_START = re.compile(r"^[ \t]*(?:([-+=])|(\d{1,9})([.)]))", re.MULTILINE)
"""What makes a block at the start of a line: lists, setext underlines, numbered lists;
leading blanks (an indented code block) are dropped with it."""
_LEADING_BLANKS = re.compile(r"^[ \t]+", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_DOI = re.compile(r"10\.\d{4,9}/[-._;()/:A-Za-z0-9]+")
"""Crossref's recommended pattern for modern DOIs (it matches 74.4M of 74.9M DOIs)."""
_PATH_SAFE = "/%-._~!$&'*+,;=:@"
"""What stays unencoded in a URL's path and query: RFC 3986 sub-delimiters except ( and )."""
MAX_URL_CHARS = 2000


class Markdown(str):
    """Text that is already Markdown and is printed as it is (not escaped again)."""

    __slots__ = ()


def escape_text(value: object) -> str:
    """``value`` as Markdown that renders as exactly this text (see the module docstring).

    Line breaks are kept (an abstract keeps its lines), but no line can start a list, a
    quote, a heading or an indented code block.
    """
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text).replace("\u2028", "\n").replace("\u2029", "\n")
    text = _INLINE.sub(lambda m: "\\" + m.group(), text)
    text = _LEADING_BLANKS.sub("", text)
    return _LINE_START.sub(_escape_line_start, text)


def _escape_line_start(match: re.Match[str]) -> str:
    if match.group(1):
        return "\\" + match.group(1)
    return f"{match.group(2)}\\{match.group(3)}"


def escape_line(value: object) -> str:
    """``value`` escaped and on one line (for headings and link labels)."""
    return escape_text(" ".join(str(value).split()))


def valid_doi(value: str | None) -> str | None:
    """``value`` when it is a DOI of the modern form (``10.1234/abc.5``), else ``None``."""
    if value and len(value) <= 300 and _DOI.fullmatch(value):
        return value
    return None


def doi_url(doi: str) -> str:
    """The resolver address of a valid DOI, encoded so that it cannot end a link early."""
    return "https://doi.org/" + quote(doi, safe="/:;._-")


def web_url(value: str | None) -> str | None:
    """``value`` as a safe, normalised ``http(s)`` address, or ``None`` when it is not one.

    Refused: other schemes (``javascript:``, ``file:``, ``data:``), no host, a user name or
    password, whitespace or control characters, more than 2,000 characters. The host is
    lower-cased and written in punycode; the path, query and fragment are percent-encoded
    wherever a character could end a Markdown link or an autolink.
    """
    if not value or len(value) > MAX_URL_CHARS:
        return None
    text = value.strip()
    if not text or any(ch.isspace() or not ch.isprintable() for ch in text):
        return None
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or parts.username or parts.password:
        return None
    host = parts.hostname
    if not host or "@" in parts.netloc:
        return None
    ascii_host = _ascii_host(host)
    if ascii_host is None:
        return None
    netloc = ascii_host if port is None else f"{ascii_host}:{port}"
    if ":" in ascii_host:  # an IPv6 literal
        netloc = f"[{ascii_host}]" + ("" if port is None else f":{port}")
    return urlunsplit(
        (
            parts.scheme.lower(),
            netloc,
            quote(parts.path, safe=_PATH_SAFE) or "/",
            quote(parts.query, safe=_PATH_SAFE + "?"),
            quote(parts.fragment, safe=_PATH_SAFE + "?#"),
        )
    )


def _ascii_host(host: str) -> str | None:
    """The host in ASCII (IDNA punycode for international names); ``None`` if it is not one."""
    host = host.rstrip(".").lower()
    if not host or len(host) > 253:
        return None
    if host.isascii():
        labels = host.split(".")
        if ":" in host:  # IPv6 literal, already parsed by urlsplit
            return host if re.fullmatch(r"[0-9a-f:.]+", host) else None
        if all(re.fullmatch(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?", label) for label in labels):
            return host
        return None
    try:
        encoded = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return _ascii_host(encoded) if encoded.isascii() else None


def link(label: str, url: str) -> Markdown:
    """A Markdown link showing ``label`` (escaped) to a URL made by :func:`web_url` or :func:`doi_url`.

    Parentheses are percent-encoded in the destination, so nothing can close it early.
    """
    destination = url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return Markdown(f"[{escape_line(label)}]({destination})")


def autolink(url: str) -> Markdown:
    """``<url>`` for an address made by :func:`web_url` (it holds no ``<``, ``>`` or blanks)."""
    return Markdown(f"<{url}>")
