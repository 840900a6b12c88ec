"""Tooltips that show untrusted text (titles, tags, file names, parser messages) literally.

Qt renders a tooltip as rich text when it merely looks like HTML, so a paper titled
``<img src=/home/me/photo.png>`` would draw a local file. Every tooltip built from a digest
or the user's data goes through :func:`plain_tooltip`.
"""

from __future__ import annotations

import html


def plain_tooltip(text: str) -> str:
    """``text`` as a tooltip that is shown as written, line breaks kept."""
    if not text:
        return ""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"
