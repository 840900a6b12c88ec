"""The export's hostile-input corpus: what feeds, e-mails and users' templates can throw at it.

Each value of the corpus goes into a real library (written straight into the row, as a
damaged or older library could hold it, so no import-time cleaning hides a gap here), is
exported, and the note is then read as a vault reads it: the body rendered by a real
CommonMark renderer (markdown-it-py, raw HTML allowed as in Obsidian) and the front
matter by three real YAML parsers.
Nothing from a feed may become a link other than a validated ``http(s)`` or DOI link,
an element, a heading or a fake note-section marker; the front matter must parse, always.
"""

from __future__ import annotations

import html
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from ruamel.yaml import YAML

from reader.export import ExportError, ExportOptions, export_notes, files
from reader.export.frontmatter import without_surrogates
from reader.export.markdown import escape_text, valid_doi, web_url
from reader.export.sections import BEGIN, END, decode_file, split_note
from reader.export.templates import NoteTemplate, note_context
from reader.library import Library
from tests.test_export_support import add_papers, notes_by_id

REPO = Path(__file__).resolve().parents[1]

HOSTILE_DOIS = [
    "10.1234/x)](javascript:alert(1))[y",
    "10.1234/x) [evil](javascript:alert(1)",
    "10.1234/<script>alert(1)</script>",
    "javascript:alert(1)",
    "10.1234/ok\n# heading",
    "10.1234/\u202eevil",
]
HOSTILE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "file:///etc/passwd",
    "vbscript:msgbox(1)",
    "https://google.com@evil.example/",
    "https://evil.example/a>b<script>",
    "https://evil.example/)](javascript:alert(1))",
    "https://xn--80ak6aa92e.com/",  # already punycode: stays so
    "https://аррӏе.com/login",  # Cyrillic: shown in punycode
    "http://[::1]:8080/x",
    "https://exa mple.com/",
    "https:///nohost",
    "https://evil.example/\x1b]8;;https://bank.example\x07",
]
HOSTILE_TEXTS = [
    "[click](javascript:alert(1))",
    "![img](https://evil.example/track.png)",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "<a href='javascript:alert(1)'>x</a>",
    "[[Wiki link]] and ![[embed]]",
    "# heading\n## another\n- list\n1. numbered\n> quote\n    code",
    "<!-- papershelf:note -->",
    "<!-- /papershelf:note -->",
    "<!-- hide the rest",
    "%%obsidian comment%%",
    "`code` **bold** _em_ ~~strike~~ ==mark== $x^2$ | table |",
    "&lt;script&gt; &amp; &#106;avascript:",
    "<https://evil.example>",
    "line\r\nbreaks\rand\u2028separators\x85",
    "control \x1b[2J\x1b]0;title\x07 \x00 chars",
    "---\nfake: front matter\n---",
    "\\[escaped\\](javascript:x)",
    "\ufeffbom in the middle\ufeff",
]


_MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def _rendered(body: str) -> str:
    return _MD.render(body)


def _links(rendered: str) -> list[str]:
    return [
        html.unescape(h) for h in re.findall(r'<(?:a|img)\b[^>]*?(?:href|src)="([^"]*)"', rendered)
    ]


def _hostile_library(library: Library) -> list[int]:
    """One paper per hostile value, every text field hostile."""
    count = max(len(HOSTILE_DOIS), len(HOSTILE_URLS), len(HOSTILE_TEXTS))
    ids = add_papers(library, [f"placeholder {n}" for n in range(count)], arxiv=False)
    with library.transaction() as conn:
        for n, paper_id in enumerate(ids):
            text = HOSTILE_TEXTS[n % len(HOSTILE_TEXTS)]
            conn.execute(
                "UPDATE paper SET title = ?, abstract = ?, authors = ?, organization = ?, "
                "doi = ?, url = ? WHERE id = ?",
                [
                    f"{text} {n}",
                    f"Abstract {n}: {text}\n{HOSTILE_TEXTS[(n + 1) % len(HOSTILE_TEXTS)]}",
                    f'["{n}", {_json(text)}]',
                    text,
                    HOSTILE_DOIS[n % len(HOSTILE_DOIS)],
                    HOSTILE_URLS[n % len(HOSTILE_URLS)],
                    paper_id,
                ],
            )
    return ids


def _json(text: str) -> str:
    import json

    return json.dumps(text)


