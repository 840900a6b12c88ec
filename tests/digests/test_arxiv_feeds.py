"""arXiv's feeds: the announcement RSS (new and legacy) and the API's Atom, and import."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

import reader.digests as digests
from reader.digests import arxiv_atom, arxiv_rss, feeds
from reader.digests.errors import DigestFormatError
from reader.importer import Importer, ImportOutcome
from reader.library import Library
from tests.digests.samples import sample

RSS = sample("arxiv-rss-cs.CL-2025-09-19.xml")
API = sample("arxiv-api-query-long-context.atom")
CAPTURED = datetime(2025, 9, 20, tzinfo=UTC)


def parse(text: str) -> digests.Digest:
    return digests.parse_bytes(text.encode(), captured_at=CAPTURED)


# ------------------------------------------------------------------------------ RSS


def test_rss_sample_field_by_field() -> None:
    digest = digests.parse(RSS.path, captured_at=RSS.captured_at)
    assert digest.format == arxiv_rss.NAME
    assert digest.date == date(2025, 9, 19)
    assert digest.warnings == ()
    new, new2, cross, replace, replace_cross = digest.entries
    assert new.arxiv_id == "2509.15237"
    assert new.title == "Adaptive Tokenization for Low-Resource Speech Translation"
    assert new.abstract.startswith("Speech translation for low-resource languages suffers")
    assert "Announce Type" not in new.abstract
    assert not new.abstract.startswith("Abstract")
    assert new.authors == ("Amara Okafor", "José María Gutiérrez", "Li Wei")
    assert new.authors_count == 3
    assert new.categories == ("cs.CL", "cs.SD", "eess.AS")
    assert new.published == date(2025, 9, 19)  # a new paper: announced that day
    assert new.url == "https://arxiv.org/abs/2509.15237"
    assert new.doi is None
    assert new.upvotes is None
    assert new.comments is None
    assert new2.authors == ("Sophie Müller", "Rahul Iyer", "Hannah Becker", "Tomáš Novák")
    assert cross.published == date(2025, 9, 19)
    assert cross.categories == ("cs.IR", "cs.CL")
    assert replace.arxiv_id == "2504.07053"  # "v3" dropped
    assert replace.published is None  # a new version: not the paper's date
    assert replace_cross.published is None
    assert replace_cross.authors == ("François Lefèvre", "Ingrid Sørensen")
    assert replace_cross.doi == "10.48550/arXiv.2403.01234"
    assert replace_cross.abstract.endswith("questioning the role of learned specialisation.")


LEGACY = """<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns="http://purl.org/rss/1.0/" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:syn="http://purl.org/rss/1.0/modules/syndication/"
 xmlns:taxo="http://purl.org/rss/1.0/modules/taxonomy/">
