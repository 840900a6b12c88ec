"""Import rules: on first arrival only, inside the import, never over the user's decisions."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from reader.cli import main
from reader.importer import Importer
from reader.library import Library, LibraryUsageError, Status, rule_application, rules
from tests.conftest import DigestWriter
from tests.factories import entry


def cli(library: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--library", str(library), *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def titled(n: int, title: str):
    return entry(n, title=title)


def test_rules_act_on_new_papers_when_they_arrive(
    library: Library, write_digest: DigestWriter
) -> None:
    rules.add_rule(library, "diffusion", tags=["gen", "images"], status="archived")
    rules.add_rule(library, "transformer", rating=4)
    rules.add_rule(library, "diffusion", status="queue", rating=2)  # earlier rules win
    digest = write_digest(
        "a.txt",
        [
            titled(1, "Diffusion models for image synthesis"),
            titled(2, "A transformer for speech"),
            titled(3, "Graph colouring, again"),
        ],
    )
    reports = Importer(library).import_paths([digest])
    assert reports[0].ok
    by_title = {p.title: p for p in library.papers()}
    diffusion = by_title["Diffusion models for image synthesis"]
    assert set(diffusion.tags) == {"gen", "images"}
    assert diffusion.status is Status.ARCHIVED
    assert diffusion.rating == 2  # the first rule that rates it
    transformer = by_title["A transformer for speech"]
    assert (transformer.rating, transformer.status, transformer.tags) == (4, Status.INBOX, ())
    graph = by_title["Graph colouring, again"]
    assert (graph.rating, graph.status, graph.tags) == (0, Status.INBOX, ())
    assert reports[0].changes.tags
    assert "status" in reports[0].changes.fields


def test_rules_never_touch_a_paper_already_in_the_library(
    library: Library, write_digest: DigestWriter
) -> None:
    first = write_digest("a.txt", [titled(1, "Diffusion models for image synthesis")])
    Importer(library).import_paths([first])
    (paper_id,) = library.paper_ids()
    library.set_status([paper_id], "reading")
    rules.add_rule(library, "diffusion", tags=["gen"], status="archived", rating=1)
    again = write_digest(
        "b.txt", [titled(1, "Diffusion models for image synthesis"), titled(2, "Diffusion again")]
    )
    Importer(library).import_paths([again])
    known = library.paper(paper_id)
    assert (known.status, known.rating, known.tags) == (Status.READING, 0, ())
    (new_id,) = [i for i in library.paper_ids() if i != paper_id]
    new = library.paper(new_id)
    assert (new.status, new.rating, new.tags) == (Status.ARCHIVED, 1, ("gen",))


def test_a_trashed_paper_that_comes_again_is_not_ruled(
    library: Library, write_digest: DigestWriter
) -> None:
    path = write_digest("a.txt", [titled(1, "Diffusion models")])
    Importer(library).import_paths([path])
    (paper_id,) = library.paper_ids()
    library.trash_papers([paper_id])
    rules.add_rule(library, "diffusion", tags=["gen"])
    Importer(library).import_paths([write_digest("b.txt", [titled(1, "Diffusion models")])])
    library.restore_papers([paper_id])
    assert library.paper(paper_id).tags == ()


def test_rules_commit_with_the_import_or_not_at_all(
    library: Library, write_digest: DigestWriter
) -> None:
    rules.add_rule(library, "diffusion", tags=["gen"])
    with library.transaction() as conn:  # the rule's tagging fails, inside the import
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON paper_tag "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    path = write_digest("a.txt", [titled(1, "Diffusion models")])
    with pytest.raises(sqlite3.IntegrityError, match="refused"):
        Importer(library).import_paths([path])
    assert library.paper_ids() == []  # the paper did not arrive without its rule
    with library.transaction() as conn:
        conn.execute("DROP TRIGGER refuse")
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert Importer(library).import_paths([path])[0].ok
    assert [p.tags for p in library.papers()] == [("gen",)]


def test_apply_on_purpose_keeps_the_users_decisions_and_undoes(library: Library) -> None:
    from tests.test_export_support import add_papers

    ids = add_papers(library, ["Sparse attention", "Sparse coding", "Sparse graphs", "Dense"])
    library.set_status([ids[1]], "read")
    library.set_rating([ids[2]], 5)
    rule = rules.add_rule(library, "sparse", tags=["sparse"], status="queue", rating=3)
    applied = rule_application.apply_rule(library, rule.id)
    assert applied.matched == 3
    assert applied.left_alone == 2
    papers = {i: library.paper(i) for i in ids}
    assert (papers[ids[0]].status, papers[ids[0]].rating) == (Status.QUEUE, 3)
    assert (papers[ids[1]].status, papers[ids[1]].rating) == (Status.READ, 3)
    assert (papers[ids[2]].status, papers[ids[2]].rating) == (Status.QUEUE, 5)
    assert all("sparse" in papers[i].tags for i in ids[:3])
    assert papers[ids[3]].tags == ()

    rule_application.undo_application(library, applied)
    after = {i: library.paper(i) for i in ids}
    assert (after[ids[0]].status, after[ids[0]].rating, after[ids[0]].tags) == (
        Status.INBOX,
        0,
        (),
    )
    assert (after[ids[1]].status, after[ids[2]].rating) == (Status.READ, 5)
    rule_application.redo_application(library, applied)
    assert library.paper(ids[0]).rating == 3


def test_bad_rules_are_refused_with_a_reason(library: Library) -> None:
    with pytest.raises(LibraryUsageError, match="must do something"):
        rules.add_rule(library, "attention")
    with pytest.raises(LibraryUsageError, match="does not parse"):
        rules.add_rule(library, "rating:9", tags=["x"])
    with pytest.raises(LibraryUsageError, match="1 to 5"):
        rules.add_rule(library, "attention", rating=0)
    with pytest.raises(LibraryUsageError, match="needs a search"):
        rules.add_rule(library, "  ", tags=["x"])
    assert rules.rules(library) == []


def test_rules_on_the_command_line(tmp_path: Path, write_digest: DigestWriter) -> None:
    lib = tmp_path / "lib.sqlite"
    code, out, err = cli(lib, "rules", "add", "diffusion", "--tag", "gen", "--status", "archived")
    assert code == 0, err
    assert out.startswith("rule 1: diffusion → +gen, status archived")
    code, out, _ = cli(lib, "rules", "list")
    assert out == "   1  diffusion  →  +gen, status archived\n"
    digest = write_digest("a.txt", [titled(1, "Diffusion models"), titled(2, "Other things")])
    assert cli(lib, "import", str(digest))[0] == 0
    code, out, _ = cli(lib, "list", "--tag", "gen")
    assert "Diffusion models" in out
    assert "1 paper" in out

    assert cli(lib, "rules", "add", "other", "--rating", "4")[0] == 0
    code, out, _ = cli(lib, "rules", "apply", "2")
    assert code == 0
    assert "1 matching paper, 1 changed" in out
    code, _, err = cli(lib, "rules", "apply", "9")
    assert code == 2
    assert "there is no rule 9" in err
    code, _, err = cli(lib, "rules", "add", "x", "--rating", "7")
    assert code == 2
    assert err.count("\n") == 1
    assert cli(lib, "rules", "remove", "1")[0] == 0
    assert cli(lib, "rules", "list")[1].startswith("   2  other")


@pytest.mark.parametrize(
    "query",
    [
        "sparse",
        "spar",
        '"sparse attention"',
        "sparse -coding",
        "-sparse",
        "tag:done",
        "-tag:done sparse",
        "status:queue",
        "rating:>=2 dense",
        "has:note",
        "org:deep",
        "year:2025 att",
    ],
)
def test_matching_new_papers_equals_the_searchs_plain_meaning(library: Library, query: str) -> None:
    from tests.test_export_support import add_papers

    add_papers(library, ["Dense things", "Sparse coding", "Old sparse attention"] * 3)
    ids = add_papers(
        library, ["Sparse attention", "Sparse coding", "Dense retrieval", "Attention"] * 2
    )
    library.add_tags(ids[:3], ["done"])
    library.set_status(ids[1:4], "queue")
    library.set_rating(ids[::2], 3)
    library.set_note(ids[2], "a note about sparse matters")
    newest = ids[2:]
    everywhere = set(rules.matching(library.connection, query))
    assert rules.matching(library.connection, query, newest) == sorted(
        everywhere & set(newest), reverse=True
    )