def test_no_feed_value_becomes_a_link_an_element_or_a_marker(
    library: Library, tmp_path: Path
) -> None:
    ids = _hostile_library(library)
    folder = tmp_path / "vault"
    report = export_notes(library, ExportOptions(folder=folder))
    assert not report.errors
    notes = notes_by_id(folder)
    assert set(notes) == set(ids)
    for paper_id, path in notes.items():
        text = path.read_text(encoding="utf-8")
        parts = split_note(decode_file(path.read_bytes()).text)  # the markers are found
        assert text.count(f"\n{BEGIN}\n") == 1, text
        assert text.count(f"\n{END}\n") == 1, text
        assert parts.section == ""
        body = parts.before
        rendered = _rendered(body)
        # Only the title heading and the template's own headings.
        headings = re.findall(r"<h(\d)>", rendered)
        assert headings[0] == "1"
        assert headings.count("1") == 1, rendered
        assert set(headings) <= {"1", "2"}
        assert rendered.count("<h2>") <= 2, rendered  # Abstract, Notes
        for tag in re.findall(r"<(/?[a-z0-9]+)", rendered):
            assert tag.lstrip("/") in {"h1", "h2", "p", "a", "br"}, (tag, rendered)
        assert "<!--" not in rendered
        for href in _links(rendered):
            parts_ = urlsplit(href)
            assert parts_.scheme in {"http", "https"}, href
            assert parts_.hostname, href
            assert parts_.hostname.isascii(), href
            assert "@" not in parts_.netloc, href
            assert parts_.hostname not in {"google.com"}, href
        paper = library.paper(paper_id)
        assert valid_doi(paper.doi) is None or f"https://doi.org/{paper.doi}" in rendered


def test_the_front_matter_parses_for_every_hostile_value(library: Library, tmp_path: Path) -> None:
    ids = _hostile_library(library)
    folder = tmp_path / "vault"
    export_notes(library, ExportOptions(folder=folder))
    round_trip = YAML(typ="rt")
    strict = YAML(typ="safe", pure=True)
    for paper_id, path in notes_by_id(folder).items():
        raw = path.read_text(encoding="utf-8")
        block = raw[4 : raw.index("\n---\n", 3)]
        assert not re.search(r"[\ud800-\udfff]", block)
        assert not re.search(r"\\u[dD][89a-fA-F]", block), "an escaped surrogate is not YAML"
        for parser in (yaml.safe_load, round_trip.load, strict.load):
            data = parser(block)
            assert data["papershelf_id"] == paper_id
            title = library.paper(paper_id).title
            assert data["title"] == title
            for key in ("url", "doi"):
                assert key not in data or data[key] in {
                    web_url(library.paper(paper_id).url),
                    valid_doi(library.paper(paper_id).doi),
                }
    assert len(ids) == len(notes_by_id(folder))


SURROGATES = ["lone \ud800 high", "lone \udfff low", "pair \ud83d\ude00 joined", "\udc80\udcff"]


def test_front_matter_stays_valid_yaml_with_surrogates(library: Library) -> None:
    """Lone surrogates cannot be stored, but arrive from parsers in memory (a JSON "\\ud800")."""
    [paper_id] = add_papers(library, ["placeholder"])
    strict = YAML(typ="safe", pure=True)
    for text in SURROGATES:
        paper = replace(library.paper(paper_id), title=text, authors=(text,), organization=text)
        rendered = NoteTemplate.bundled().render(note_context(paper), "test")
        block = rendered[4 : rendered.index("\n---\n", 3)]
        rendered.encode("utf-8")  # writable as UTF-8: no surrogate left anywhere
        for parser in (yaml.safe_load, YAML(typ="rt").load, strict.load):
            data = parser(block)
            assert data["title"] == without_surrogates(text)
            assert "\ufffd" in data["title"] or "😀" in data["title"]
            assert data["organization"] == without_surrogates(text)
            assert data["author_names"] == [without_surrogates(text)]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/abs/2501.00001", "https://arxiv.org/abs/2501.00001"),
        ("HTTPS://Example.COM", "https://example.com/"),
        ("https://аррӏе.com/login", "https://xn--80ak6aa92e.com/login"),
        ("https://bücher.de/a b", None),
        ("https://bücher.de/a(b)", "https://xn--bcher-kva.de/a%28b%29"),
        ("https://evil.example/a>b", "https://evil.example/a%3Eb"),
        ("https://google.com@evil.example/", None),
        ("javascript:alert(1)", None),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
    ],
)
def test_web_addresses_validate_and_show_their_real_host(url: str, expected: str | None) -> None:
    assert web_url(url) == expected


