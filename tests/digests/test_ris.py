"""RIS: field by field on real exports (Scopus, EndNote, rispy's fixtures), then edge cases."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

import reader.digests as digests
from reader.digests import ris
from reader.digests.errors import DigestFormatError, UnknownFormatError
from reader.digests.model import Digest
from tests.digests.samples import sample

CAPTURED = datetime(2025, 4, 10, 21, tzinfo=UTC)


def read(name: str) -> Digest:
    return digests.parse(sample(name).path, captured_at=CAPTURED)


def parse(text: str) -> Digest:
    return ris.parse(text, CAPTURED)


def test_scopus_record_field_by_field() -> None:
    digest = read("scopus-export.ris")
    assert digest.format == ris.NAME
    (entry,) = digest.entries
    assert entry.title == (
        "A transversely isotropic composite with a statistical distribution of spheroidal "
        "inclusions: A geometrical approach to overall properties"
    )
    assert entry.journal == "Journal of the Mechanics and Physics of Solids"
    assert entry.published == date(2004, 1, 1)
    assert entry.doi == "10.1016/j.jmps.2004.03.010"
    assert entry.authors == ("S. Federico", "A. Grillo", "W. Herzog")
    assert entry.authors_count == 3
    assert entry.url is not None
    assert entry.url.startswith("http://www.scopus.com/inward/record.url?eid=2-s2.0-4544289390")
    assert entry.categories == ()  # Scopus keywords are keywords
    assert entry.abstract == ""
    assert entry.arxiv_id is None
    assert entry.line == 1


def test_endnote_record_with_one_value_per_line() -> None:
    (entry,) = read("endnote-export.ris").entries
    assert entry.title == "EndNote: The Only Reference I Can Remember"
    assert entry.abstract.startswith("This is a test article about the mysterious world")
    assert entry.authors == ("A. Nonymous Smith", "J. Doe", "N. Ote End", "E. Rence Ref")
    assert entry.doi == "10.1234/endnote.joke.2024"
    assert entry.journal == "Journal of Reference Management"
    assert entry.published == date(2024, 1, 1)
    assert entry.url == "https://www.endnote.com/"  # the first of two UR lines


def test_cyrillic_record_with_a_nonstandard_type_and_only_a_short_title() -> None:
    (entry,) = read("utf-chars.ris").entries
    assert entry.title.startswith("Состояние рецепторного аппарата эндометрия")  # from ST
    assert entry.abstract.endswith("in the late reproductive period")  # continuation line kept
    assert "\n" not in entry.abstract
    assert entry.authors[0] == "Yu E. Dobrokhotova"
    assert entry.journal == "Gynecology, Obstetrics and Perinatology"
    assert entry.published == date(2009, 1, 1)


def test_numbered_records_keep_their_lines() -> None:
    first, second = read("numbered-records.ris").entries
    assert (first.title, first.line) == ("Title of reference", 2)
    assert (second.title, second.line) == ("The title of the reference", 29)
    assert first.authors == ("Karl Marx", "Astrid Lindgren")  # A1, not the A2 editor
    assert first.published == date(2014, 1, 1)  # "Y1  - 2014//"
    assert first.abstract.startswith("BACKGROUND: Lorem ipsum")  # N2
    assert first.journal == "Lorem"  # JF


def test_a_record_without_er_does_not_swallow_the_next_one() -> None:
    digest = parse(
        "TY  - JOUR\nTI  - First\nPY  - 2001/09/01/\n"
        "TY  - JOUR\nTI  - Second\nDA  - 2014/12/12\nER  - \n"
    )
    assert [(e.title, e.line, e.published) for e in digest.entries] == [
        ("First", 1, date(2001, 9, 1)),
        ("Second", 4, date(2014, 12, 12)),
    ]
    assert digest.warnings == (
        "line 1: the record has no 'ER  -' end line; read up to the next one",
    )


def test_a_record_without_a_title_is_reported() -> None:
    digest = parse(
        "TY  - PAT\nT2  - Journal\nAU  - some author\nDO  - doi:10.1201/b19107-2\nER  - dsfd\n\n"
        "TY  - JOUR\nTI  - Kept\nER  - \n"
    )
    assert [e.title for e in digest.entries] == ["Kept"]
    assert digest.warnings == ("1 records without a title were skipped (lines 1)",)


def test_zotero_arxiv_preprint_record() -> None:
    (entry,) = parse(
        "TY  - PREP\nTI  - Attention Is All You Need\nAU  - Vaswani, Ashish\n"
        "DO  - 10.48550/arXiv.1706.03762\nUR  - http://arxiv.org/abs/1706.03762\n"
        "N1  - arXiv:1706.03762 [cs]\nKW  - Computer Science - Computation and Language\n"
        "KW  - cs.CL\nER  - \n"
    ).entries
    assert entry.arxiv_id == "1706.03762"
    assert entry.doi == "10.48550/arXiv.1706.03762"
    assert entry.categories == ("cs.CL",)
    assert entry.authors == ("Ashish Vaswani",)


def test_doi_with_a_prefix_and_a_doi_link() -> None:
    (entry,) = parse("TY  - JOUR\nTI  - T\nDO  - doi:10.1201/b19107-2\nER  - \n").entries
    assert entry.doi == "10.1201/b19107-2"
    assert entry.url == "https://doi.org/10.1201/b19107-2"
    (entry,) = parse(
        "TY  - JOUR\nTI  - T\nUR  - http://dx.doi.org/10.1023/A:1017379030770\nER  - \n"
    ).entries
    assert entry.doi == "10.1023/A:1017379030770"


def test_sniff() -> None:
    assert ris.sniff("\ufeff\n1. \nTY  - JOUR\nTI  - x\nER  - \n")
    assert not ris.sniff("TY  - JOUR\n")  # a lone type line is no record
    assert not ris.sniff("AU  - Doe\nTY  - JOUR\nTI  - T\n")  # tags before TY
    assert not ris.sniff("TY - JOUR\nTI - one space only\n")
    assert not ris.sniff("Hello\n" * 30 + "TY  - JOUR\nTI  - T\n")


def test_no_titled_record_fails_with_a_clear_message() -> None:
    with pytest.raises(DigestFormatError, match="no record with a title"):
        parse("TY  - JOUR\nAU  - Doe, J\nER  - \n")
    with pytest.raises(UnknownFormatError):
        parse("not RIS at all")


def test_web_of_science_plain_text_export_field_by_field() -> None:
    digest = read("web-of-science-export.txt")
    assert digest.format == ris.NAME
    assert digest.warnings == ()
    (entry,) = digest.entries
    # Continuation lines (three spaces) join the title and the author list.
    assert entry.title == (
        "Interactions stabilizing the structure of the core light-harvesting complex (LHl) of "
        "photosynthetic bacteria and its subunit (B820)"
    )
    assert entry.authors == ("PS Parkes-Loach", "AP Majeed", "CJ Law", "PA Loach")
    assert entry.journal == "Biochemistry"  # SO is in capitals
    assert entry.published == date(2004, 6, 8)  # PY 2004 + PD JUN 8
    assert entry.doi == "10.1021/bi049798f"
    assert entry.url == "https://doi.org/10.1021/bi049798f"
    assert entry.abstract.startswith("Reconstitution experiments with a chemically synthesized")
    assert entry.line == 3
    # 59 cited references carry DOIs of other papers: none of them becomes this one's.
    assert entry.arxiv_id is None


def test_web_of_science_record_without_er_and_odd_dates() -> None:
    digest = parse(
        "FN Thomson Reuters Web of Science\nVR 1.0\n"
        "PT J\nTI First\nPY 2010\nPD SPR\n"
        "PT J\nAU Doe, J\nTI Second\nSO JOURNAL OF THE MECHANICS AND PHYSICS OF SOLIDS\nPY 2011\nPD DEC-JAN\nER\nEF\n"
    )
    assert [(e.title, e.published, e.line) for e in digest.entries] == [
        ("First", date(2010, 1, 1), 3),
        ("Second", date(2011, 12, 1), 7),
    ]
    assert digest.entries[1].journal == "Journal of the Mechanics and Physics of Solids"
    assert digest.warnings == ("line 3: the record has no 'ER' end line; read up to the next one",)
