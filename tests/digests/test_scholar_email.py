"""Google Scholar alert mails: the real 2019 alert field by field, then reconstructions of
what other alerts carry (percent-encoded redirects, DOIs in publisher links, multipart and
base64 bodies, cut-short author lists).
"""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime

import pytest

import reader.digests as digests
from reader.digests import arxiv_email, scholar_email
from reader.digests.errors import DigestFormatError, UnknownFormatError
from reader.digests.model import Digest
from tests.digests.samples import SAMPLES, sample

CAPTURED = datetime(2025, 4, 10, 21, tzinfo=UTC)
HEADERS = (
    "From: Google Scholar Alerts <scholaralerts-noreply@google.com>\n"
    "To: someone@example.org\n"
    "Subject: New articles in your profile\n"
    "Date: Wed, 04 Jun 2025 09:00:00 -0700\n"
    "MIME-Version: 1.0\n"
)


def paper(href: str, title: str, byline: str, snippet: str = "A snippet …") -> str:
    return (
        '<h3 style="font-weight:normal"><span>[PDF]</span> '
        f'<a href="{href}" class="gse_alrt_title">{title}</a></h3>'
        f'<div style="color:#006621">{byline}</div>'
        f'<div class="gse_alrt_sni">{snippet}</div><br>'
    )


def alert(*papers: str) -> str:
    return (
        "<html><body>"
        + "".join(papers)
        + "<p>This alert is sent by Google Scholar.</p></body></html>"
    )


def mail(html: str) -> str:
    return HEADERS + 'Content-Type: text/html; charset="UTF-8"\n\n' + html


def parse(text: str) -> Digest:
    return scholar_email.parse(text, CAPTURED)


def test_real_alert_field_by_field() -> None:
    digest = digests.parse(sample("scholar-alert-2019-12-10.eml").path, captured_at=CAPTURED)
    assert digest.format == scholar_email.NAME
    assert digest.date == date(2019, 12, 10)  # the mail's Date header
    first, second, third = digest.entries
    assert first.title == "Using Sequence-to-Sequence Learning for Repairing C Vulnerabilities"
    assert first.url == "https://arxiv.org/pdf/1912.02015"  # unwrapped from scholar_url
    assert first.arxiv_id == "1912.02015"
    assert first.authors == ("Z Chen", "S Kommrusch", "M Monperrus")
    assert first.authors_count == 3
    assert first.journal is None  # "arXiv preprint arXiv:1912.02015" is the preprint
    assert first.published == date(2019, 1, 1)
    assert first.abstract.startswith("Software vulnerabilities affect all businesses and research")
    assert "  " not in first.abstract
    assert (
        second.title
        == "Marking Mechanism in Sequence-to-sequence Model for Mapping Language to Logical Form"
    )
    assert second.url == "https://ieeexplore.ieee.org/abstract/document/8919471/"
    assert second.authors == ("PM Nguyen", "K Than", "M Le Nguyen")
    assert second.journal is None  # "…on Knowledge and Systems Engineering (KSE)": cut short
    assert third.title == "Personalized Code Recommendation"
    assert third.published == date(2019, 1, 1)  # "2019 IEEE International Conference on Software…"
    # Scholar's <br> line breaks follow a space or end a hyphenated word.
    assert "crowd-based approach" in third.abstract
    assert all(e.doi is None for e in digest.entries)


def test_percent_encoded_redirect_with_a_doi_in_the_publisher_link() -> None:
    (entry,) = parse(
        mail(
            alert(
                paper(
                    "https://scholar.google.com/scholar_url?url=https%3A%2F%2Flink.springer.com%2F"
                    "chapter%2F10.1007%2F978-3-030-36808-1_42%3Fcasa_token%3Dabc&amp;hl=en&amp;sa=X",
                    "Code Generation from Supervised Code Embeddings",
                    "H Hu, Q Chen, Z Liu\u00a0- International Conference on Neural Information\u00a0…, 2019",
                )
            )
        )
    ).entries
    assert (
        entry.url == "https://link.springer.com/chapter/10.1007/978-3-030-36808-1_42?casa_token=abc"
    )
    assert entry.doi == "10.1007/978-3-030-36808-1_42"  # the path's DOI, not the query
    assert entry.journal is None  # cut short with "…"
    assert entry.published == date(2019, 1, 1)