@settings(max_examples=500, deadline=None)
@given(st.text(st.characters(exclude_categories=["Cs"]), max_size=200))
def test_escaped_text_renders_as_that_text_and_nothing_else(text: str) -> None:
    rendered = _rendered(escape_text(text))
    assert not re.findall(r"<(?!/?p>)", rendered), rendered  # no element but paragraphs
    shown = html.unescape(rendered.replace("<p>", "").replace("</p>", ""))
    wanted = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", "", text)
    assert "".join(shown.split()) == "".join(wanted.split()), (text, rendered)


# ---------------------------------------------------------------------- templates

BOMB_TEMPLATES = [
    '{{ "x" * 4000000000 }}',
    "{{ [0] * 4000000000 }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
    '{{ "x" | center(4000000000) }}',
    '{{ "x".ljust(4000000000) }}',
    '{{ "%999999999d" % 1 }}',
    '{{ "{:>999999999}".format(1) }}',
    '{% set s = "x" * 9000000 %}{{ (s ~ s)|length }}',
    "{{ 9 ** 999999999 }}",
    '{{ ("x" * 1000000) | replace("x", "yyyyyyyyyyyyyyyyyyyyyyyyyyyy") }}',
    "{{ [1] | slice(4000000000) }}",
    '{{ ("x" * 1000000).expandtabs(100) ~ ("\t" * 1000000).expandtabs(100) }}',
    "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    "{{ lipsum(1000000) }}",
]


@pytest.mark.parametrize("source", BOMB_TEMPLATES)
def test_a_template_bomb_is_refused_plainly_and_writes_nothing(
    library: Library, tmp_path: Path, source: str
) -> None:
    add_papers(library, ["One paper"])
    template = tmp_path / "bomb.md.j2"
    template.write_text("{{ note_section }}\n" + source, encoding="utf-8")
    folder = tmp_path / "vault"
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from pathlib import Path\n"
        "from reader.export import ExportError, ExportOptions, export_notes\n"
        "from reader.library import Library\n"
        "lib = Library(sys.argv[1])\n"
        "try:\n"
        "    export_notes(lib, ExportOptions(folder=Path(sys.argv[2]), template=Path(sys.argv[3]),\n"
        "                                   template_seconds=2.0))\n"
        "except ExportError as exc:\n"
        "    print(exc)\n"
        "    sys.exit(3)\n"
    )
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", code, str(library.path), str(folder), str(template)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 3, (result.stdout, result.stderr[-2000:])
    message = result.stdout.strip()
    assert "bomb.md.j2" in message, message
    assert "\n" not in message, message
    assert "Error" not in message, message
    assert "sys." not in message, message
    assert not folder.exists() or list(folder.iterdir()) == []
    print(f"{source[:40]!r}: {elapsed:.1f} s: {message}")


def test_a_template_must_print_the_note_section(library: Library, tmp_path: Path) -> None:
    add_papers(library, ["One paper"])
    template = tmp_path / "old.md.j2"
    template.write_text("{{ front_matter }}\n# {{ title }}\n\n{{ note }}\n", encoding="utf-8")
    with pytest.raises(ExportError, match=r"note_section"):
        export_notes(library, ExportOptions(folder=tmp_path / "vault", template=template))
    assert not (tmp_path / "vault").exists()


# ---------------------------------------------------------------------- leftovers

_HOLD_A_TEMPORARY = """
import sys, time
from pathlib import Path
from reader.export import files
fd, path = files.new_temp(Path(sys.argv[1]))
import os
os.write(fd, b"half a note")
print(path, flush=True)
time.sleep(600)
"""


def test_temporaries_of_a_killed_export_are_removed_by_the_next(
    library: Library, tmp_path: Path
) -> None:
    add_papers(library, ["A paper", "Another"])
    folder = tmp_path / "vault"
    folder.mkdir()
    leftovers = []
    for _ in range(3):  # writers killed while holding their temporary files
        writer = subprocess.Popen(
            [sys.executable, "-c", _HOLD_A_TEMPORARY, str(folder)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        assert writer.stdout is not None
        leftovers.append(Path(writer.stdout.readline().strip()))
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
    assert all(p.exists() for p in leftovers)
    live_fd, live = files.new_temp(folder)  # an export writing right now: never touched
    mine = folder / ".papershelf-my-own-notes.tmp"  # not one of ours: never touched
    mine.write_text("mine", encoding="utf-8")
    try:
        report = export_notes(library, ExportOptions(folder=folder))
        assert not report.errors
        assert not any(p.exists() for p in leftovers)
        assert live.exists()
        assert mine.read_text(encoding="utf-8") == "mine"
    finally:
        os.close(live_fd)
        live.unlink()