<channel rdf:about="http://arxiv.org/">
<title>cs.CL updates on arXiv.org</title>
<link>http://arxiv.org/</link>
<description rdf:parseType="Literal">Computer Science -- Computation and Language (cs.CL) updates on the arXiv.org e-print archive</description>
<dc:language>en-us</dc:language>
<dc:date>2023-06-13T20:30:00-05:00</dc:date>
<dc:publisher>help@arxiv.org</dc:publisher>
<dc:subject>Computer Science -- Computation and Language</dc:subject>
<items><rdf:Seq><rdf:li rdf:resource="http://arxiv.org/abs/2306.07429" /></rdf:Seq></items>
</channel>
<item rdf:about="http://arxiv.org/abs/2306.07429">
<title>Explaining CLIP through Co-Creative Drawings and Interaction. (arXiv:2306.07429v1 [cs.AI])</title>
<link>http://arxiv.org/abs/2306.07429</link>
<description rdf:parseType="Literal">&lt;p&gt;This paper analyses a visual archive of drawings.&lt;/p&gt;</description>
<dc:creator> &lt;a href="http://arxiv.org/find/cs/1/au:+Guljajeva_V/0/1/0/all/0/1"&gt;Varvara Guljajeva&lt;/a&gt;, &lt;a href="http://arxiv.org/find/cs/1/au:+Sola_M/0/1/0/all/0/1"&gt;Mar Canet Sol&amp;#xe0;&lt;/a&gt;</dc:creator>
</item>
<item rdf:about="http://arxiv.org/abs/2205.01234">
<title>An Older Paper, Revised. (arXiv:2205.01234v4 [cs.CL] UPDATED)</title>
<link>http://arxiv.org/abs/2205.01234</link>
<description rdf:parseType="Literal">&lt;p&gt;Revised abstract.&lt;/p&gt;</description>
<dc:creator>A. Person</dc:creator>
</item>
</rdf:RDF>
"""


def test_legacy_rss_with_the_id_in_the_title() -> None:
    assert arxiv_rss.sniff(LEGACY)
    digest = parse(LEGACY)
    assert digest.format == arxiv_rss.NAME
    clip, older = digest.entries
    assert clip.title == "Explaining CLIP through Co-Creative Drawings and Interaction"
    assert clip.arxiv_id == "2306.07429"
    assert clip.categories == ("cs.AI",)
    assert clip.authors == ("Varvara Guljajeva", "Mar Canet Solà")
    assert clip.abstract == "This paper analyses a visual archive of drawings."
    assert older.title == "An Older Paper, Revised"
    assert older.published is None  # UPDATED: a new version
    assert digest.date == date(2023, 6, 13)


ATOM_ANNOUNCEMENTS = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns="http://www.w3.org/2005/Atom" xml:lang="en-us">
  <id>http://rss.arxiv.org/atom/cs.CL</id>
  <title>cs.CL updates on arXiv.org</title>
  <updated>2025-09-19T04:00:05.000000+00:00</updated>
  <link href="http://rss.arxiv.org/atom/cs.CL" rel="self" type="application/atom+xml"/>
  <entry>
    <id>oai:arXiv.org:2509.15237v1</id>
    <title>Adaptive Tokenization for Low-Resource Speech Translation</title>
    <updated>2025-09-19T04:00:00Z</updated>
    <link href="https://arxiv.org/abs/2509.15237" rel="alternate" type="text/html"/>
    <summary>arXiv:2509.15237v1 Announce Type: new
Abstract: Speech translation for low-resource languages suffers.</summary>
    <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
    <published>2025-09-19T00:00:00-04:00</published>
    <arxiv:announce_type>new</arxiv:announce_type>
    <author><name>Amara Okafor</name></author>
    <author><name>Li Wei</name></author>
  </entry>
</feed>
"""


def test_announcements_as_atom() -> None:
    assert arxiv_rss.sniff(ATOM_ANNOUNCEMENTS)
    assert not arxiv_atom.sniff(ATOM_ANNOUNCEMENTS)
    (paper,) = parse(ATOM_ANNOUNCEMENTS).entries
    assert paper.arxiv_id == "2509.15237"
    assert paper.abstract == "Speech translation for low-resource languages suffers."
    assert paper.authors == ("Amara Okafor", "Li Wei")
    assert paper.published == date(2025, 9, 19)


# ------------------------------------------------------------------------------ API


def test_api_sample_field_by_field() -> None:
    digest = digests.parse(API.path, captured_at=API.captured_at)
    assert digest.format == arxiv_atom.NAME
    assert digest.date == date(2024, 11, 22)
    infinite, s4, water, maldacena, infllm = digest.entries
    assert infinite.arxiv_id == "2308.16137"
    assert infinite.title == (
        "LM-Infinite: Zero-Shot Extreme Length Generalization for Large Language Models"
    )
    assert infinite.published == date(2023, 8, 30)  # the first version's date
    assert infinite.authors_count == 7
    assert infinite.authors[0] == "Chi Han"
    assert infinite.authors[-1] == "Sinong Wang"
    assert infinite.categories == ("cs.CL", "cs.AI")  # primary first
    assert infinite.abstract.startswith("Today's large language models (LLMs) typically train")
    assert "(e.g., <4K tokens)" in infinite.abstract
    assert infinite.url == "https://arxiv.org/abs/2308.16137"
    assert s4.authors == ("Albert Gu", "Karan Goel", "Christopher Ré")
    assert water.doi == "10.1016/j.jenvman.2024.122526"
    assert maldacena.arxiv_id == "hep-th/9711200"
    assert maldacena.authors == ("Juan M. Maldacena",)
    assert maldacena.published == date(1997, 11, 27)
    assert maldacena.doi == "10.1023/A:1026654312961"
    assert infllm.categories == ("cs.CL", "cs.AI", "cs.LG")


API_ERROR = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?search_query%3D%26id_list%3D1234.12345%26start%3D0%26max_results%3D10" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: search_query=&amp;id_list=1234.12345</title>
  <id>http://arxiv.org/api/kvuntZ8c9a4Eq5CF7KY03nMug+Q</id>
  <updated>2024-11-22T00:00:00-05:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1</opensearch:totalResults>
  <entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345</id>
    <title>Error</title>
    <summary>incorrect id format for 1234.12345</summary>
    <updated>2024-11-22T00:00:00-05:00</updated>
    <link href="http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345" rel="alternate" type="text/html"/>
    <author><name>arXiv api core</name></author>
  </entry>
