"""Generic RSS and Atom feeds (bioRxiv, a journal): fields, XML safety, what is no feed."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import reader.digests as digests
from reader.digests import feeds
from reader.digests.errors import DigestError, DigestFormatError, UnknownFormatError
from reader.digests.names import split_names
from reader.importer import Importer, ImportOutcome
from reader.library import Library
from tests.digests.samples import sample

BIORXIV = sample("biorxiv-neuroscience.rss")
JOURNAL = sample("journal-tmlr.atom")
CAPTURED = datetime(2024, 11, 22, tzinfo=UTC)


def parse(text: str) -> digests.Digest:
    return digests.parse_bytes(text.encode(), captured_at=CAPTURED)


def test_biorxiv_sample_field_by_field() -> None:
    digest = digests.parse(BIORXIV.path, captured_at=BIORXIV.captured_at)
    assert digest.format == feeds.NAME
    assert digest.date == date(2024, 11, 21)  # no channel date: the newest item's
    assert digest.warnings == ()
    replay, effort, sleep = digest.entries
    assert replay.title == "Hippocampal replay sequences compress future trajectories during rest"
    # "Surname, I." pairs, not one name per comma.
    assert replay.authors == ("Alvarez, M.", "Nakamura, K.", "O'Brien, S. T.", "Lindqvist, E.")
    assert replay.authors_count == 4
    assert replay.doi == "10.1101/2024.11.18.624137"
    assert replay.published == date(2024, 11, 21)
    assert replay.url == "http://biorxiv.org/cgi/content/short/2024.11.18.624137v1?rss=1"
    assert replay.abstract.startswith("During rest, hippocampal place cells replay")
    assert "by a factor of twenty and" in replay.abstract  # <i> dropped
    assert replay.arxiv_id is None
    assert effort.authors == ("Gupta, R.", "Schmidt, J.-P.", "Chen, Y.")
    assert sleep.authors == ("Müller, A.", "Dubois, C.")
    assert sleep.published == date(2024, 11, 20)


def test_journal_sample_field_by_field() -> None:
    digest = digests.parse(JOURNAL.path, captured_at=JOURNAL.captured_at)
    assert digest.format == feeds.NAME
    assert digest.date == date(2024, 11, 21)
    moe, conformal, tabular = digest.entries
    assert moe.title == "Sparse Mixture-of-Experts Are Domain-Robust Learners"
    assert moe.doi == "10.5555/tmlr.2024.0412"
    assert moe.arxiv_id is None  # "tmlr.2024.0412" is no arXiv id
    assert moe.authors == ("François Lefèvre", "Ingrid Sørensen")
    assert moe.categories == ()  # keywords, not arXiv categories (#16)
    assert moe.abstract.endswith(
        "across domains & that expert specialisation emerges early in training."
    )
    assert moe.published == date(2024, 11, 20)
    assert conformal.doi is None
    assert conformal.url == "https://jmlr.example.org/tmlr/papers/v2/ranking-label-shift.html"
    assert conformal.authors_count == 3
    assert tabular.published == date(2024, 11, 18)  # only <updated>
    # An arXiv id cited in the text is another paper's: never this one's.
    assert "arXiv:2410.20001" in tabular.abstract
    assert tabular.arxiv_id is None


def test_single_author_written_surname_first_is_one_name() -> None:
    assert split_names("Smith, John") == ["Smith, John"]
    assert split_names("Mei Chen, Daniel Ortiz") == ["Mei Chen", "Daniel Ortiz"]
    assert split_names("A. One, B. Two and C. Three") == ["A. One", "B. Two", "C. Three"]


# ------------------------------------------------------------------------------ XML safety

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>t</title>
<item><title>&lol9;</title><description>boom</description></item>
<item><title>A Safe Title</title><description>fine</description></item>
</channel></rss>
"""


def test_entity_expansion_bomb_is_not_expanded() -> None:
    started = time.monotonic()
    try:
        digest = parse(BILLION_LAUGHS)
    except DigestError:
        pass
    else:
        assert all(len(e.title) < 1000 for e in digest.entries)
        assert "A Safe Title" in [e.title for e in digest.entries]
    assert time.monotonic() - started < 2


def test_external_entities_are_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    feed = f"""<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "{secret.as_uri()}"> ]>
<rss version="2.0"><channel><title>t</title>
<item><title>Leak &xxe; here</title><description>x</description></item>
<item><title>Plain</title><description>y</description></item>
</channel></rss>
"""
    try:
        digest = parse(feed)
    except DigestError:
        return
    for entry in digest.entries:
        assert "TOP-SECRET" not in entry.title + entry.abstract


