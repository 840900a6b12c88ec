"""The index note: every paper with a note in the folder, grouped by status, with links.

Links are Obsidian ``[[wikilinks]]`` to the note's file name without ``.md``; names
Papershelf chooses never hold ``#``, ``^``, ``[``, ``]`` or ``|``, which a link target
cannot, and the shown title is cleaned so it cannot close the link early.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.export.frontmatter import front_matter
from reader.export.templates import INDEX_TEMPLATE, NoteTemplate, stars
from reader.library.model import Status

_LINK_UNSAFE = re.compile(r"[#^\[\]|]")


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One note listed in the index."""

    paper_id: int
    name: str
    title: str
    status: Status
    rating: int


def render_index(title: str, entries: list[IndexEntry]) -> str:
    """The index note's Markdown: groups in reading order, notes by title within each."""
    groups = []
    for status in Status:
        members = sorted(
            (e for e in entries if e.status is status),
            key=lambda e: (e.title.casefold(), e.paper_id),
        )
        if members:
            groups.append(
                {
                    "status": status.value,
                    "label": status.label,
                    "notes": [
                        {
                            "id": e.paper_id,
                            "title": e.title,
                            "name": e.name,
                            "link": wikilink(e.name, e.title),
                            "rating": e.rating,
                            "stars": stars(e.rating),
                        }
                        for e in members
                    ],
                }
            )
    context = {
        "front_matter": front_matter(
            {"title": title, "papershelf_index": True, "notes": len(entries)}
        ),
        "title": title,
        "total": len(entries),
        "groups": groups,
    }
    return NoteTemplate.bundled(INDEX_TEMPLATE).render(context, "the index note")


def wikilink(name: str, title: str) -> str:
    """A link from the index to the note ``name``, showing ``title``.

    ``[[Name]]`` or ``[[Name|Title]]``; the title is cleaned so it cannot end the link
    early. A name a wikilink cannot hold (never one Papershelf chose) gets a Markdown link.
    """
    target = name.removesuffix(".md")
    label = " ".join(title.split()).replace("|", "-").replace("[", "(").replace("]", ")")
    if _LINK_UNSAFE.search(target):
        return f"[{label or target}](<{name}>)"
    if not label or label == target:
        return f"[[{target}]]"
    return f"[[{target}|{label}]]"
