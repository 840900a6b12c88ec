"""BibTeX/BibLaTeX: field by field on real exports (Better BibTeX, JabRef, Google Scholar),
then the edge cases real libraries contain.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

import reader.digests as digests
from reader.digests import bibtex
from reader.digests.errors import DigestFormatError, UnknownFormatError
from reader.digests.model import Digest
from tests.digests.samples import sample

CAPTURED = datetime(2025, 4, 10, 21, tzinfo=UTC)


def read(name: str) -> Digest:
    return digests.parse(sample(name).path, captured_at=CAPTURED)


def bib(text: str) -> Digest:
    return bibtex.parse(text, CAPTURED)


def test_better_bibtex_eprint_entry_field_by_field() -> None:
    digest = read("zotero-bbt-eprint.bib")
    assert digest.format == bibtex.NAME
    assert digest.warnings == ()
    (entry,) = digest.entries
    assert entry.title == (
        "Lieb-Robinson bounds, Arveson spectrum and Haag-Ruelle scattering theory for "
        "gapped quantum spin systems"
    )
    assert entry.arxiv_id == "1412.2970"  # eprint + eprinttype = {arxiv}
    assert entry.authors == ("Sven Bachmann", "Wojciech Dybalski", "Pieter Naaijkens")
    assert entry.authors_count == 3
    assert entry.published == date(2014, 12, 9)  # BibLaTeX date, not urldate or timestamp
    assert entry.url == "http://arxiv.org/abs/1412.2970"
    assert entry.doi is None
    # Zotero's arXiv subject names are keywords, not arXiv categories.
    assert entry.categories == ()
    assert entry.line == 1


def test_jabref_examples_decode_tex_names_and_skip_sets() -> None:
    digest = read("jabref-biblatex-examples.bib")
    assert digest.warnings == ()  # @set entries group others; they are no papers
    book, article = digest.entries
    assert book.title == "Git: dezentrale Versionsverwaltung im Team : Grundlagen und Workflows"
    assert book.authors == ("René Preißel",)
    assert book.published == date(2016, 1, 1)
    assert book.url == "http://d-nb.info/107601965X"
    assert book.categories == ()  # "Versionsverwaltung" is a keyword
    assert article.title == (
        "Effect of immobilization on catalytic characteristics of saturated "
        "Pd-N-heterocyclic carbenes in Mizoroki-Heck reactions"
    )
    assert article.authors == (
        "Özge Aksın", "Hayati Türkmen", "Levent Artok", "Bekir Çetinkaya", "Chaoying Ni",
        "Orhan Büyükgüngör", "Erhan Özkal",
    )  # fmt: skip
    assert article.authors_count == 7
    # `journal = jomch` names a macro the file never defines: no journal called "jomch".
    assert article.journal is None
    assert article.published == date(2006, 1, 1)  # `date = 2006`, unbraced
    assert article.line == 31


def test_math_in_a_title_is_kept_as_written() -> None:
    (entry,) = read("bbt-math-in-title.bib").entries
    assert entry.title == (
        "Do integers modulo $n$ minus $\\frac n 2$ (i.e. signed integers) still form a "
        "commutative ring? - Mathematics Stack Exchange"
    )
    assert entry.published == date(2014, 10, 1)
    assert entry.url == "http://math.stackexchange.com/q/978420"
    assert entry.authors == ()
    assert entry.authors_count is None


def test_google_scholar_citations_name_the_arxiv_preprint() -> None:
    first, second, third = read("google-scholar-readme-citations.bib").entries
    assert first.arxiv_id == "2211.06530"
    assert first.journal is None  # "arXiv preprint arXiv:…" is no journal
    assert first.url == "https://arxiv.org/abs/2211.06530"
    assert first.authors == (
        "Christopher A Choquette-Choo", "H Brendan McMahan", "Keith Rush", "Abhradeep Thakurta",
    )  # fmt: skip
    assert first.published == date(2022, 1, 1)
    # Commas where BibTeX wants "and": six people, not one person with five given names.
    assert second.authors == (
        "Qiange Wang", "Chaoyi Chen", "Jingqi Gao", "Zihan Wang", "Yanfeng Zhang", "Ge Yu",
    )  # fmt: skip
    assert second.arxiv_id == "2602.21604"
    assert third.title.startswith("CAM++: A Fast and Efficient Network")
    assert third.arxiv_id == "2303.00332"
    assert third.published is None  # no year at all
    assert [e.line for e in (first, second, third)] == [1, 8, 15]


def test_arxiv_own_export_with_archive_prefix_and_primary_class() -> None:
    (entry,) = bib(
        "@misc{vaswani2017attention,\n"
        "      title={Attention Is All You Need},\n"
        "      author={Ashish Vaswani and Noam Shazeer and Niki Parmar},\n"
        "      year={2017},\n"
        "      eprint={1706.03762v7},\n"
        "      archivePrefix={arXiv},\n"
        "      primaryClass={cs.CL},\n"
        "      url={https://arxiv.org/abs/1706.03762},\n"
        "}\n"
    ).entries
    assert entry.arxiv_id == "1706.03762"  # bare, without the version
    assert entry.categories == ("cs.CL",)
    assert entry.authors == ("Ashish Vaswani", "Noam Shazeer", "Niki Parmar")


@pytest.mark.parametrize(
    ("fields", "arxiv_id", "doi"),
    [
        ("arxivId = {2101.00001}", "2101.00001", None),  # Mendeley
        ("doi = {10.48550/arXiv.2101.00002}", "2101.00002", "10.48550/arXiv.2101.00002"),
        ("url = {https://arxiv.org/pdf/2101.00003v2.pdf}", "2101.00003", None),
        ("note = {arXiv:hep-th/9901001}", "hep-th/9901001", None),
        (
            "journal = {CoRR}, volume = {abs/2101.00004}, eprint = {2101.00004}, eprinttype = {arXiv}",
            "2101.00004",
            None,
        ),
        ("doi = {https://doi.org/10.1016/j.jmps.2004.03.010}", None, "10.1016/j.jmps.2004.03.010"),
        ("url = {https://doi.org/10.1145/3292500.3330701}", None, "10.1145/3292500.3330701"),
        ("eprint = {1234567}, eprinttype = {pubmed}", None, None),  # not an arXiv eprint
    ],
)
def test_identity_from_every_place_exports_put_it(
    fields: str, arxiv_id: str | None, doi: str | None
) -> None:
    (entry,) = bib(f"@article{{k, title = {{A paper}}, {fields}}}").entries
    assert (entry.arxiv_id, entry.doi) == (arxiv_id, doi)


def test_a_broken_entry_is_reported_with_its_line_and_the_rest_imports() -> None:
    digest = bib(
        "@article{good1, title = {First}, year = {2020}}\n"
        "\n"
        "@article{broken, title = {Never closed, year = {2021}\n"
        "@article{good2, title = {Second}, year = {2022}}\n"
    )
    assert [e.title for e in digest.entries] == ["First", "Second"]
    (warning,) = digest.warnings
    assert warning.startswith("line 3: the entry '@article{broken,")


def test_entries_without_a_title_are_counted_with_their_lines() -> None:
    digest = bib("@article{a, title={Kept}}\n@article{b, author={Doe, J}}\n@misc{c, year=2020}\n")
    assert [e.title for e in digest.entries] == ["Kept"]
    assert digest.warnings == ("2 entries without a title were skipped (lines 2, 3)",)


def test_names_follow_bibtex_rules() -> None:
    (entry,) = bib(
        "@book{k, title={T}, author = {d' Aubignac, François and von Humboldt, Alexander and "
        "Gooding, Jr., Cuba and {von Wright}, Georg Henrik and {U.S. Bureau of the Census} and "
        "Lin*, Yujun and Kim, B-X}}"
    ).entries
    assert entry.authors == (
        "François d' Aubignac", "Alexander von Humboldt", "Cuba Gooding Jr.",
        "Georg Henrik von Wright", "U.S. Bureau of the Census", "Yujun Lin", "B-X Kim",
    )  # fmt: skip


def test_and_others_keeps_the_names_but_not_a_count() -> None:
    (entry,) = bib("@article{k, title={T}, author={Doe, Jane and Roe, Richard and others}}").entries
    assert entry.authors == ("Jane Doe", "Richard Roe")
    assert entry.authors_count is None  # "et al.": the real count is unknown


def test_string_macros_and_concatenation_resolve() -> None:
    (entry,) = bib(
        "@string{conf = {Neural Information Processing Systems}}\n"
        '@inproceedings{k, title = {T}, booktitle = "Advances in " # conf, month = jan, year = 2020}'
    ).entries
    assert entry.journal == "Advances in Neural Information Processing Systems"
    assert entry.published == date(2020, 1, 1)


def test_month_and_day_fields_make_a_date() -> None:
    (entry,) = bib("@article{k, title={T}, year={2019}, month={Sep}, day={17}}").entries
    assert entry.published == date(2019, 9, 17)
    (entry,) = bib("@article{k, title={T}, year={2019}, month=13}").entries
    assert entry.published == date(2019, 1, 1)


def test_tex_outside_math_becomes_unicode_and_math_stays() -> None:
    (entry,) = bib(
        r"@article{k, title = {{BERT}: 50\% better on \emph{GLUE} -- $\lesssim 1\%$ error},"
        r" abstract = {We save \$16.9B and keep $x_{i}$, ``quoted'' and M{\"u}ller's \& co.}}"
    ).entries
    assert entry.title == r"BERT: 50% better on GLUE – $\lesssim 1\%$ error"
    assert entry.abstract == r"We save $16.9B and keep $x_{i}$, “quoted” and Müller's & co."


def test_keywords_that_are_arxiv_categories_become_categories() -> None:
    (entry,) = bib(
        "@article{k, title={T}, keywords={cs.LG, Machine learning; stat.ML, 53D10, hep-th}}"
    ).entries
    assert entry.categories == ("cs.LG", "stat.ML", "hep-th")


def test_control_characters_and_long_values_are_cleaned() -> None:
    (entry,) = bib(
        "@article{k, title={A\x07 title\x1b with\tcontrols}, abstract={" + "x" * 200_000 + "}}"
    ).entries
    assert entry.title == "A title with controls"
    assert len(entry.abstract) <= 100_001


def test_sniff_claims_bib_files_only() -> None:
    assert bibtex.sniff("% Encoding: UTF-8\n\n@Article{key2020,\n  title = {T},\n}\n")
    assert bibtex.sniff("@misc{,\n title={no key}}")
    assert not bibtex.sniff("@comment{only a comment}\n@string{a = {b}}\n")
    assert not bibtex.sniff('[{"title": "@article{k, x}"}]')
    assert not bibtex.sniff("Contact me @twitter{ever}, please")
    assert not bibtex.sniff("<html>@article{k,</html>")


def test_a_file_of_only_broken_entries_fails_with_the_first_problem() -> None:
    with pytest.raises(
        DigestFormatError, match="no entry of this BibTeX file could be read; line 1"
    ):
        bib("@article{k, title = {never closed\n")


def test_a_file_without_entries_is_no_bibtex() -> None:
    with pytest.raises(UnknownFormatError):
        bib("just text")


def test_arxiv_and_zotero_exports_field_by_field() -> None:
    vaswani, dinan, han, scheer = read("readme-citations-arxiv-zotero.bib").entries
    # arXiv's own export: the key is a URL, the DOI is arXiv's, the categories sit in keywords.
    assert (vaswani.title, vaswani.arxiv_id, vaswani.doi) == (
        "Attention Is All You Need",
        "1706.03762",
        "10.48550/ARXIV.1706.03762",  # kept, as the feeds keep arXiv's DOIs
    )
    assert vaswani.categories == ("cs.CL", "cs.LG")
    assert vaswani.authors_count == 8
    assert vaswani.authors[-3:] == ("Aidan N. Gomez", "Lukasz Kaiser", "Illia Polosukhin")
    assert vaswani.published == date(2017, 1, 1)
    # Zotero: case-protected words, arXiv DOI, month macro, "[cs]" is an archive, not a category.
    assert (
        dinan.title == "Anticipating Safety Issues in E2E Conversational AI: Framework and Tooling"
    )
    assert (dinan.arxiv_id, dinan.doi) == ("2107.03451", "10.48550/arXiv.2107.03451")
    assert dinan.published == date(2021, 7, 1)
    assert dinan.categories == ()
    assert dinan.authors[2] == "A. Stevie Bergman"
    assert dinan.authors[5] == "Y.-Lan Boureau"
    assert dinan.abstract.startswith(
        "Over the last several years, end-to-end neural conversational"
    )
    assert dinan.abstract.endswith("releasing end-to-end conversational AI models.")
    assert dinan.url == "http://arxiv.org/abs/2107.03451"
    assert han.title.endswith("symmetry-equivariant Hessian matrix prediction")
    assert (han.arxiv_id, han.published) == ("2502.13070", date(2025, 2, 1))
    assert (
        scheer.title
        == "Computational modeling of decay and hybridization in superconducting circuits"
    )
    assert (scheer.arxiv_id, scheer.categories, scheer.published) == (
        "1810.11510",
        ("quant-ph",),
        date(2018, 10, 1),
    )
    assert scheer.authors == ("Michael G. Scheer", "Maxwell B. Block")
    assert [e.line for e in (vaswani, dinan, han, scheer)] == [1, 12, 28, 40]


def test_repeated_keys_and_fields_lose_no_paper() -> None:
    digest = bib(
        "@string{j = {Nature}}\n"
        "@article{a, title = {One}}\n"
        '@article{a, title = "Two {B}", journal = j, year = 2020}\n'
        "@article{b, title = {x}, title = {y}}\n"
    )
    assert [(e.title, e.line, e.journal) for e in digest.entries] == [
        ("One", 2, None),
        ("Two B", 3, "Nature"),  # set aside by bibtexparser, read all the same
        ("y", 4, None),
    ]
    assert digest.warnings == ("line 4: the entry has title twice; the last is used",)


def test_a_bibtexparser_bug_becomes_a_format_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """bibtexparser re-raises states its splitter did not expect; that is no crash of ours."""
    from bibtexparser.exceptions import ParserStateException

    def broken(*args: object, **kwargs: object) -> None:
        raise ParserStateException("invalid state")

    monkeypatch.setattr(bibtex.bibtexparser, "parse_string", broken)
    with pytest.raises(DigestFormatError, match=r"could not be read \(invalid state\)"):
        bib("@article{k, title = {T}}")
