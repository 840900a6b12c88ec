"""The same paper from an arXiv feed and from a reference manager's export is one paper,
in a real library file; and a large ``.bib`` imports in one transaction with its broken
entries reported by line.
"""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path

from reader.importer import Importer, ImportOutcome
from reader.library import Library, import_steps
from tests.digests.samples import sample

# Google Scholar's "Cite → BibTeX" for two papers of the arXiv API sample, as Scholar
# writes it (lower-case title, TeX accent, the preprint named in `journal`).
SCHOLAR_BIB = r"""@article{gu2021efficiently,
  title={Efficiently modeling long sequences with structured state spaces},
  author={Gu, Albert and Goel, Karan and R{\'e}, Christopher},
  journal={arXiv preprint arXiv:2111.00396},
  year={2021}
}

@misc{han2023lminfinite,
  title = {{LM}-{Infinite}: Zero-Shot Extreme Length Generalization for Large Language Models},
  author = {Han, Chi and Wang, Qifan and Peng, Hao and Xiong, Wenhan and Chen, Yu and Ji, Heng and Wang, Sinong},
  eprint = {2308.16137v6}, eprinttype = {arXiv},
  note = {my own copy}
}
"""


def paper_by_arxiv(library: Library, arxiv_id: str) -> int:
    ids = [i for i in library.paper_ids() if library.paper(i).arxiv_id == arxiv_id]
    assert len(ids) == 1, f"{arxiv_id} is {len(ids)} papers"
    return ids[0]


def test_a_feed_then_a_bib_of_the_same_papers_adds_no_paper(
    library: Library, tmp_path: Path
) -> None:
    importer = Importer(library)
    feed = importer.import_file(sample("arxiv-api-query-long-context.atom").path)
    assert feed.outcome is ImportOutcome.IMPORTED
    before = library.count()
    path = tmp_path / "My Library.bib"
    path.write_text(SCHOLAR_BIB, encoding="utf-8")
    report = importer.import_file(path)
    assert report.outcome is ImportOutcome.IMPORTED, report.summary()
    assert (report.new, report.entries) == (0, 2)
    assert library.count() == before
    s4 = library.paper(paper_by_arxiv(library, "2111.00396"))
    assert (
        s4.title == "Efficiently Modeling Long Sequences with Structured State Spaces"
    )  # the feed's
    assert len(s4.appearances) == 2
    assert len(library.paper(paper_by_arxiv(library, "2308.16137")).appearances) == 2


def test_a_bib_then_the_feed_fills_in_what_the_bib_lacked(library: Library, tmp_path: Path) -> None:
    importer = Importer(library)
    path = tmp_path / "scholar.bib"
    path.write_text(SCHOLAR_BIB, encoding="utf-8")
    assert importer.import_file(path).new == 2
    assert importer.import_file(sample("arxiv-api-query-long-context.atom").path).ok
    s4 = library.paper(paper_by_arxiv(library, "2111.00396"))
    assert s4.authors[:3] == ("Albert Gu", "Karan Goel", "Christopher Ré")
    assert s4.abstract  # the feed's abstract, where the .bib had none
    assert len(s4.appearances) == 2