def test_cut_short_author_list_gives_names_but_no_count() -> None:
    (entry,) = parse(
        mail(
            alert(
                paper(
                    "https://example.org/p",
                    "T",
                    "A Author, B Author, C Author…\u00a0- Nature, 2024",
                )
            )
        )
    ).entries
    assert entry.authors == ("A Author", "B Author", "C Author")
    assert entry.authors_count is None
    assert entry.journal == "Nature"
    assert entry.published == date(2024, 1, 1)


def test_byline_with_only_a_year_and_html_entities_in_titles() -> None:
    (entry,) = parse(
        mail(alert(paper("https://x.org/a", "Q&amp;A: <b>bold</b> claims", "A Karmakar - 2019")))
    ).entries
    assert entry.title == "Q&A: bold claims"
    assert entry.authors == ("A Karmakar",)
    assert entry.journal is None
    assert entry.published == date(2019, 1, 1)


def test_multipart_alternative_with_a_base64_html_part() -> None:
    html = alert(
        paper(
            "http://scholar.google.com/scholar_url?url=https://arxiv.org/abs/2401.00001v3",
            "Über alles",
            "É Zola - arXiv, 2024",
        )
    )
    encoded = base64.encodebytes(html.encode("utf-8")).decode("ascii")
    text = (
        HEADERS + 'Content-Type: multipart/alternative; boundary="b1"\n\n'
        "--b1\nContent-Type: text/plain; charset=UTF-8\n\nÜber alles\n"
        "--b1\nContent-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: base64\n\n"
        f"{encoded}\n--b1--\n"
    )
    assert digests.detect(text.encode()) is not None
    assert digests.detect(text.encode()).name == scholar_email.NAME  # type: ignore[union-attr]
    (entry,) = parse(text).entries
    assert (entry.title, entry.arxiv_id, entry.authors) == ("Über alles", "2401.00001", ("É Zola",))


def test_the_alert_html_saved_on_its_own() -> None:
    digest = parse(alert(paper("https://x.org/a", "Saved page", "J Doe - Science, 2020")))
    assert digest.date == CAPTURED.date()
    assert [e.title for e in digest.entries] == ["Saved page"]


def test_a_mail_without_papers_or_html_fails_clearly() -> None:
    with pytest.raises(DigestFormatError, match="lists no papers"):
        parse(mail("<html><body>You have no new results.</body></html>"))
    with pytest.raises(UnknownFormatError, match="no HTML part"):
        parse(HEADERS + "Content-Type: text/plain\n\nplain text only\n")


def test_an_unknown_charset_is_a_clear_error() -> None:
    text = (
        HEADERS
        + 'Content-Type: text/html; charset="x-no-such-charset"\n\n'
        + alert(paper("a", "T", "A - 2020"))
    )
    with pytest.raises(DigestFormatError, match="could not be decoded"):
        parse(text)


def test_sniff_tells_scholar_alerts_from_other_mail() -> None:
    assert scholar_email.sniff(mail(alert()))
    assert not scholar_email.sniff(
        "From: someone@example.org\nTo: me@example.org\nSubject: hi\n\nsee scholar.google.com\n"
    )
    for listing in (s for s in SAMPLES if s.format == arxiv_email.NAME):
        assert not scholar_email.sniff(listing.text())


def test_real_citations_alert_gives_the_doi_of_a_publisher_link() -> None:
    digest = digests.parse(
        sample("scholar-alert-citations-2019-12-10.eml").path, captured_at=CAPTURED
    )
    karmakar, danglot, hu = digest.entries
    assert (
        karmakar.title == "Establishing Benchmarks For Learning Program Representations"
    )  # "[PDF]" badge gone
    assert karmakar.url == "http://ceur-ws.org/Vol-2510/sattose2019_paper_14.pdf"
    assert (karmakar.authors, karmakar.journal, karmakar.published) == (
        ("A Karmakar",),
        None,
        date(2019, 1, 1),
    )
    assert danglot.url == "https://tel.archives-ouvertes.fr/tel-02396530/document"
    assert hu.title == "Code Generation from Supervised Code Embeddings"
    assert hu.url == "https://link.springer.com/chapter/10.1007/978-3-030-36808-1_42"
    assert hu.doi == "10.1007/978-3-030-36808-1_42"
    assert hu.authors == ("H Hu", "Q Chen", "Z Liu")
    assert hu.journal is None  # "International Conference on Neural Information…"
    assert all(e.arxiv_id is None for e in digest.entries)


