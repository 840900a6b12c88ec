"""Reading the dates digest formats write: e-mail, ISO 8601 and the page's ``Apr 9``.

Every function returns ``None`` for text it cannot read rather than raising: a bad date in
one entry should cost that entry its date, not the whole digest its import.
"""

from __future__ import annotations

import re
import time
from datetime import date
from email.utils import parsedate_to_datetime

from reader.digests.hf_text import MONTH_NAME, MONTHS, infer_year

MONTH_DAY = re.compile(
    rf"^(?:published\s+on\s+)?{MONTH_NAME}\s+(?P<day>\d{{1,2}})(?:,\s*(?P<year>\d{{4}}))?$",
    re.IGNORECASE | re.ASCII,
)
"""``Apr 9``, ``April 9, 2025`` or ``Published on Apr 9``, as the Hugging Face page writes."""

# "Thu 21 Nov 24 19:00:00 GMT" in the listing e-mail's "received from … to …" line.
_SHORT_YEAR = re.compile(
    rf"^(?:[A-Za-z]{{3}},?\s+)?(?P<day>\d{{1,2}})\s+{MONTH_NAME}\s+(?P<year>\d{{2}}|\d{{4}})\b",
    re.IGNORECASE | re.ASCII,
)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\S*)?$", re.ASCII)


def email_date(text: str) -> date | None:
    """The date of an RFC 2822 timestamp (``Thu, 7 Nov 2024 02:49:53 GMT``), in its own zone."""
    try:
        return parsedate_to_datetime(text.strip()).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def short_year_date(text: str) -> date | None:
    """``Thu 21 Nov 24 …`` (two-digit year, as the listing header writes it) as a date."""
    match = _SHORT_YEAR.match(text.strip())
    if match is None:
        return None
    year = int(match.group("year"))
    if year < 100:
        year += 1900 if year >= 91 else 2000  # arXiv began in 1991
    return _safe_date(year, MONTHS[match.group("mon").lower()], int(match.group("day")))


def iso_date(text: str) -> date | None:
    """The calendar date of an ISO 8601 date or timestamp (``2025-04-09T17:14:33.000Z``).

    The date is taken as written, before any time-zone conversion: it is the day the source
    meant.
    """
    text = text.strip()
    if not _ISO.match(text):
        return None
    return _safe_date(int(text[:4]), int(text[5:7]), int(text[8:10]))


def struct_date(value: object) -> date | None:
    """The date of a ``time.struct_time`` (what feedparser gives for parsed dates)."""
    if not isinstance(value, time.struct_time):
        return None
    return _safe_date(value.tm_year, value.tm_mon, value.tm_mday)


def month_day_date(text: str, captured: date) -> date | None:
    """``Apr 9`` / ``Apr 9, 2025``; without a year, the latest such day not after ``captured``."""
    match = MONTH_DAY.match(text.strip())
    if match is None:
        return None
    month = MONTHS[match.group("mon").lower()]
    day = int(match.group("day"))
    if match.group("year") is not None:
        return _safe_date(int(match.group("year")), month, day)
    try:
        return infer_year(month, day, captured)
    except ValueError:
        return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None
