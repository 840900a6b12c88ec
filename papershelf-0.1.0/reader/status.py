"""The reading statuses a paper moves through. A leaf module: it imports nothing of ours."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Where a paper is in the user's reading flow."""

    INBOX = "inbox"
    QUEUE = "queue"
    READING = "reading"
    READ = "read"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        """The status as a view name for people (``Queue``)."""
        return self.value.capitalize()