</feed>
"""


def test_api_error_response_is_reported() -> None:
    with pytest.raises(DigestFormatError, match=r"incorrect id format for 1234\.12345"):
        parse(API_ERROR)


def test_api_response_without_results() -> None:
    empty = API.text()[: API.text().index("  <entry>")] + "</feed>\n"
    assert arxiv_atom.sniff(empty)
    with pytest.raises(DigestFormatError, match="no papers"):
        parse(empty)


def test_arxiv_feeds_are_also_feeds_but_read_by_their_own_module() -> None:
    for text in (RSS.text(), API.text(), LEGACY, ATOM_ANNOUNCEMENTS):
        assert feeds.sniff(text)
        fmt = digests.detect(text.encode())
        assert fmt is not None
        assert fmt.name in {arxiv_rss.NAME, arxiv_atom.NAME}


# ------------------------------------------------------------------------------ import


def test_import_end_to_end(library: Library) -> None:
    importer = Importer(library)
    first = importer.import_file(RSS.path, captured_at=RSS.captured_at)
    assert first.outcome is ImportOutcome.IMPORTED, first.message
    assert (first.entries, first.new) == (5, 5)
    second = importer.import_file(API.path, captured_at=API.captured_at)
    assert (second.entries, second.new) == (5, 5)
    formats = {d.format for d in library.digests()}
    assert formats == {arxiv_rss.NAME, arxiv_atom.NAME}
    papers = {p.arxiv_id: p for p in library.papers()}
    assert len(papers) == 10
    sparse = papers["2403.01234"]
    assert sparse.authors == ("François Lefèvre", "Ingrid Sørensen")
    assert sparse.categories == ("cs.LG", "cs.CL")
    assert sparse.published is None
    old = papers["hep-th/9711200"]
    assert old.key == "arxiv:hep-th/9711200"
    assert old.doi == "10.1023/A:1026654312961"
    assert old.published == date(1997, 11, 27)


# ------------------------------------------------------------------ issue #16, real files

RSS1 = sample("arxiv-rss1-hep-ex-2021-07-08.rdf")


def test_old_rss_1_0_cross_listed_and_updated_suffixes_and_hidden_authors() -> None:
    digest = digests.parse(RSS1.path, captured_at=RSS1.captured_at)
    assert digest.format == arxiv_rss.NAME
    got = [(e.arxiv_id, e.title, e.categories, e.authors_count) for e in digest.entries]
    assert got == [
        ("2107.03419",
         r"Observation of excited $\Omega_c^0$ baryons in $\Omega_b^- \to \Xi_c^+ K^-\pi^-$ decays",
         ("hep-ex",), 911),
        ("2106.00550", "Potential applications of modular representation theory to quantum mechanics",
         ("math.GR",), 1),
        ("2007.03939",
         "Fireball tomography from bottomonia elliptic flow in relativistic heavy-ion collisions",
         ("hep-ph",), 5),
    ]  # fmt: skip
    lhcb = digest.entries[0]
    assert lhcb.authors == ("LHCb collaboration", "R. Aaij")  # no "et al.", a count of 911
    # Items carry no date: a new paper (v1) takes the feed's day; a v2 cross-listing and an
    # UPDATED paper are no new papers that day.
    assert [e.published for e in digest.entries] == [date(2021, 7, 8), None, None]


def test_dc_creator_affiliations_in_parentheses_are_not_names() -> None:
    creator = (
        "Jane Doe (Dept. of Physics, MIT, Cambridge and Harvard), John Roe ((1) KTH, (2) ETH "
        "Zurich, and CERN), Li Wei"
    )
    feed = RSS.text().replace("<dc:creator>Amara Okafor", f"<dc:creator>{creator}, Amara Okafor", 1)
    first = parse(feed).entries[0]
    assert first.authors[:3] == ("Jane Doe", "John Roe", "Li Wei")
    assert first.authors_count == len(first.authors)


def test_msc_and_acm_codes_are_not_arxiv_categories() -> None:
    text = API.text().replace(
        '<category term="cs.AI" scheme="http://arxiv.org/schemas/atom"/>',
        '<category term="cs.AI" scheme="http://arxiv.org/schemas/atom"/>'
        '<category term="53D10, 53D15" scheme="http://arxiv.org/schemas/atom"/>'
        '<category term="53C25 (Primary); 53B20 (Secondary)" scheme="http://arxiv.org/schemas/atom"/>'
        '<category term="I.2.7; F.2.2" scheme="http://arxiv.org/schemas/atom"/>',
        1,
    )
    entry = parse(text).entries[0]
    assert entry.categories == ("cs.CL", "cs.AI")
