"""Every format's sniff and parse take time linear in their input, on hostile input too.

Each case builds an adversarial text of a growing size (runs of blank lines, markers that
start a pattern again and again, tags that never close …). Growth is measured, not speed:
the CPU time for eight times the input must stay near eight times the CPU time, which a
loaded machine cannot fake (best of several runs, each long enough to time). A regular
expression that backtracks quadratically gives 64, an exponential one never ends: each
measurement has a guard that turns a hang into a failure.
"""

from __future__ import annotations

import gc
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

import pytest

from reader.digests import DigestError, formats
from tests.factories import SAMPLE_PATH

CAPTURED = datetime(2026, 1, 30, 18, 0, tzinfo=UTC)
SIZE = 3_000
"""The smaller input, in characters; the larger is ``GROWTH`` times it."""
GROWTH = 8
LIMIT = 20.0
"""Largest accepted ratio of the two times: linear gives about 8, quadratic 64 (timed with
the garbage collector off, see :func:`_cpu`)."""
GUARD_SECONDS = 20


def _rss(title: str = "A title", creator: str = "A. Author", body: str = "") -> str:
    return (
        '<?xml version="1.0"?>\n<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<channel><title>cs.CL updates on arXiv.org</title><link>http://rss.arxiv.org/rss/cs.CL"
        f"</link><item><title>{title}</title><link>https://arxiv.org/abs/2401.01234</link>"
        f"<description>{body}</description><dc:creator>{creator}</dc:creator></item>"
        "</channel></rss>"
    )


def _listing(head: str = "", entry: str = "") -> str:
    return (
        f"Submissions to:\nMachine Learning\n{head}\n" + "-" * 78 + "\n\\\\\narXiv:2411.13560\n"
        f"Date: Thu, 7 Nov 2024 02:49:53 GMT   (31214kb,D)\n\nTitle: A title\nAuthors: A. B\n"
        f"{entry}\\\\\n  An abstract.\n\\\\ ( https://arxiv.org/abs/2411.13560 , 31214kb)\n"
    )


def _html(body: str) -> str:
    """A page that is cut off after ``body`` (what never closes stays open)."""
    return f'<!DOCTYPE html><html><head></head><body>huggingface<a href="/papers/2501.00001">T</a>{body}'


_SAMPLE = SAMPLE_PATH.read_text(encoding="utf-8")

