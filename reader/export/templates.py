"""Note templates: Jinja2 in a sandbox, the defaults shipped in ``resources/templates``.

A template is compiled once per export and rendered once per note. Templates come from
users (the Readwise and Omnivore plugins taught vault users to write them), so they run in
Jinja2's immutable sandbox: no attribute starting with ``_``, no mutation of what they are
given, no file or module access. Autoescape is off: the output is Markdown, not HTML.
Anything that goes wrong, when compiling or rendering, is an :class:`ExportError` naming
the template and the line. The sandbox is bounded (:mod:`reader.export.sandbox`): a
template cannot build more than a note may hold or run longer than a few seconds per note.

Every value a template prints is Markdown-escaped (:func:`reader.export.markdown.escape_text`)
unless Papershelf made it as Markdown: ``front_matter``, ``note_section``, ``note`` (the
user's own Markdown), ``links``, ``links_line`` and what the ``yaml`` filter returns. So a
feed's title ``[click](javascript:…)`` prints as text in any template, the user's too.

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

from reader.export.errors import ExportError
from reader.export.frontmatter import front_matter, note_properties, yaml_scalar
from reader.export.markdown import (
    Markdown,
    autolink,
    doi_url,
    escape_text,
    link,
    valid_doi,
    web_url,
)
from reader.export.sandbox import (
    TIME_LIMIT,
    WATCHDOG,
    BoundedSandbox,
    TemplateLimitError,
    TemplateTimeout,
    time_limit_message,
)
from reader.export.sections import NoteFormatError, note_section, section_text, split_note
from reader.library.model import Paper

NOTE_TEMPLATE = "note.md.j2"
INDEX_TEMPLATE = "index.md.j2"
_TEMPLATE_FILENAME = "<template>"
MAX_TEMPLATE_BYTES = 1_000_000


def _oneline(value: object) -> str:
    return " ".join(str(value).split())


def _finalize(value: object) -> object:
    """What ``{{ value }}`` prints: nothing for ``None``, Markdown as is, anything else escaped."""
    if value is None:
        return ""
    if isinstance(value, Markdown) or type(value) in (int, float, bool):
        return value
    return escape_text(value)


def _yaml(value: object) -> Markdown:
    return Markdown(yaml_scalar(value))


def _environment() -> BoundedSandbox:
    env = BoundedSandbox(
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
        auto_reload=False,
    )
    env.filters["yaml"] = _yaml
    env.filters["oneline"] = _oneline
    return env


_ENV = _environment()


class NoteTemplate:
    """A compiled, sandboxed template; :meth:`render` turns a context into Markdown."""

    def __init__(self, source: str, origin: str, *, time_limit: float = TIME_LIMIT) -> None:
        self.fingerprint = hashlib.sha256(source.encode("utf-8", "replace")).hexdigest()
        """Identifies the template's text: notes rendered from other text are re-rendered."""
        self.origin = origin
        self.time_limit = time_limit
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
    def from_file(cls, path: Path, *, time_limit: float = TIME_LIMIT) -> NoteTemplate:
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
        return cls(source, str(path), time_limit=time_limit)

    def render(self, context: Mapping[str, object], subject: str) -> str:
        """The template's output for ``context``; ``subject`` names the note in errors."""
        try:
            with WATCHDOG.deadline(self.time_limit):
                return _ENV.render_bounded(self._template, dict(context))
        except TemplateTimeout:  # raised a step too late for deadline() to turn it into words
            raise ExportError(
                f"the template {self.origin} failed for {subject}: "
                f"{time_limit_message(self.time_limit)}"
            ) from None
        except Exception as exc:  # a user's template can raise anything
            line = _template_line(exc)
            where = f" on line {line}" if line else ""
            raise ExportError(
                f"the template {self.origin} failed{where} for {subject}: {_reason(exc)}"
            ) from None


def _reason(exc: Exception) -> str:
    """Why a render failed, in words for people (no Python internals)."""
    if isinstance(exc, TemplateLimitError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "it needed more memory than there is"
    if isinstance(exc, RecursionError):
        return "it nests too deeply (a macro calling itself?)"
    if isinstance(exc, jinja2.TemplateError) and exc.message:
        return exc.message
    text = str(exc)
    if "int_max_str_digits" in text or "integer string conversion" in text:
        return "a number too large to print"
    if isinstance(exc, ZeroDivisionError):
        return "division by zero"
    return text or type(exc).__name__


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
      ``note_section``: the note between its two marker lines, which every template must
      print (see :mod:`reader.export.sections`);
    - ``status`` (``queue``), ``status_label`` (``Queue``), ``rating`` (0–5),
      ``stars`` (``★★★☆☆``, ``""`` when unrated);
    - ``tags`` (as in Papershelf), ``vault_tags`` (valid vault tags);
    - ``authors_count``, ``organization``, ``authors`` (names, often empty),
      ``published`` (a date), ``digests`` (dates), ``first_seen`` (a date);
    - ``source`` (arXiv page or Hugging Face search), ``arxiv_id``, ``url`` (only a valid
      ``http(s)`` address, normalised), ``doi`` (only a valid DOI), ``comments``, ``citekey``;
      ``links`` (Markdown links to the arXiv page, the DOI and the paper's own page, the
      ones that validate) and ``links_line`` (them joined by `` · ``);
      ``paper``: the whole :class:`~reader.library.Paper` (raw values).

    Missing values are ``None`` and print as nothing. There is deliberately no clock:
    a note whose text does not change is not rewritten.
    """
    properties = note_properties(paper)
    doi = valid_doi(paper.doi)
    url = web_url(paper.url)
    links = paper_links(paper, str(properties["source"]), doi, url)
    return {
        "front_matter": Markdown(front_matter(properties)),
        "properties": properties,
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "note": Markdown(paper.note),
        "note_section": Markdown(note_section(paper.note)),
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
        "url": url,
        "doi": doi,
        "links": links,
        "links_line": Markdown(" · ".join(links)),
        "comments": paper.comments,
        "citekey": paper.citekey,
        "paper": paper,
    }


def paper_links(paper: Paper, source: str, doi: str | None, url: str | None) -> list[Markdown]:
    """The note's links: arXiv, DOI and the paper's own page, each only when it validates."""
    links: list[Markdown] = []
    if paper.arxiv_id:
        links.append(link(f"arXiv:{paper.arxiv_id}", source))
    if doi:
        links.append(link(f"doi:{doi}", doi_url(doi)))
    if url and url != source:
        links.append(autolink(url))
    return links


def check_note_section(text: str, note: str, origin: str) -> None:
    """Raise :class:`ExportError` unless ``text`` holds the note section with ``note`` in it."""
    try:
        parts = split_note(text)
    except NoteFormatError:
        parts = None
    if parts is None or parts.section != section_text(note):
        raise ExportError(
            f"the template {origin} must print {{{{ note_section }}}} once, where the note "
            "goes, at the start of a line: it writes the note between the lines "
            "<!-- papershelf:note --> and <!-- /papershelf:note --> (each on a line of its "
            "own), which Papershelf and the vault both write"
        )
