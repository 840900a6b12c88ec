"""The arXiv listing e-mail: the samples field by field, mail encodings, quirks, import."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import reader.digests as digests
from reader.digests import arxiv_email
from reader.digests.errors import DigestFormatError, UnknownFormatError
from reader.importer import Importer, ImportOutcome
from reader.library import Library
from tests.digests.samples import sample

TXT = sample("arxiv-cs-listing-2024-11-21.txt")
EML = sample("arxiv-stat-listing-2025-03-04.eml")
CAPTURED = datetime(2024, 11, 22, tzinfo=UTC)

AMSNET_AUTHORS = (
    "Yichen Shi", "Zhuofu Tao", "Yuhao Gao", "Tianjia Zhou", "Cheng Chang", "Yaxing Wang",
    "Bingyu Chen", "Genhao Zhang", "Alvin Liu", "Zhiping Yu", "Ting-Jung Lin", "Lei He",
)  # fmt: skip


def parse(text: str) -> digests.Digest:
    return digests.parse_bytes(text.encode(), captured_at=CAPTURED)


def entry_text(
    arxiv_id: str = "2411.00001",
    title: str = "A Paper",
    authors: str = "Ann Author, Bob Builder",
    *,
    opener: str | None = None,
    date_line: str = "Date: Mon, 18 Nov 2024 10:00:00 GMT   (12kb)",
    abstract: str | None = "  We study a thing and report results.",
    extra: str = "",
) -> str:
    lines = ["\\\\", opener or f"arXiv:{arxiv_id}", date_line, "", f"Title: {title}"]
    lines += [f"Authors: {authors}", "Categories: cs.LG"]
    if extra:
        lines.append(extra)
    if abstract is not None:
        lines += ["\\\\", abstract]
    lines += [f"\\\\ ( https://arxiv.org/abs/{arxiv_id} ,  12kb)", "-" * 78]
    return "\n".join(lines)


# ------------------------------------------------------------------------------ the samples


def test_text_sample_field_by_field() -> None:
    digest = digests.parse(TXT.path, captured_at=TXT.captured_at)
    assert digest.format == arxiv_email.NAME
    assert digest.date == date(2024, 11, 21)  # the end of the "received from … to …" window
    assert digest.warnings == ()
    e = digest.entries
    assert [x.arxiv_id for x in e] == [
        "2411.13560", "2411.13566", "2411.13571", "2411.12998", "2411.13002", "2308.16137",
        "cs/0703110",
    ]  # fmt: skip
    assert [x.line for x in e] == [16, 34, 59, 76, 90, 103, 115]

    amsnet = e[0]
    assert amsnet.title == (
        "AMSnet-KG: A Netlist Dataset for LLM-based AMS Circuit Auto-Design Using "
        "Knowledge Graph RAG"
    )
    assert amsnet.authors == AMSNET_AUTHORS
    assert amsnet.authors_count == 12
    assert amsnet.categories == ("cs.AI", "cs.ET", "eess.SP")
    assert amsnet.published == date(2024, 11, 7)
    assert amsnet.url == "https://arxiv.org/abs/2411.13560"
    assert amsnet.doi is None
    assert amsnet.comments is None  # "Comments:" is a remark, not the page's comment count
    assert amsnet.abstract.startswith("High-performance analog and mixed-signal (AMS) circuits")
    assert amsnet.abstract.endswith("an automated AMS circuit generation framework built on it.")
    assert "\n" not in amsnet.abstract

    water = e[1]
    assert water.title == (
        "Integrated Water Resource Management in the Segura Hydrographic Basin: "
        "An Artificial Intelligence Approach"
    )
    assert water.authors[-2:] == ("Markel Flores", "Marco Quartulli")
    assert water.doi == "10.1016/j.jenvman.2024.122526"
    assert water.published == date(2024, 11, 11)
    paragraphs = water.abstract.split("\n\n")
    assert len(paragraphs) == 2  # an indented line opens a new paragraph
    assert paragraphs[1].startswith("In the study case of the Segura Hydrographic Basin")
    assert "($hm^3$)" in paragraphs[1]  # math stays as written

    tex = e[2]
    assert tex.title == "Schrödinger Bridges for Unpaired Text Style Transfer"
    assert tex.authors == ("José Hernández", "Björn Ekström", "Françoise Dupré", "Iñaki Ibáñez")
    assert "Schrödinger bridge problem" in tex.abstract

    cross = e[3]
    assert cross.title == "Sketch-Guided Motion Planning with Diffusion Policies"
    assert cross.authors == ("María García-López", "Kenji Watanabe", "Søren Kierkegaard")
    assert cross.categories == ("cs.RO", "cs.LG")
    assert e[4].authors == ("Paweł Nowak", "Łukasz Wiśniewski")

    replaced = e[5]
    assert replaced.title == (
        "LM-Infinite: Zero-Shot Extreme Length Generalization for Large Language Models"
    )
    assert replaced.abstract == ""  # replacements carry no abstract
    assert replaced.published is None  # the replacement date is not the paper's date
    assert replaced.authors_count == 7

    old = e[6]
    assert old.title == "A Note on the Stability of Boosting"
    assert old.authors == ("Gunnar Rätsch", "Yoav Freund")
    assert old.doi == "10.1007/s10994-006-0001-x"
    assert old.url == "https://arxiv.org/abs/cs/0703110"
    assert old.published is None


def test_eml_sample_quoted_printable_and_utf8() -> None:
    digest = digests.parse(EML.path, captured_at=EML.captured_at)
    assert digest.format == arxiv_email.NAME
    assert digest.date == date(2025, 3, 4)
    assert [x.arxiv_id for x in digest.entries] == [
        "2503.02011", "2503.02019", "2503.01544", "2411.13560",
    ]  # fmt: skip
    # Line numbers point at the file's lines, soft line breaks and headers included.
    assert [x.line for x in digest.entries] == [35, 54, 75, 93]
    first, second, cross, replaced = digest.entries
    # A character split by a soft line break ("Nu=C3=\n=B1o") is whole again.
    assert first.authors == ("Zoë Ångström", "Matthias Kößler", "Nuño Pérez-Öztürk")
    assert first.published == date(2025, 3, 3)
    assert "(e = max(e, 0.01))" in first.abstract  # "=3D" decoded
    assert second.title == (
        "Conformal Prediction Sets for Graph-Structured Outcomes Under Exchangeability Violations"
    )
    assert second.abstract.endswith("with a bound on the coverage gap = O(1/√n).")
    assert cross.authors == ("Hiroshi Tanaka", "Élodie Marchand")
    assert cross.categories == ("math.ST", "stat.ML", "stat.TH")
    assert replaced.authors == AMSNET_AUTHORS
    assert replaced.abstract == ""


def test_base64_mail_body_is_decoded_with_its_charset() -> None:
    body = TXT.text().replace("Iñaki Ibáñez", "I\u00f1aki Ib\u00e1\u00f1ez")
    encoded = base64.encodebytes(body.encode("latin-1", errors="replace")).decode()
    mail = (
        "From: no-reply@arxiv.org\nTo: me@example.org\nSubject: cs daily Subj-class mailing\n"
        "Date: Thu, 21 Nov 2024 20:01:02 -0500\nMIME-Version: 1.0\n"
        'Content-Type: text/plain; charset="iso-8859-1"\nContent-Transfer-Encoding: base64\n\n'
        + encoded
    )
    assert arxiv_email.sniff(mail)
    digest = parse(mail)
    assert len(digest.entries) == 7
    assert digest.entries[2].authors[-1] == "Iñaki Ibáñez"


def test_multipart_mail_uses_its_plain_text_part() -> None:
    mail = (
        "From: no-reply@arxiv.org\nSubject: cs daily\nMIME-Version: 1.0\n"
        'Content-Type: multipart/alternative; boundary="XX"\n\n--XX\n'
        "Content-Type: text/html\n\n<p>html</p>\n--XX\nContent-Type: text/plain\n\n"
        + entry_text()
        + "\n--XX--\n"
    )
    digest = parse(mail)
    assert [x.title for x in digest.entries] == ["A Paper"]


def test_mail_headers_without_encoding_keep_line_numbers() -> None:
    mail = "From: no-reply@arxiv.org\nSubject: cs daily\nDate: Mon, 18 Nov 2024 20:00:00 -0500\n\n"
    digest = parse(mail + entry_text())
    assert digest.entries[0].line == 6
    assert digest.date == date(2024, 11, 18)  # no "received from" window: the mail's date


# ------------------------------------------------------------------------------ quirks


def test_old_style_entries_with_paper_and_from_lines() -> None:
    text = entry_text(
        "hep-th/9901001",
        title="Branes and \\{\\bf Black} Holes",
        authors="A. Smith (MIT), J. M\\\"uller and C. Dupr\\'e",
        opener="Paper: hep-th/9901001",
        date_line="From: Anne Smith <smith@mit.edu>\nDate: Fri, 1 Jan 1999 12:00:00 GMT   (20kb)",
    )
    cross = entry_text(
        "cond-mat/9901002", opener="Paper (*cross-listing*): cond-mat/9901002", title="Other"
    )
    digest = parse(text + "\n" + cross)
    first, second = digest.entries
    assert first.arxiv_id == "hep-th/9901001"
    assert first.authors == ("A. Smith", "J. Müller", "C. Dupré")
    assert first.published == date(1999, 1, 1)
    assert second.arxiv_id == "cond-mat/9901002"


@pytest.mark.parametrize(
    ("authors", "expected"),
    [
        ("A. One, B. Two, and C. Three", ("A. One", "B. Two", "C. Three")),
        ("A. One and B. Two", ("A. One", "B. Two")),
        ("A. One (1), B. Two (2) ((1) MIT, (2) ETH (Zurich))", ("A. One", "B. Two")),
        ("The ATLAS Collaboration", ("The ATLAS Collaboration",)),
        ("A. One, B. Two, et al. (84 additional authors not shown)", ("A. One", "B. Two")),
        ("A. One, B. Two et al", ("A. One", "B. Two")),
        ("Li, X.-Y., Wu, S.-N. and Xu, B.", ("Li, X.-Y.", "Wu, S.-N.", "Xu, B.")),
        (
            'G. {\\O}stergaard, K. G\\"{o}del, \\v{S}. \\v{C}ech',
            ("G. Østergaard", "K. Gödel", "Š. Čech"),
        ),
    ],
)
def test_author_lines(authors: str, expected: tuple[str, ...]) -> None:
    assert tuple(arxiv_email.split_authors(authors)) == expected


def test_continuation_lines_rewrapped_by_a_mail_client() -> None:
    text = entry_text(title="A Title That Goes On\nand On", authors="Ann One, Bob\nTwo")
    (paper,) = parse(text).entries
    assert paper.title == "A Title That Goes On and On"
    assert paper.authors == ("Ann One", "Bob Two")


def test_cut_off_last_entry_is_skipped_with_a_warning() -> None:
    text = TXT.text()
    cut = text[: text.index("Title: A Note on the Stability")]
    digest = parse(cut)
    assert len(digest.entries) == 6
    assert digest.warnings
    assert "cs/0703110" in digest.warnings[0]


def test_last_entry_without_its_closing_line_is_kept_with_a_warning() -> None:
    text = entry_text() + "\n" + entry_text("2411.00002", title="Second")
    cut = text[: text.rindex("\\\\ (")]
    digest = parse(cut)
    assert [x.title for x in digest.entries] == ["A Paper", "Second"]
    assert "cut off" in digest.warnings[0]


def test_an_entry_without_a_title_in_the_middle_names_its_line() -> None:
    broken = entry_text("2411.00009").replace("Title: A Paper\n", "")
    with pytest.raises(DigestFormatError) as info:
        parse(entry_text() + "\n" + broken + "\n" + entry_text("2411.00010"))
    assert info.value.line == 13  # its arXiv:ID line
    assert "arXiv:2411.00009" in str(info.value)
    assert "Title:" in str(info.value)


def test_header_without_entries_is_not_a_listing() -> None:
    header = TXT.text()[: TXT.text().index("\\\\")]
    with pytest.raises(UnknownFormatError):
        parse(header)
    with pytest.raises(UnknownFormatError):
        arxiv_email.parse(header, CAPTURED)


def test_a_mail_that_is_no_listing_is_not_claimed() -> None:
    mail = "From: friend@example.org\nTo: me@example.org\nSubject: lunch\n\nSee you at noon.\n"
    assert not arxiv_email.sniff(mail)
    assert digests.detect(mail.encode()) is None


# ------------------------------------------------------------------------------ import


def test_import_end_to_end(library: Library) -> None:
    report = Importer(library).import_file(TXT.path, captured_at=TXT.captured_at)
    assert report.outcome is ImportOutcome.IMPORTED, report.message
    assert (report.entries, report.new) == (7, 7)
    (record,) = library.digests()
    assert record.format == arxiv_email.NAME
    assert record.digest_date == date(2024, 11, 21)
    papers = {p.arxiv_id: p for p in library.papers()}
    assert set(papers) >= {"2411.13560", "cs/0703110", "2308.16137"}
    tex = papers["2411.13571"]
    assert tex.key == "arxiv:2411.13571"
    assert tex.title == "Schrödinger Bridges for Unpaired Text Style Transfer"
    assert tex.authors == ("José Hernández", "Björn Ekström", "Françoise Dupré", "Iñaki Ibáñez")
    assert tex.authors_count == 4
    assert tex.categories == ("cs.CL", "cs.LG")
    assert tex.url == "https://arxiv.org/abs/2411.13571"
    assert papers["2411.13566"].doi == "10.1016/j.jenvman.2024.122526"
    # The .eml lists AMSnet-KG again (replaced): the same paper, its categories kept.
    second = Importer(library).import_file(EML.path, captured_at=EML.captured_at)
    assert (second.entries, second.new) == (4, 3)
    assert library.count() == 10
    amsnet = next(p for p in library.papers() if p.arxiv_id == "2411.13560")
    assert len(amsnet.appearances) == 2


def test_file_is_left_untouched(library: Library, tmp_path: Path) -> None:
    copy = tmp_path / "listing.eml"
    copy.write_bytes(EML.path.read_bytes())
    before = copy.read_bytes(), copy.stat().st_mtime_ns
    assert Importer(library).import_file(copy).outcome is ImportOutcome.IMPORTED
    assert (copy.read_bytes(), copy.stat().st_mtime_ns) == before


def test_hidden_authors_are_counted_not_named() -> None:
    """A mailing lists 46 names, then "et al. (84 additional authors not shown)": 130."""
    names = ", ".join(f"Author Number{n}" for n in range(46))
    authors = f"{names} et al. (84 additional authors not shown)"
    (paper,) = parse(entry_text(authors=authors)).entries
    assert len(paper.authors) == 46
    assert "et al." not in " ".join(paper.authors)
    assert paper.authors_count == 130


TEX_ABSTRACT = (
    r"We reach $\lesssim1\%$ error, 50\% fewer steps and R\&D savings of \$16.9B;"
    r" $$\sum_i x_i \% y$$ holds for Schr\"odinger's \#1 case."
)
TEX_EXPECTED = (
    r"We reach $\lesssim1\%$ error, 50% fewer steps and R&D savings of \$16.9B;"
    r" $$\sum_i x_i \% y$$ holds for Schrödinger's #1 case."
)


def test_one_tex_rule_keeps_math_as_written_in_every_reader() -> None:
    """The same abstract from the listing mail and from Hugging Face JSON reads the same:
    math untouched (Obsidian renders it), escapes outside math resolved but for \\$."""
    (mailed,) = parse(entry_text(abstract="  " + TEX_ABSTRACT)).entries
    data = json.dumps({"id": "2411.00001", "title": "A Paper", "summary": TEX_ABSTRACT})
    (from_json,) = digests.parse_bytes(data.encode(), captured_at=CAPTURED).entries
    assert mailed.abstract == from_json.abstract == TEX_EXPECTED


# ------------------------------------------------------------------------------ mail: the email package


def test_an_mbox_of_listings_gives_every_mailing_with_file_lines() -> None:
    first = EML.text()
    other = "From: friend@example.org\nTo: me@example.org\nSubject: lunch\n\nSee you at noon.\n"
    second = (
        "From: no-reply@arxiv.org\nSubject: cs daily\nDate: Mon, 18 Nov 2024 20:00:00 -0500\n\n"
    )
    second += entry_text("2411.00007", title="From The Second Mailing")
    mbox = "".join(
        f"From no-reply@arxiv.org Tue Mar  4 20:00:00 2025\n{body}\n"
        for body in (first, other, second)
    )
    assert arxiv_email.sniff(mbox)
    digest = parse(mbox)
    assert digest.format == arxiv_email.NAME
    assert [x.arxiv_id for x in digest.entries] == [
        "2503.02011", "2503.02019", "2503.01544", "2411.13560", "2411.00007",
    ]  # fmt: skip
    # The first mailing starts on line 2 (after its From line): every line shifts by one.
    assert [x.line for x in digest.entries[:4]] == [36, 55, 76, 94]
    other_start = 2 + first.count("\n") + 1 + 1
    second_start = other_start + other.count("\n") + 1 + 1
    assert digest.entries[4].line == second_start + 4 + 1  # headers, blank, then the \\ line
    assert digest.date == date(2025, 3, 4)  # the latest mailing's day
    assert digest.warnings == (
        (
            f"line {other_start}: this message was skipped: this is not an arXiv listing "
            "(no '\\\\' line before an arXiv id)"
        ),
    )


def test_an_mbox_without_any_listing_is_not_claimed() -> None:
    other = "From: friend@example.org\nTo: me@example.org\nSubject: lunch\n\nSee you at noon.\n"
    mbox = f"From a@b Tue Mar  4 20:00:00 2025\n{other}\nFrom a@b Tue Mar  4 21:00:00 2025\n{other}"
    assert not arxiv_email.sniff(mbox)
    with pytest.raises(UnknownFormatError, match="none of the 2 messages"):
        arxiv_email.parse(mbox, CAPTURED)


def test_an_8bit_body_is_read_as_the_file_was_whatever_charset_it_declares() -> None:
    """The file's bytes were decoded already (UTF-8, a stray byte as cp1252): a body sent
    without a transfer encoding is that text, never decoded a second time (no mojibake)."""
    mail = (
        "From: no-reply@arxiv.org\nSubject: cs daily\nMIME-Version: 1.0\n"
        'Content-Type: text/plain; charset="iso-8859-1"\nContent-Transfer-Encoding: 8bit\n\n'
        + entry_text(authors="José Hernández, Björn Ekström")
    )
    for data in (mail.encode("utf-8"), mail.encode("latin-1")):
        (paper,) = digests.parse_bytes(data, captured_at=CAPTURED).entries
        assert paper.authors == ("José Hernández", "Björn Ekström")


def test_quoted_printable_without_a_charset_is_read_as_utf8() -> None:
    body = entry_text(authors="Zo=C3=AB =C3=85ngstr=C3=B6m, Bob Builder").replace(
        "We study a thing", "We study a =\nthing"
    )
    mail = (
        "From: no-reply@arxiv.org\nSubject: cs daily\nMIME-Version: 1.0\n"
        "Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n" + body
    )
    (paper,) = parse(mail).entries
    assert paper.authors == ("Zoë Ångström", "Bob Builder")
    assert paper.abstract == "We study a thing and report results."


def test_an_unknown_charset_is_a_clear_error_not_a_guess() -> None:
    mail = (
        "From: no-reply@arxiv.org\nSubject: cs daily\nMIME-Version: 1.0\n"
        'Content-Type: text/plain; charset="x-no-such-charset"\n'
        "Content-Transfer-Encoding: quoted-printable\n\n" + entry_text()
    )
    with pytest.raises(DigestFormatError, match="could not be decoded"):
        parse(mail)


def test_the_hand_written_transfer_decoding_is_gone() -> None:
    """Transfer encodings are the email package's job (reader.digests.mail)."""
    source = Path(arxiv_email.__file__).read_text(encoding="utf-8")
    assert "get_payload(" not in source
    assert "Content-Transfer-Encoding" not in source.split('"""', 2)[2]