def test_ris_csl_json_and_a_scholar_alert_name_the_same_paper(
    library: Library, tmp_path: Path
) -> None:
    importer = Importer(library)
    assert importer.import_file(sample("arxiv-api-query-long-context.atom").path).ok
    before = library.count()
    ris = tmp_path / "scopus.ris"
    ris.write_text(
        "TY  - PREP\nTI  - Efficiently modeling long sequences with structured state spaces\n"
        "AU  - Gu, Albert\nUR  - https://arxiv.org/abs/2111.00396v3\nER  - \n",
        encoding="utf-8",
    )
    csl = tmp_path / "zotero.json"
    csl.write_text(
        json.dumps(
            [
                {
                    "id": "gu", "type": "article", "title": "Efficiently Modeling Long Sequences",
                    "DOI": "10.48550/arXiv.2111.00396", "author": [{"family": "Gu", "given": "Albert"}],
                }
            ]
        ),
        encoding="utf-8",
    )  # fmt: skip
    alert = tmp_path / "alert.eml"
    alert.write_text(
        "From: Google Scholar Alerts <scholaralerts-noreply@google.com>\nTo: me@example.org\n"
        "Subject: new citations\nDate: Tue, 10 Dec 2019 11:24:26 -0800\n"
        'Content-Type: text/html; charset="UTF-8"\n\n'
        '<h3><a class="gse_alrt_title" href="http://scholar.google.com/scholar_url?url='
        'https://arxiv.org/pdf/2111.00396&amp;hl=en">Efficiently modeling long sequences…</a></h3>'
        '<div style="color:#006621">A Gu, K Goel, C Ré - arXiv preprint arXiv:2111.00396, 2021</div>',
        encoding="utf-8",
    )
    for path in (ris, csl, alert):
        report = importer.import_file(path)
        assert report.outcome is ImportOutcome.IMPORTED, (path.name, report.summary())
        assert report.new == 0, path.name
    assert library.count() == before
    assert len(library.paper(paper_by_arxiv(library, "2111.00396")).appearances) == 4


def test_a_journal_paper_from_scopus_and_from_the_feed_is_one_paper(
    library: Library, tmp_path: Path
) -> None:
    """No arXiv id in the Scopus record: the title (and DOI) still make it one paper."""
    importer = Importer(library)
    assert importer.import_file(sample("arxiv-api-query-long-context.atom").path).ok
    feed_ids = set(library.paper_ids())
    journal = next(library.paper(i) for i in feed_ids if library.paper(i).doi)
    ris = tmp_path / "scopus.ris"
    ris.write_text(
        f"TY  - JOUR\nTI  - {journal.title.upper()}\nDO  - {journal.doi}\nPY  - 2024\nER  - \n",
        encoding="utf-8",
    )
    report = importer.import_file(ris)
    assert report.new == 0, report.summary()
    assert set(library.paper_ids()) == feed_ids


def test_five_thousand_entries_import_in_bounded_steps_with_broken_ones_reported(
    library: Library, tmp_path: Path
) -> None:
    blocks = []
    for n in range(5_000):
        if n % 1_000 == 999:
            blocks.append(f"@article{{broken{n},\n  title = {{Never closed,\n")
        else:
            blocks.append(
                f"@article{{k{n},\n  title = {{Paper number {n} on M{{\\\"u}}ller's method}},\n"
                f'  author = {{M{{\\"u}}ller, Hans and Doe, Jane}},\n  year = {{2020}},\n'
                f"  eprint = {{2001.{n:05d}}}, archivePrefix = {{arXiv}},\n}}\n"
            )
    path = tmp_path / "big.bib"
    path.write_text("\n".join(blocks), encoding="utf-8")
    statements: list[str] = []
    # The tracer gets each trigger's statement as the whole expanded INSERT: with statements
    # of about a thousand rows that is gigabytes of text, so keep them to a few rows here.
    library.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    library.connection.set_trace_callback(lambda s: statements.append(s[:8]))
    try:
        report = Importer(library).import_file(path)
    finally:
        library.connection.set_trace_callback(None)
    assert report.outcome is ImportOutcome.IMPORTED, report.summary()
    assert report.new == 4_995
    assert library.count() == 4_995
    # A digest this large is written in bounded steps (reader.library.import_steps) so that
    # other writers never wait long; a crash between steps is rolled back on the next open.
    begins = sum(s.strip().upper().startswith("BEGIN") for s in statements)
    commits = sum(s.strip().upper() == "COMMIT" for s in statements)
    assert begins == commits
    assert 2 <= commits <= math.ceil(4_995 / import_steps.STEP) + 2
    broken = [w for w in report.warnings if "could not be read" in w]
    assert len(broken) == 5
    line_of_first = 1 + sum(block.count("\n") + 1 for block in blocks[:999])
    assert broken[0].startswith(f"line {line_of_first}: the entry '@article{{broken999,'")
    paper = library.paper(paper_by_arxiv(library, "2001.00000"))
    assert paper.authors == ("Hans Müller", "Jane Doe")
