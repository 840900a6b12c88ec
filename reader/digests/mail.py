"""Mail as digests arrive in it: a saved ``.eml``, an ``.mbox`` of messages, or a body alone.

The transfer encodings (quoted-printable, base64) and charsets are undone by the standard
:mod:`email` package (``policy=default``, ``get_body``/``get_content``), never by hand.

The registry hands every format *text* (:func:`reader.digests.source.decode_text` has
already read the file's bytes, a stray non-UTF-8 byte as Windows-1252). A message is given
to :func:`email.message_from_bytes` as that text's UTF-8, because from a ``str`` the email
package garbles an 8-bit body's non-ASCII text. So a part sent as ``7bit``/``8bit``
(no transfer encoding) holds UTF-8 now, whatever charset it declares: it is read as UTF-8.
A quoted-printable or base64 part is still the ASCII that was sent, and is decoded with
its declared charset (UTF-8 when it declares none). A charset Python does not know is a
clear error, never a guess.
"""

from __future__ import annotations

import codecs
import email
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from email import policy
from email.message import EmailMessage, Message

from reader.digests.dates import email_date
from reader.digests.errors import DigestFormatError, UnknownFormatError

MAX_MESSAGES = 20_000
"""An mbox is read up to this many messages."""

_HEADER_NAME = re.compile(r"^(?:From |[A-Za-z][A-Za-z0-9-]{0,76}:)")
_KNOWN_HEADERS = frozenset(
    {"from", "to", "subject", "date", "received", "return-path", "message-id", "mime-version",
     "content-type", "content-transfer-encoding", "delivered-to", "reply-to", "x-mailer",
     "cc", "sender", "dkim-signature", "arc-seal", "authentication-results", "list-id"}
)  # fmt: skip
_ENCODED = frozenset({"quoted-printable", "base64"})


@dataclass(frozen=True, slots=True)
class MailText:
    """One part's text as decoded, with what is needed to map its lines back to the file."""

    text: str
    sent: date | None
    """The message's ``Date:``."""
    body_line: int
    """1-based line (in the message's own text) where the message's body begins."""
    encoding: str
    """The part's transfer encoding (``quoted-printable``, ``base64``, ``7bit`` …)."""
    whole: bool
    """Whether the part is the message itself (not one part of a multipart message)."""


def looks_like_message(text: str) -> bool:
    """Whether ``text`` starts with mail headers (a saved ``.eml``, or an mbox's ``From `` line).

    A body saved without its headers (the listing pasted into a ``.txt``) is not a message.
    """
    head = text.lstrip("\ufeff\n")[:8192].split("\n\n", 1)[0].split("\n", 200)
    if not head or not _HEADER_NAME.match(head[0]):
        return False
    names = {
        line.split(":", 1)[0].strip().lower()
        for line in head
        if line and not line[0].isspace() and ":" in line
    }
    return len(names & _KNOWN_HEADERS) >= 2


def messages(text: str) -> list[tuple[int, str]]:
    """The messages of an mbox (each after its ``From `` line, a blank line before it), with
    the file line each starts on; any other text is one message starting on line 1.

    Lines of leading blank lines are counted, so the lines given are the file's.
    """
    skipped = text[: len(text) - len(text.lstrip("\ufeff \t\n"))].count("\n")
    stripped = text.lstrip("\ufeff \t\n")
    if not stripped.startswith("From "):
        return [(1 + skipped, stripped)]
    found: list[tuple[int, str]] = []
    current: list[str] = []
    start = 1 + skipped
    previous_blank = True
    for number, line in enumerate(stripped.split("\n"), start=1 + skipped):
        if line.startswith("From ") and previous_blank:
            if any(part.strip() for part in current):
                found.append((start, "\n".join(current)))
            current, start = [], number + 1
            if len(found) >= MAX_MESSAGES:
                break
        else:
            current.append(line)
        previous_blank = not line.strip()
    if any(part.strip() for part in current) and len(found) < MAX_MESSAGES:
        found.append((start, "\n".join(current)))
    return found or [(1 + skipped, stripped)]


def parse_message(text: str) -> EmailMessage:
    """The message in ``text`` (its headers first), read by :mod:`email` with ``policy=default``."""
    try:
        message = email.message_from_bytes(
            text.lstrip("\n").encode("utf-8", "surrogatepass"), policy=policy.default
        )
    except Exception as exc:  # the email package on hostile input: anything
        raise UnknownFormatError(f"the e-mail could not be read ({type(exc).__name__})") from None
    if not isinstance(message, EmailMessage):  # policy=default always gives one
        raise UnknownFormatError("the e-mail could not be read")
    return message


def body_text(text: str, preference: Sequence[str]) -> MailText:
    """The decoded body of the message in ``text``: its first part of the kinds in
    ``preference`` (``("plain",)``, ``("html",)``), as :meth:`EmailMessage.get_body` picks it.

    Raises :class:`UnknownFormatError` when the message has no such part and
    :class:`DigestFormatError` when the part cannot be decoded (a broken base64 body).
    """
    message = parse_message(text)
    try:
        sent = email_date(str(message.get("Date", "") or ""))
        part = message.get_body(preferencelist=tuple(preference))
    except Exception as exc:  # a malformed header or structure
        raise UnknownFormatError(f"the e-mail could not be read ({type(exc).__name__})") from None
    if not isinstance(part, EmailMessage):
        raise UnknownFormatError(f"the e-mail has no {' or '.join(preference)} part")
    encoding = str(part.get("Content-Transfer-Encoding", "") or "").strip().lower()
    try:
        content = _content(part, encoding)
    except (LookupError, ValueError, TypeError, AttributeError, IndexError) as exc:
        raise DigestFormatError(f"the mail could not be decoded ({exc})") from None
    content = content.replace("\r\n", "\n").replace("\r", "\n")
    stripped = text.lstrip("\n")
    blank = stripped.find("\n\n")
    body_line = (stripped.count("\n", 0, blank) + 3 if blank >= 0 else 1) + (
        len(text) - len(stripped)
    )
    return MailText(content, sent, body_line, encoding, whole=part is message)


def _content(part: EmailMessage, encoding: str) -> str:
    charset = part.get_content_charset()
    if charset is not None:
        codecs.lookup(charset)  # a charset Python does not know: LookupError, said clearly
    if encoding not in _ENCODED:
        # Sent without a transfer encoding: the bytes are the file's text as UTF-8 now.
        raw = part.get_payload(decode=True)
        return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw or "")
    if charset is None:
        part.set_param("charset", "utf-8")
    content = part.get_content(errors="replace")
    if not isinstance(content, str):
        raise TypeError("the part is not text")
    return content


def header_of(message: Message, name: str) -> str:
    """A header's value as text (``""`` when absent or unreadable)."""
    try:
        return str(message.get(name, "") or "")
    except Exception:  # a malformed encoded word
        return ""
