"""Constructed attacks on every format: each file ends with papers or one plain line.

Through the importer, in a fresh interpreter whose address space is limited, under a guard
timeout (a hang, not slowness, trips it): entity expansion (billion laughs), external
entities, nesting 100,000 deep, a 50 MB single line and 30 MB ones, NUL bytes, invalid
UTF-8/16/32 after a BOM, truncated gzip and zip, an mbox of 100,000 tiny messages, BibTeX
braces 100,000 deep, RIS records that never end. "Plain" is as in
``test_hostile_formats.py``; how long each attack took is printed, never asserted.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.library import Library
from tests.test_hostile import MEMORY_LIMIT, is_for_people, run_limited
from tests.test_hostile_formats import SAMPLES

_RSS = (
    '<rss version="2.0"><channel><title>t</title>',
    "</channel></rss>",
    "<item><title>{}</title><link>https://example.org/a</link><description>d</description></item>",
)
_ATOM = (
    '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>',
    "</feed>",
    "<entry><title>{}</title><id>http://arxiv.org/abs/2401.01234v1</id><summary>s</summary></entry>",
)
_ARXIV_RSS = (
    (
        '<rss version="2.0"><channel><title>cs.CL updates on arXiv.org</title>'
        "<link>http://rss.arxiv.org/rss/cs.CL</link>"
    ),
    "</channel></rss>",
    (
        "<item><title>{}</title><link>https://arxiv.org/abs/2401.01234</link><description>"
        "arXiv:2401.01234v1 Announce Type: new Abstract: x</description></item>"
    ),
)
_RDF = (
    (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/"><channel><title>t</title></channel>'
    ),
    "</rdf:RDF>",
    '<item rdf:about="x"><title>{}</title><link>https://example.org/a</link></item>',
)
_FEEDS = {"rss": _RSS, "atom": _ATOM, "arxiv.rss": _ARXIV_RSS, "rdf": _RDF}
_SECRET = "root:x:0:0"  # what an external entity naming /etc/passwd would bring in
MEGA = 1 << 20


def _feed(shape: tuple[str, str, str], title: str, doctype: str = "") -> bytes:
    opening, closing, item = shape
    return f'<?xml version="1.0"?>\n{doctype}{opening}{item.format(title)}{closing}'.encode()


def _laughs() -> str:
    """The billion laughs: ten levels of ten references, 10⁹ "lol"s if expanded."""
    levels = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    return f'<!DOCTYPE x [<!ENTITY l0 "lol">{levels}]>\n'


def _external(system_id: str) -> str:
    return (
        f'<!DOCTYPE x [<!ENTITY e SYSTEM "{system_id}"><!ENTITY % p SYSTEM "{system_id}"> %p;]>\n'
    )


def _mbox(count: int, body: Callable[[int], bytes]) -> bytes:
    return b"".join(
        b"From a@example.org Mon Jan  1 00:00:00 2024\nFrom: no-reply@arXiv.org\n"
        b"Subject: cs daily Subj-class mailing %d\n\n%s\n" % (n, body(n))
        for n in range(count)
    )


def _zip_cut() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("refs.bib", (SAMPLES / "zotero-bbt-eprint.bib").read_bytes())
    return buffer.getvalue()[:200]


def attacks() -> dict[str, tuple[Callable[[], bytes], bool]]:
    """Name → (the file's bytes, whether to store its papers too; parsing alone for the
    ones with 100,000 papers, whose storing is measured in ``make bench``)."""
    found: dict[str, tuple[Callable[[], bytes], bool]] = {}
    for name, shape in _FEEDS.items():
        found[f"laughs.{name}"] = (lambda s=shape: _feed(s, "A &l9; title", _laughs()), True)
        found[f"external-file.{name}"] = (
            lambda s=shape: _feed(s, "A &e; title", _external("file:///etc/passwd")),
            True,
        )
        found[f"external-http.{name}"] = (
            lambda s=shape: _feed(s, "A &e; title", _external("http://127.0.0.1:9/x")),
            True,
        )
        found[f"nested-100k.{name}"] = (
            lambda s=shape: _feed(s, "T" + "<b>" * 100_000 + "x" + "</b>" * 100_000),
            True,
        )
        found[f"unclosed-100k.{name}"] = (
            lambda s=shape: _feed(s, "T")[: -len(s[1])] + b"<x>" * 100_000,
            True,
        )
    found |= {
        "arrays-100k.json": (lambda: b"[" * 100_000 + b"]" * 100_000, True),
        "objects-100k.json": (lambda: b'{"a":' * 100_000 + b"1" + b"}" * 100_000, True),
        "hf-title-nested-100k.json": (
            lambda: (
                b'[{"paper": {"id": "2501.00001", "title": '
                + b"[" * 100_000
                + b"]" * 100_000
                + b"}}]"
            ),
            True,
        ),
        "csl-authors-unclosed-100k.json": (
            lambda: b'[{"type": "article", "title": "x", "author": ' + b"[{" * 100_000,
            True,
        ),
        "csl-date-of-100k-digits.json": (
            lambda: (
                b'[{"type": "article", "title": "x", "issued": {"date-parts": [['
                + b"9" * 100_000
                + b"]]}}]"
            ),
            True,
        ),
        "csl-note-nested-100k.json": (
            lambda: (
                b'[{"type": "article-journal", "title": "x", "author": [{"family": "A", '
                b'"given": "B"}], "issued": {"date-parts": [[2024]]}, "DOI": "10.1/x", "note": '
                + b"[" * 100_000
                + b"]" * 100_000
                + b"}]"
            ),
            True,
        ),
        "hf-upvotes-of-100k-digits.json": (
            lambda: (
                b'[{"paper": {"id": "2501.00001", "title": "x", "summary": "s", '
                b'"authors": [{"name": "A"}], "upvotes": ' + b"9" * 100_000 + b"}}]"
            ),
            True,
        ),
        "line-of-50-mb.txt": (lambda: b"Daily Papers\n" + b"y" * (50 * MEGA), True),
        "line-of-30-mb.txt": (lambda: b"Daily Papers\n\nJan 30\n\n" + b"y" * (30 * MEGA), True),
        "line-of-30-mb.bib": (lambda: b"@article{k, title={" + b"y" * (30 * MEGA) + b"}}", True),
        "line-of-30-mb.json": (
            lambda: b'[{"type": "article", "title": "' + b"y" * (30 * MEGA) + b'"}]',
            True,
        ),
        "line-of-30-mb.rss": (lambda: _feed(_RSS, "y" * (30 * MEGA)), True),
        "nul-bytes.bib": (lambda: b"@article{a, title={A\x00B}, year={2024}}", True),
        "bad-utf-8-after-bom.bib": (
            lambda: b"\xef\xbb\xbf@article{a, title={\xff\xfe\xc3\x28 \xed\xa0\x80}, year={2024}}",
            True,
        ),
        "utf-16-bom-odd-length.ris": (
            lambda: b"\xff\xfe" + "TY  - JOUR\nTI  - x\nER  - \n".encode("utf-16-le") + b"\x00",
            True,
        ),
        "utf-16-bom-lone-surrogates.ris": (
            lambda: (
                b"\xff\xfe"
                + "TY  - JOUR\nTI  - ".encode("utf-16-le")
                + b"\x00\xd8\x00\xd8"
                + "\nER  - \n".encode("utf-16-le")
            ),
            True,
        ),
        "utf-32-bom-beyond-unicode.txt": (
            lambda: (
                b"\xff\xfe\x00\x00" + b"\xff\xff\xff\xff" * 100 + "Daily Papers".encode("utf-32-le")
            ),
            True,
        ),
        "gzip-cut-short.json.gz": (
            lambda: gzip.compress((SAMPLES / "hf-daily-papers-2025-04-10.json").read_bytes())[:500],
            True,
        ),
        "zip-cut-short.zip": (_zip_cut, True),
        "mbox-of-100k-tiny-messages.mbox": (lambda: _mbox(100_000, lambda n: b"hi"), False),
        "mbox-of-100k-tiny-listings.mbox": (
            lambda: _mbox(
                100_000, lambda n: b"\\\\\narXiv:2401.%05d\nTitle: T %d\nAuthors: A\n\\\\" % (n, n)
            ),
            False,
        ),
        "braces-100k-deep-unbalanced.bib": (
            lambda: b"@article{k, title={" + b"{" * 100_000 + b"}, year={2024}}",
            True,
        ),
        "braces-100k-deep-balanced.bib": (
            lambda: b"@article{k, title={" + b"{" * 100_000 + b"x" + b"}" * 100_000 + b"}}",
            True,
        ),
        "at-signs-100k.bib": (lambda: b"@article{" * 100_000, True),
        "strings-referring-in-a-loop.bib": (
            lambda: b"@string{a = b}\n@string{b = a}\n@article{k, title = a, year = 2024}\n",
            True,
        ),
        "strings-doubling-40-times.bib": (
            lambda: (
                b'@string{s0 = "lol"}\n'
                + b"".join(b"@string{s%d = s%d # s%d}\n" % (i, i - 1, i - 1) for i in range(1, 40))
                + b"@article{k, title = s39, year = 2024}\n"
            ),
            True,
        ),
        "ris-with-no-end-tag.ris": (
            lambda: b"TY  - JOUR\nTI  - A title\nAU  - Doe, J.\nPY  - 2024\n",
            True,
        ),
        "ris-100k-records-with-no-end-tag.ris": (
            lambda: b"".join(b"TY  - JOUR\nTI  - T%d\n" % n for n in range(100_000)),
            False,
        ),
        "html-nested-200k.html": (
            lambda: b"<html><title>Daily Papers</title><body>" + b"<div>" * 200_000,
            True,
        ),
        "markdown-quotes-200k.md": (lambda: b"# Daily Papers\n\n" + b">" * 200_000 + b" x\n", True),
        "markdown-brackets-200k.md": (
            lambda: b"# Daily Papers\n\n### " + b"[" * 200_000 + b"\n",
            True,
        ),
        "tex-commands-50k-deep.bib": (
            lambda: (
                b"@article{k, title={"
                + b"\\emph{" * 50_000
                + b"}" * 50_000
                + b"}, author={"
                + b"{" * 50_000
                + b"}" * 50_000
                + b"}, year={2024}}"
            ),
            True,
        ),
    }
    return found


_ATTACK_DRIVER = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from reader.digests import DigestError, parse
from reader.importer import Importer
from reader.library import Library
library = Library(sys.argv[1])
importer = Importer(library)
for arg in sys.argv[2:]:
    store, path = arg.split(":", 1)
    started = time.process_time()
    if store == "1":
        report = importer.import_file(path)
        outcome, message, entries = report.outcome.value, report.message, report.entries
    else:
        try:
            outcome, message, entries = "imported", "", len(parse(path).entries)
        except DigestError as exc:
            outcome, message, entries = "failed", str(exc), 0
    print(json.dumps({{
        "name": path.rsplit("/", 1)[-1], "cpu_s": time.process_time() - started,
        "outcome": outcome, "message": message, "entries": entries,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }}), flush=True)
library.close()
"""


