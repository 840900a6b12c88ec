"""The list's views as values: which papers a sidebar item shows, and what they depend on.

A :class:`ViewKey` is a domain value (status, all, rated, for you, tag or digest), not a widget:
the sidebar lists them, the window's saved state names them, and the paper list asks
:func:`view_fields` which changed fields can move papers in or out of a view or reorder it.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.library import PaperFilter, SortKey, Status


@dataclass(frozen=True, slots=True)
class ViewKey:
    """One sidebar view: ``kind`` is status, all, rated, tag or digest; ``value`` its argument."""

    kind: str
    value: str | int | None = None

    @property
    def ranked(self) -> bool:
        """Whether the view lists papers by interest ("For you") rather than by a sort."""
        return self.kind == "for_you"

    def paper_filter(self) -> PaperFilter:
        """The papers this view shows."""
        if self.kind == "status":
            return PaperFilter(status=Status(str(self.value)))
        if self.kind == "for_you":
            return PaperFilter(status=Status.INBOX)
        if self.kind == "rated":
            return PaperFilter(rating_min=4)
        if self.kind == "tag":
            return PaperFilter(tag=str(self.value))
        if self.kind == "digest":
            return PaperFilter(digest_id=int(self.value or 0))
        return PaperFilter()

    @property
    def title(self) -> str:
        """A name for people: ``Queue``, ``#nlp``, ``All papers``."""
        if self.kind == "status":
            return Status(str(self.value)).label
        if self.kind == "tag":
            return f"#{self.value}"
        if self.kind == "digest":
            return "Digest"
        if self.kind == "saved":
            return "Saved view"
        return {"all": "All papers", "rated": "Rated", "for_you": "For you"}.get(
            self.kind, self.kind
        )

    def to_text(self) -> str:
        """A string form for saved window state (``status:inbox``, ``tag:nlp``, ``all``)."""
        return self.kind if self.value is None else f"{self.kind}:{self.value}"

    @classmethod
    def from_text(cls, text: str) -> ViewKey | None:
        """The key :meth:`to_text` wrote, or ``None`` for anything unrecognised."""
        kind, _, value = text.partition(":")
        if kind in {"all", "rated", "for_you"} and not value:
            return cls(kind)
        if kind == "status" and value in {s.value for s in Status}:
            return cls(kind, value)
        if kind == "tag" and value:
            return cls(kind, value)
        if kind == "digest" and value.isdigit():
            return cls(kind, int(value))
        if kind == "saved" and value.isdigit():  # a saved view (ui.savedviews)
            return cls(kind, int(value))
        return None


INBOX = ViewKey("status", Status.INBOX.value)
ALL = ViewKey("all")
RATED = ViewKey("rated")
FOR_YOU = ViewKey("for_you")
"""Untriaged inbox papers, best match first (:func:`reader.ranking.for_you_ids`)."""

USER_FIELDS = frozenset({"status", "rating", "tags", "note", "opened", "deleted"})
"""Every field a search's words or filters can test (words match notes and tags too)."""
_SORT_FIELDS: dict[SortKey, tuple[str, ...]] = {
    SortKey.TITLE: ("imported",),
    SortKey.PUBLISHED: ("imported",),
    SortKey.COMMENTS: ("imported",),
    SortKey.RATING: ("rating",),
    SortKey.TAGS: ("tags",),
    SortKey.STATUS: ("status",),
    SortKey.INTEREST: ("interest",),
    SortKey.AUTHORS: ("imported", "details"),  # imported, or edited by the user
    SortKey.UPVOTES: ("imported",),
    SortKey.ARXIV: ("imported", "details"),
}
RANKED_FIELDS = frozenset({"status", "rating", "tags", "interest", "imported", "deleted"})
"""The fields that move papers in or out of "For you" or reorder it."""


def view_fields(view: PaperFilter, sort: SortKey) -> frozenset[str]:
    """The fields whose change can change which papers ``view`` holds or their order.

    A rating change in a view that neither filters nor sorts by rating cannot: the list
    then re-reads only the changed rows. Deleting papers always can.
    """
    fields = {"deleted"}
    if view.search:
        fields |= USER_FIELDS | {"imported"}
    if view.status is not None:
        fields.add("status")
    if view.rating_min is not None:
        fields.add("rating")
    if view.tag is not None:
        fields.add("tags")
    if view.digest_id is not None:
        fields.add("imported")
    fields.update(_SORT_FIELDS.get(sort, ()))
    return frozenset(fields)