NOT_FEEDS = {
    "svg": '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><title>Daily Papers</title></svg>',
    "pom": '<?xml version="1.0"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0"><title>x</title></project>',
    "sitemap": '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://arxiv.org/abs/2401.00001</loc></url></urlset>',
    "opml": '<?xml version="1.0"?><opml version="2.0"><body><outline text="arXiv" xmlUrl="https://rss.arxiv.org/rss/cs.CL"/></body></opml>',
    "atom-less feed": '<?xml version="1.0"?><feed><entry><title>No namespace</title></entry></feed>',
    "xhtml": '<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>Daily Papers</h1><a href="https://rss.arxiv.org/rss/cs.CL">rss</a></body></html>',
    "html page": "<!DOCTYPE html>\n<html><head><title>My reading</title></head><body><p>Daily Papers</p>\n<p>An rss feed: &lt;rss&gt;</p></body></html>",
    "rss in prose": 'Here is how a feed starts:\n<rss version="2.0"><channel></channel></rss>\n',
}


@pytest.mark.parametrize("name", sorted(NOT_FEEDS))
def test_xml_and_html_that_are_no_feed_are_not_claimed(name: str) -> None:
    data = NOT_FEEDS[name].encode()
    text = NOT_FEEDS[name]
    assert not feeds.sniff(text)
    assert digests.detect(data) is None
    with pytest.raises(UnknownFormatError):
        digests.parse_bytes(data, captured_at=CAPTURED)


def test_a_feed_that_is_cut_off_keeps_what_it_has_and_warns() -> None:
    text = JOURNAL.text()
    cut = text[: text.index("<entry>", text.index("Conformal Prediction")) + 40]
    digest = parse(cut)
    assert [e.title for e in digest.entries][:2] == [
        "Sparse Mixture-of-Experts Are Domain-Robust Learners",
        "Conformal Prediction for Ranking Under Label Shift",
    ]
    assert digest.warnings
    assert "not well-formed" in digest.warnings[0]
    assert digest.warnings[0].startswith("line ")


def test_a_feed_without_items_is_an_error() -> None:
    empty = '<?xml version="1.0"?><rss version="2.0"><channel><title>Nothing yet</title></channel></rss>'
    assert feeds.sniff(empty)
    with pytest.raises(DigestFormatError, match="no items"):
        parse(empty)


def test_a_declared_encoding_that_differs_from_the_bytes_is_harmless() -> None:
    text = BIORXIV.text().replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    digest = digests.parse_bytes(text.encode("utf-8"), captured_at=CAPTURED)
    assert digest.entries[2].authors == ("Müller, A.", "Dubois, C.")


def test_import_end_to_end(library: Library) -> None:
    importer = Importer(library)
    for item in (BIORXIV, JOURNAL):
        report = importer.import_file(item.path, captured_at=item.captured_at)
        assert report.outcome is ImportOutcome.IMPORTED, report.message
        assert report.new == 3
    papers = {p.title: p for p in library.papers()}
    assert len(papers) == 6
    replay = papers["Hippocampal replay sequences compress future trajectories during rest"]
    assert replay.doi == "10.1101/2024.11.18.624137"
    assert replay.arxiv_id is None
    assert (
        replay.key == "title:hippocampal replay sequences compress future trajectories during rest"
    )
    assert replay.authors_count == 4
    assert replay.published == date(2024, 11, 21)
    moe = papers["Sparse Mixture-of-Experts Are Domain-Robust Learners"]
    assert moe.categories == ()  # keywords, not arXiv categories (#16)
    assert moe.url == "https://doi.org/10.5555/tmlr.2024.0412"
    assert {d.format for d in library.digests()} == {feeds.NAME}


def test_markup_in_a_title_leaves_one_line() -> None:
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><item>'
        "<title>A &lt;p&gt;Two&lt;/p&gt; Part&lt;br/&gt;Title &amp;amp; More</title>"
        "</item></channel></rss>"
    )
    (paper,) = parse(feed).entries
    assert paper.title == "A Two Part Title & More"


def test_scripts_and_styles_in_a_summary_are_dropped_not_kept_as_text() -> None:
    from reader.digests.feeds import plain_text

    assert plain_text("<p>Real</p><script>alert(1)</script> text<STYLE>p{}</STYLE>.") == (
        "Real\n\ntext."
    )
    assert plain_text("Cut <script>never closed") == "Cut"


