"""What import rules set is not the reader's judgement: the interest model learns nothing
from a rule's status, rating or tag until the reader changes it."""

from __future__ import annotations

from reader import ranking
from reader.importer import Importer
from reader.library import (
    Library,
    PaperFilter,
    Status,
    interest,
    interest_scores,
    rule_application,
    rules,
)
from reader.ranking.refit import NO_SIGNAL
from reader.ranking.signals import Signals
from tests.conftest import DigestWriter
from tests.factories import entry

TITLES = (
    "Diffusion models for image synthesis",
    "Diffusion on graphs",
    "A transformer for speech",
    "Graph colouring, again",
)


def _import(library: Library, write_digest: DigestWriter, name: str = "a.txt") -> dict[str, int]:
    digest = write_digest(name, [entry(n, title=t) for n, t in enumerate(TITLES, 1)])
    assert Importer(library).import_paths([digest])[0].ok
    return {p.title: p.id for p in library.papers()}


def _labels(library: Library) -> dict[int, bool]:
    """Paper id → liked, for every paper the model learns from."""
    found = Signals.from_rows(interest.signal_rows(library)).labels
    return {lab.paper_id: lab.positive for lab in found}


def test_what_rules_set_on_arrival_teaches_the_model_nothing(
    library: Library, write_digest: DigestWriter
) -> None:
    rules.add_rule(library, "diffusion", tags=["gen"], status="archived")
    rules.add_rule(library, "transformer", rating=5, status="queue")
    rules.add_rule(library, "graph", rating=1)
    ids = _import(library, write_digest)
    # The rules did act: archived, queued, starred, tagged ...
    speech = library.paper(ids["A transformer for speech"])
    assert (speech.status, speech.rating) == (Status.QUEUE, 5)
    assert library.paper(ids["Diffusion on graphs"]).tags == ("gen",)
    assert library.paper(ids["Graph colouring, again"]).rating == 1
    # ... and none of it is a signal: no positive, no negative, so no model.
    assert _labels(library) == {}
    assert ranking.rank(library).message == NO_SIGNAL


def test_a_value_the_reader_changes_after_a_rule_is_theirs(
    library: Library, write_digest: DigestWriter
) -> None:
    rules.add_rule(library, "diffusion", tags=["gen"], status="archived")
    rules.add_rule(library, "transformer", rating=2)
    ids = _import(library, write_digest)
    images, graphs = ids["Diffusion models for image synthesis"], ids["Diffusion on graphs"]
    speech, colouring = ids["A transformer for speech"], ids["Graph colouring, again"]
    library.set_status([images], "queue")  # out of the rule's archive into the queue
    library.set_rating([speech], 5)  # over the rule's two stars
    library.add_tags([colouring], ["gen"])  # the reader's own use of the rule's tag
    library.add_tags([graphs], ["mine"])  # a tag of the reader's beside the rule's
    assert _labels(library) == {images: True, speech: True, colouring: True, graphs: True}

    library.remove_tags([graphs], ["mine"])  # back to the rule's tag only (and archive)
    library.set_rating([speech], 0)  # the reader took the stars away: no signal
    assert _labels(library) == {images: True, colouring: True}


def test_the_reader_archiving_a_ruled_paper_is_a_signal_again(
    library: Library, write_digest: DigestWriter
) -> None:
    rules.add_rule(library, "transformer", status="queue")
    ids = _import(library, write_digest)
    speech = ids["A transformer for speech"]
    assert _labels(library) == {}
    library.set_status([speech], "archived")  # straight from the rule's queue, unopened
    assert _labels(library) == {speech: False}
    library.mark_not_interested([ids["Diffusion on graphs"]])
    assert _labels(library)[ids["Diffusion on graphs"]] is False


def test_a_rule_applied_on_purpose_and_its_undo_and_redo_are_no_signal(
    library: Library, write_digest: DigestWriter
) -> None:
    ids = _import(library, write_digest)
    liked = ids["Graph colouring, again"]
    library.set_rating([liked], 5)
    rule = rules.add_rule(library, "diffusion", tags=["gen"], status="read", rating=4)
    applied = rule_application.apply_rule(library, rule.id)
    assert len(applied.paper_ids) == 2
    assert _labels(library) == {liked: True}
    rule_application.undo_application(library, applied)
    assert _labels(library) == {liked: True}
    rule_application.redo_application(library, applied)
    assert library.paper(ids["Diffusion on graphs"]).status is Status.READ
    assert _labels(library) == {liked: True}


def test_a_ruled_paper_keeps_its_marks_through_the_trash(
    library: Library, write_digest: DigestWriter
) -> None:
    rules.add_rule(library, "diffusion", tags=["gen"], rating=5)
    ids = _import(library, write_digest)
    graphs = ids["Diffusion on graphs"]
    library.trash_papers([graphs])
    library.restore_papers([graphs])
    restored = library.paper(graphs)
    assert (restored.rating, restored.tags) == (5, ("gen",))
    assert _labels(library) == {}


def test_a_new_paper_with_a_purged_papers_id_starts_with_no_marks(
    library: Library, write_digest: DigestWriter
) -> None:
    rules.add_rule(library, "synthesis", tags=["gen"], rating=4)
    digest = write_digest("one.txt", [entry(1, title="Diffusion models for image synthesis")])
    Importer(library).import_paths([digest])
    (first,) = library.paper_ids()
    library.trash_papers([first])
    library.empty_trash()
    rules.remove_rule(library, rules.rules(library)[0].id)
    again = write_digest("two.txt", [entry(2, title="Graph colouring, again")])
    Importer(library).import_paths([again])
    (second,) = library.paper_ids()
    assert second != first  # an id is never given twice (paper_id_mark)
    library.add_tags([second], ["gen"])
    library.set_rating([second], 4)
    assert _labels(library) == {second: True}
    assert interest.signal_rows(library)[0].tagged
    assert interest.signal_rows(library)[0].rating == 4


def test_for_you_keeps_papers_only_rules_tagged(
    library: Library, write_digest: DigestWriter
) -> None:
    rules.add_rule(library, "diffusion", tags=["gen"])
    ids = _import(library, write_digest)
    images, graphs = ids["Diffusion models for image synthesis"], ids["Diffusion on graphs"]
    speech, colouring = ids["A transformer for speech"], ids["Graph colouring, again"]
    library.set_rating([colouring], 5)  # one liked paper: a model, scores
    ranking.rank(library)
    everything = {images, graphs, speech}
    assert set(interest.for_you_ids(library)) == everything
    assert interest.for_you_count(library) == 3
    assert set(interest_scores.scores(library, [images, graphs]).keys()) == {images, graphs}
    in_gen = PaperFilter(tag="gen")
    assert set(interest.for_you_ids(library, in_gen)) == {images, graphs}
    assert interest.for_you_count(library, in_gen) == 2
    library.add_tags([graphs], ["mine"])  # the reader's own tag: triaged
    assert set(interest.for_you_ids(library)) == {images, speech}
    assert interest.for_you_count(library) == 2
    assert interest.for_you_count(library, PaperFilter(search="diffusion")) == 1