def test_byline_without_the_green_style_and_void_tags_in_titles() -> None:
    html = (
        '<h3><a class="gse_alrt_title" href="https://x.org/1">First <img src="pdf.png"> title<br></a></h3>'
        '<div style="color:#1f7a1f">A Doe, B Roe - Science, 2021</div>'
        '<div class="gse_alrt_sni">Snippet one</div>'
        '<h3><a class="gse_alrt_title" href="https://x.org/2">Second</a></h3>'
        '<div class="gse_alrt_sni">Snippet two</div><div>share buttons</div>'
    )
    first, second = parse(mail(html)).entries
    assert (first.title, first.authors, first.journal) == (
        "First title",
        ("A Doe", "B Roe"),
        "Science",
    )
    assert first.abstract == "Snippet one"
    assert (second.title, second.authors, second.abstract) == ("Second", (), "Snippet two")


def test_an_mbox_of_alerts_gives_the_papers_of_every_alert() -> None:
    first = sample("scholar-alert-citations-2019-12-10.eml").text()
    second = sample("scholar-alert-2019-12-10.eml").text()
    other = "From: friend@example.org\nTo: me@example.org\nSubject: lunch?\n\nplain text only\n"
    mbox = "".join(
        f"From scholaralerts-noreply@google.com Tue Dec 10 19:24:26 2019\n{body}\n"
        for body in (first, other, second)
    )
    assert digests.detect(mbox.encode()) is not None
    digest = digests.parse_bytes(mbox.encode(), captured_at=CAPTURED)
    assert digest.format == scholar_email.NAME
    assert len(digest.entries) == 6
    assert digest.entries[2].doi == "10.1007/978-3-030-36808-1_42"
    assert digest.entries[3].arxiv_id == "1912.02015"
    assert digest.date == date(2019, 12, 10)
    other_line = 2 + first.count("\n") + 1 + 1
    assert digest.warnings == (
        f"line {other_line}: this message could not be read: this mail has no HTML part, so it is no Scholar alert",
    )


@pytest.mark.parametrize(
    ("url", "doi"),
    [
        (
            "https://www.biorxiv.org/content/10.1101/2021.08.15.21262067v1.full",
            "10.1101/2021.08.15.21262067",
        ),
        (
            "https://www.biorxiv.org/content/10.1101/2024.01.02.573900v2.full.pdf",
            "10.1101/2024.01.02.573900",
        ),
        (
            "https://journals.plos.org/plosone/article?id=10.1371/journal.pone.0123456",
            "10.1371/journal.pone.0123456",
        ),
        ("https://pubs.acs.org/doi/abs/10.1021/acs.jctc.0c01234", "10.1021/acs.jctc.0c01234"),
        (
            "https://link.springer.com/content/pdf/10.1007/s10994-021-05946-3.pdf",
            "10.1007/s10994-021-05946-3",
        ),
        (
            "https://onlinelibrary.wiley.com/doi/epdf/10.1002/anie.202012345",
            "10.1002/anie.202012345",
        ),
        ("https://ieeexplore.ieee.org/abstract/document/8919471/", None),
        ("https://www.biorxiv.org/content/biorxiv/early/2019/05/20/643049.full.pdf", None),
    ],
)
def test_dois_in_publisher_links(url: str, doi: str | None) -> None:
    href = "https://scholar.google.com/scholar_url?url=" + url.replace("?", "%3F").replace(
        "=", "%3D"
    ).replace("&", "%26")
    (entry,) = parse(mail(alert(paper(href, "T", "A Doe - J, 2020")))).entries
    assert entry.url == url
    assert entry.doi == doi