def family(name: str) -> str:
    """Attacks run in batches by the kind of file (what follows the name's first dot)."""
    return name.split(".", 1)[1]


FAMILIES = sorted({family(name) for name in attacks()})
GUARD_S = 240
"""A hang, not slowness, trips it: on a loaded 2-core machine the slowest batch takes about
40 s (eight seconds of CPU)."""


@pytest.mark.slow
@pytest.mark.timeout(GUARD_S + 60)
@pytest.mark.parametrize("kind", FAMILIES)
def test_every_constructed_attack_ends_with_papers_or_one_plain_line(
    tmp_path: Path, kind: str
) -> None:
    folder = tmp_path / "attacks"
    folder.mkdir()
    chosen = {name: spec for name, spec in attacks().items() if family(name) == kind}
    args = []
    for name, (build, store) in chosen.items():
        (folder / name).write_bytes(build())
        args.append(f"{int(store)}:{folder / name}")
    library = tmp_path / "lib.sqlite"
    code = _ATTACK_DRIVER.format(limit=MEMORY_LIMIT)
    result = run_limited(code, str(library), *args, guard=GUARD_S)
    assert result.returncode == 0, result.stderr[-3000:]
    results = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["name"] for r in results] == list(chosen)
    print(f"\n{len(results)} constructed attacks on .{kind} files:")
    for got in results:
        print(
            f"  {got['name']:<40} {got['cpu_s']:6.2f} s CPU  peak so far {got['peak_mb']:4d} MB  "
            f"{got['outcome']}: {got['message'][:90] or got['entries']}"
        )
        if got["outcome"] == "imported":
            assert got["entries"] >= 1, got
        else:
            assert got["outcome"] == "failed", got
            assert is_for_people(got["message"]), got
            assert "\n" not in got["message"], got
            assert "internal error" not in got["message"], got
    by_name = {r["name"]: r for r in results}
    if "line-of-50-mb.txt" in by_name:
        assert re.search(r"at most 32 MB", by_name["line-of-50-mb.txt"]["message"])
    if "ris-100k-records-with-no-end-tag.ris" in by_name:
        assert by_name["ris-100k-records-with-no-end-tag.ris"]["entries"] == 100_000
    with Library(library) as lib:
        titles = [p.title for p in lib.papers()]
    assert not any(_SECRET in t for t in titles)  # no external entity was fetched
    assert all(len(t) <= 31 * MEGA for t in titles)  # no entity was expanded
