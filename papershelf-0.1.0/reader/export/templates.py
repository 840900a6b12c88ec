"""Note templates: Jinja2 in a sandbox, the defaults shipped in ``resources/templates``.

A template is compiled once per export and rendered once per note. Templates come from
users (the Readwise and Omnivore plugins taught vault users to write them), so they run in
Jinja2's immutable sandbox: no attribute starting with ``_``, no mutation of what they are
given, no file or module access. Autoescape is off: the output is Markdown, not HTML.
Anything that goes wrong, when compiling or rendering, is an :class:`ExportError` naming
the template and the line.

The variables a note template sees are listed in :func:`note_context` and in the leading
comment of ``resources/templates/note.md.j2``.
"""

from __future__ import annotations

import hashlib
import traceback
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from reader.export.errors import ExportError
from reader.export.frontmatter import front_matter, note_properties, yaml_scalar
from reader.library.model import Paper

NOTE_TEMPLATE = "note.md.j2"
INDEX_TEMPLATE = "index.md.j2"
_TEMPLATE_FILENAME = "<template>"
MAX_TEMPLATE_BYTES = 1_000_000


def _oneline(value: object) -> str:
    return " ".join(str(value).split())


def _finalize(value: object) -> object:
    """Print a missing value (``None``) as nothing rather than ``None``."""
    return "" if value is None else value


def _environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
        auto_reload=False,
    )
    env.filters["yaml"] = yaml_scalar
    env.filters["oneline"] = _oneline
    return env


_ENV = _environment()


class NoteTemplate:
    """A compiled, sandboxed template; :meth:`render` turns a context into Markdown."""

    def __init__(self, source: str, origin: str) -> None:
        self.fingerprint = hashlib.sha256(source.encode("utf-8", "replace")).hexdigest()
        """Identifies the template's text: notes rendered from other text are re-rendered."""
        self.origin = origin
        try:
            self._template = _ENV.from_string(source)
        except jinja2.TemplateSyntaxError as exc:
            raise ExportError(
                f"the template {origin} has an error on line {exc.lineno}: {exc.message}"
            ) from None
        except jinja2.TemplateError as exc:  # pragma: no cover - other compile-time errors
            raise ExportError(f"the template {origin} cannot be used: {exc}") from None

    @classmethod
    def bundled(cls, name: str = NOTE_TEMPLATE) -> NoteTemplate:
        """A template shipped in ``resources/templates`` (read through importlib.resources)."""
        source = resources.files("resources").joinpath("templates").joinpath(name)
        return cls(source.read_text(encoding="utf-8"), f"{name} (built in)")

    @classmethod
    def from_file(cls, path: Path) -> NoteTemplate:
        """The user's template file. Raises :class:`ExportError` if it cannot be read."""
        try:
            with path.open("rb") as stream:
                data = stream.read(MAX_TEMPLATE_BYTES + 1)
        except OSError as exc:
            raise ExportError(f"cannot read the template {path}: {exc.strerror or exc}") from None
        if len(data) > MAX_TEMPLATE_BYTES:
            raise ExportError(f"the template {path} is larger than {MAX_TEMPLATE_BYTES:,} bytes")
        try:
            source = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ExportError(f"the template {path} is not UTF-8 text") from None
        return cls(source, str(path))

    def render(self, context: Mapping[str, object], subject: str) -> str:
        """The template's output for ``context``; ``subject`` names the note in errors."""
        try:
            return self._template.render(context)
        except Exception as exc:  # a user's template can raise anything
            line = _template_line(exc)
            where = f" on line {line}" if line else ""
            message = exc.message if isinstance(exc, jinja2.TemplateError) else None
            raise ExportError(
                f"the template {self.origin} failed{where} for {subject}: "
                f"{message or exc or type(exc).__name__}"
            ) from None


def _template_line(exc: BaseException) -> int | None:
    frames = [
        f for f in traceback.extract_tb(exc.__traceback__) if f.filename == _TEMPLATE_FILENAME
    ]
    return frames[-1].lineno if frames else None


def stars(rating: int) -> str:
    """A rating as ``★★★☆☆``; ``""`` when unrated."""
    return "★" * rating + "☆" * (5 - rating) if rating else ""


def note_context(paper: Paper) -> dict[str, object]:
    """The variables a note template sees (also listed at the top of ``note.md.j2``).

    - ``front_matter``: the YAML block, ``---`` lines included, ready to print;
      ``properties``: the same values as a mapping (title, papershelf_id, published,
      authors / organization, status, rating, tags, digests, first_seen, source, arxiv);
    - ``id``, ``title``, ``abstract``, ``note`` (the user's Markdown, as written);
    - ``status`` (``queue``), ``status_label`` (``Queue``), ``rating`` (0–5),
      ``stars`` (``★★★☆☆``, ``""`` when unrated);
    - ``tags`` (as in Papershelf), ``vault_tags`` (valid vault tags);
    - ``authors_count``, ``organization``, ``authors`` (names, often empty),
      ``published`` (a date), ``digests`` (dates), ``first_seen`` (a date);
    - ``source`` (arXiv page or Hugging Face search), ``arxiv_id``, ``url``, ``doi``,
      ``comments``; ``paper``: the whole :class:`~reader.library.Paper`.

    Missing values are ``None`` and print as nothing. There is deliberately no clock:
    a note whose text does not change is not rewritten.
    """
    properties = note_properties(paper)
    return {
        "front_matter": front_matter(properties),
        "properties": properties,
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "note": paper.note,
        "status": paper.status.value,
        "status_label": paper.status.label,
        "rating": paper.rating,
        "stars": stars(paper.rating),
        "tags": list(paper.tags),
        "vault_tags": properties["tags"],
        "authors_count": paper.authors_count,
        "organization": paper.organization,
        "authors": list(paper.authors),
        "published": paper.published,
        "digests": properties["digests"],
        "first_seen": properties["first_seen"],
        "source": properties["source"],
        "arxiv_id": paper.arxiv_id,
        "url": paper.url,
        "doi": paper.doi,
        "comments": paper.comments,
        "paper": paper,
    }