# ------------------------------------------------------------ abstracts from the richest element

WILEY = sample("wiley-chembiochem-2024-08-04.rss")


def test_wiley_toc_abstracts_come_from_dc_description_not_the_placeholder() -> None:
    """Real Wiley feed: <description> says "ChemBioChem, EarlyView." (or the issue), the
    abstract is in dc:description and content:encoded after an "Abstract" heading."""
    digest = digests.parse(WILEY.path, captured_at=WILEY.captured_at)
    first, second = digest.entries
    assert first.abstract.startswith("Vertically‐ordered mesoporous silica films (VMSF, also")
    assert first.abstract.endswith(
        "future perspective of VMSF in the relevant fields will be envisioned."
    )
    assert "EarlyView" not in first.abstract
    assert "Abstract" not in first.abstract
    assert second.abstract.startswith("Nanoparticles are a hot topic in the field of nanomaterial")
    assert "Volume 25" not in second.abstract
    assert (first.doi, second.doi) == ("10.1002/cbic.202400320", "10.1002/cbic.202400384")
    assert first.authors == ("Xue Fan", "Jiayi Wu", "Tongtong Zhang", "Jiyang Liu")


def _item(**elements: str) -> str:
    body = "".join(
        f"<{k.replace('__', ':')}>{v}</{k.replace('__', ':')}>" for k, v in elements.items()
    )
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>J</title>'
        f"<item><title>A paper</title><link>https://example.org/1</link>{body}</item>"
        "</channel></rss>"
    )


FULL = (
    "Background: we measured many things over many years. " * 12
    + "The results are clear and the conclusions are drawn."
)


@pytest.mark.parametrize(
    ("name", "feed", "expected"),
    [
        ("PubMed: the description cut at ~500 characters, the full text in content:encoded",
         _item(description=FULL[:500] + "...",
               content__encoded=f"&lt;p&gt;{FULL}&lt;/p&gt;&lt;p&gt;PMID:12345 | DOI:10.1/x&lt;/p&gt;"),
         FULL),
        ("Taylor &amp; Francis: a lone dot", _item(description="."), ""),
        ("a citation line", _item(description="Journal of Things, Volume 12, Issue 3, Page 4-9, 2024."), ""),
        ("Oxford: a leading Abstract heading",
         _item(description=f"Abstract\n\n{FULL}"), FULL),
        ("an Abstract heading in HTML",
         _item(content__encoded=f"&lt;h2&gt;Abstract&lt;/h2&gt;&lt;p&gt;{FULL}&lt;/p&gt;"), FULL),
        ("a short real abstract is kept", _item(description="Methods and main conclusion."),
         "Methods and main conclusion."),
    ],
)  # fmt: skip
def test_the_richest_element_is_the_abstract(name: str, feed: str, expected: str) -> None:
    digest = digests.parse_bytes(feed.encode(), captured_at=datetime(2024, 8, 4, tzinfo=UTC))
    assert digest.entries[0].abstract == expected, name


@pytest.mark.parametrize(
    ("creator", "expected"),
    [
        # bioRxiv's "Surname, I.-L." with hyphenated initials, and surnames like Wu or Li.
        ("Chen, Y.-C., Lin, C.-T., Huang, W.-H., Tsai, M.-J. and Wu, S.-N.",
         ("Chen, Y.-C.", "Lin, C.-T.", "Huang, W.-H.", "Tsai, M.-J.", "Wu, S.-N.")),
        ("Li, X., Xu, J.-Y., Ng, A. B.", ("Li, X.", "Xu, J.-Y.", "Ng, A. B.")),
        ("Zhang, Y., The ATLAS Collaboration, Wu, X.",
         ("Zhang, Y.", "The ATLAS Collaboration", "Wu, X.")),
        ("Smith, A., Jones, B., et al.", ("Smith, A.", "Jones, B.")),
    ],
)  # fmt: skip
def test_biorxiv_creators_are_names_not_fragments(creator: str, expected: tuple[str, ...]) -> None:
    feed = _item(dc__creator=creator)
    entry = digests.parse_bytes(
        feed.encode(), captured_at=datetime(2024, 8, 4, tzinfo=UTC)
    ).entries[0]
    assert entry.authors == expected
    assert entry.authors_count == len(expected)