CASES: dict[str, Callable[[int], str]] = {
    # The examples.
    "spaces then a letter": lambda n: " " * n + "a",
    "blank lines before a real capture": lambda n: "\n" * n + _SAMPLE,
    "an arXiv RSS title full of (arXiv: markers": lambda n: _rss("(arXiv:" * (n // 7)),
    "an arXiv RSS title of unclosed suffixes": lambda n: _rss("(arXiv:2401.01234v1 [" * (n // 21)),
    # Found by the audit of every pattern.
    "comments in a page's prolog": lambda n: "<!---->" * (n // 7) + "x",
    "a feed's prolog of blank lines": lambda n: "\n" * n + "<x",
    "a root tag that never closes": lambda n: "<rss" + "a" * n,
    "a plain heading with trailing spaces": lambda n: (
        '[x](/papers/2501.00001 "View paper")\n### T' + " " * n + "x"
    ),
    "a heading with trailing spaces": lambda n: "### [T](/papers/2501.00001)" + " " * n + "x",
    "a listing id line with spaces": lambda n: "\\\\\narXiv:2501.00001" + " " * n + "x",
    "an old listing opener with spaces": lambda n: "\\\\\nPaper" + " " * n + "x",
    "a received-from line with spaces": lambda n: _listing(
        "received from  a" + " " * n + "to b" + " " * n + "x"
    ),
    "a date line of sizes": lambda n: _listing().replace("(31214kb,D)", "(1kb" * (n // 4)),
    "creators separated by spaces": lambda n: _rss(creator="A" + " " * n + "x"),
    "a summary of angle brackets": lambda n: _rss(body="&lt;" * (n // 4)),
    "nested JSON": lambda n: "[" * n,
    "a JSON papers list of keys": lambda n: '{"paper": ' + '"title": ' * (n // 9),
    "an unclosed comment in a page": lambda n: _html("<!--" * (n // 4)),
    "unclosed tags in a page": lambda n: _html("<a " * (n // 3)),
    "attributes that never close in a page": lambda n: _html('<a href="' * (n // 9)),
    "end tags that never close in a page": lambda n: _html("</a" * (n // 3)),
    "processing instructions in a page": lambda n: _html("<?" * (n // 2)),
    "comments escaped in a feed summary": lambda n: _rss(body="&lt;!--" * (n // 2)),
    "scripts in a feed summary": lambda n: _rss(body="&lt;script&gt;" * (n // 14)),
    "paper links in a page": lambda n: _html('<a href="/papers/2501.00001">x</a>' * (n // 34)),
    "mail headers": lambda n: "From: a@b\nSubject: arXiv\n" + "X-A: y\n" * (n // 7) + "\n\\\\\n",
    "a folded mail header": lambda n: "From: a@b\nSubject: x\n" + " y\n" * (n // 3) + "\n",
    "TeX accents": lambda n: _listing(entry="Comments: " + "{\\'" * (n // 3) + "\n"),
    "meta dots without dates": lambda n: "Daily Papers\n\nT\n\nAbstract.\n\n" + "·\n\n" * (n // 3),
    "author lines": lambda n: "Daily Papers\n\n" + "• 5 authors\n" * (n // 12),
}


class _Hang(Exception):
    pass


@contextmanager
def _guard(what: str) -> Iterator[None]:
    """Turn a runaway computation into a failure (SIGALRM reaches regular expressions)."""

    def alarm(signum: int, frame: FrameType | None) -> None:
        raise _Hang(what)

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(GUARD_SECONDS)
    try:
        yield
    except _Hang:
        pytest.fail(f"{what} did not finish in {GUARD_SECONDS} s: super-linear")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _cpu(call: Callable[[], object], repeat: int) -> float:
    """The best CPU time of ``repeat`` runs of ``call``, with the cyclic garbage collector
    off: inside the full suite a linear parser has measured 21–29× (alone 7.5–10×), the
    collector's work on what the earlier tests left being charged to the larger run."""
    best = float("inf")
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            started = time.process_time()
            call()
            best = min(best, time.process_time() - started)
    finally:
        if was_enabled:
            gc.enable()
    return best


def _ratio(make: Callable[[str], Callable[[], object]], small: str, large: str) -> float:
    """CPU time on ``large`` over CPU time on ``small`` (calls batched to a timeable length)."""
    once = make(small)
    batch = 1
    while _cpu(once, 1) * batch < 0.01 and batch < 4096:
        batch *= 2

    def run(text: str) -> Callable[[], None]:
        call = make(text)

        def many() -> None:
            for _ in range(batch):
                call()

        return many

    return _cpu(run(large), 3) / max(_cpu(run(small), 3), 1e-9)


def _sniff_all(text: str) -> Callable[[], object]:
    return lambda: [fmt.sniff(text) for fmt in formats()]


def _parser(name: str) -> Callable[[str], Callable[[], object]]:
    fmt = next(f for f in formats() if f.name == name)

    def make(text: str) -> Callable[[], object]:
        def call() -> object:
            try:
                return fmt.parse(text, CAPTURED)
            except DigestError as exc:
                return exc

        return call

    return make


@pytest.mark.parametrize("case", sorted(CASES))
def test_sniffing_and_parsing_grow_linearly(case: str) -> None:
    small, large = CASES[case](SIZE), CASES[case](SIZE * GROWTH)
    checks: list[tuple[str, Callable[[str], Callable[[], object]]]] = [("every sniff", _sniff_all)]
    checks += [(f"{fmt.name} parse", _parser(fmt.name)) for fmt in formats()]
    for what, make in checks:
        with _guard(f"{what} on {case!r} ({len(large):,} characters)"):
            ratio = _ratio(make, small, large)
            for _ in range(3):  # again before failing: the machine may have been busy
                if ratio <= LIMIT:
                    break
                ratio = min(ratio, _ratio(make, small, large))
        if ratio > LIMIT:  # measured again in a fresh interpreter, away from the suite's heap
            ratio = min(ratio, _fresh_ratio(case, what))
        assert ratio <= LIMIT, f"{what} on {case!r}: {GROWTH}× the input took {ratio:.1f}× the time"


def _checks() -> dict[str, Callable[[str], Callable[[], object]]]:
    checks = {"every sniff": _sniff_all}
    checks.update({f"{fmt.name} parse": _parser(fmt.name) for fmt in formats()})
    return checks


def _fresh_ratio(case: str, what: str) -> float:
    """The same measurement in a new Python process (inside the full suite a linear parser
    has measured 21–29×, alone 7.5–10×: the cost of the suite's millions of objects, not of
    the parser; a quadratic one measures about 64 either way)."""
    code = (
        "import sys; from tests.digests import test_linear_time as t; "
        "print(t._fresh_main(sys.argv[1], sys.argv[2]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, case, what],
        capture_output=True,
        text=True,
        timeout=GUARD_SECONDS * 4,
        cwd=Path(__file__).resolve().parents[2],
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def _fresh_main(case: str, what: str) -> float:
    """Entry point of :func:`_fresh_ratio`'s process: the best of four measurements."""
    small, large = CASES[case](SIZE), CASES[case](SIZE * GROWTH)
    make = _checks()[what]
    return min(_ratio(make, small, large) for _ in range(4))
