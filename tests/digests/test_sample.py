"""The real Daily Papers capture (vendored in ``tests/digests/samples``), checked entry by entry."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path
from typing import NamedTuple

import pytest

import reader.digests as digests
from reader.digests import hf_text
from reader.digests.tex import tex_to_unicode
from tests.factories import SAMPLE_PATH

CAPTURED = datetime(2026, 1, 30, 18, tzinfo=UTC)


class Expected(NamedTuple):
    line: int
    title: str
    authors: int | None
    handle: str | None
    organization: str | None
    published: date | None
    comments: int | None


def _a(
    line: int, title: str, authors: int, published: date, comments: int | None = None
) -> Expected:
    return Expected(line, title, authors, None, None, published, comments)


def _o(
    line: int, title: str, handle: str, name: str, published: date, comments: int | None = None
) -> Expected:
    return Expected(line, title, None, handle, name, published, comments)


D = date

# Read off the capture by hand: title line number, title, meta block.
EXPECTED: tuple[Expected, ...] = (
    _a(13, "TASTE: Text-Aligned Speech Tokenization and Embedding for Spoken Language Modeling", 5, D(2025, 4, 9)),
    _a(21, "Data-Centric and Heterogeneity-Adaptive Sequence Parallelism for Efficient LLM Training", 10, D(2024, 12, 2)),
    _a(29, "LM-Infinite: Simple On-the-Fly Length Generalization for Large Language Models", 6, D(2023, 8, 30), 4),
    _a(37, "Revisiting Data Challenges of Computational Pathology: A Pack-based Multiple Instance Learning Framework", 5, D(2025, 9, 25)),
    _a(45, "Stuffed Mamba: State Collapse and State Capacity of RNN-Based Long-Context Modeling", 6, D(2024, 10, 9), 3),
    _a(53, "SequenceMatch: Imitation Learning for Autoregressive Sequence Modelling with Backtracking", 2, D(2023, 6, 8)),
    _a(61, "Dataset Decomposition: Faster LLM Training with Variable Sequence Length Curriculum", 7, D(2024, 5, 21)),
    _a(69, "XL3M: A Training-free Framework for LLM Length Extension Based on Segment-wise Inference", 10, D(2024, 5, 27), 2),
    _a(77, "Zeppelin: Balancing Variable-length Workloads in Data Parallel Large Model Training", 10, D(2025, 9, 26)),
    Expected(85, "Batch Speculative Decoding Done Right", None, None, None, None, None),
    _a(89, "Giraffe: Adventures in Expanding Context Lengths in LLMs", 6, D(2023, 8, 21)),
    _a(97, "Out of Length Text Recognition with Sub-String Matching", 5, D(2024, 7, 17)),
    _a(105, "Arctic Long Sequence Training: Scalable And Efficient Training For Multi-Million Token Sequences", 8, D(2025, 6, 16)),
    _a(113, "LLM as Effective Streaming Processor: Bridging Streaming-Batch Mismatches with Group Position Encoding", 7, D(2025, 5, 22), 1),
    _a(121, "The Impact of Positional Encoding on Length Generalization in Transformers", 5, D(2023, 5, 30)),
    _o(129, "Extracting alignment data in open models", "google", "Google", D(2025, 10, 21), 5),
    _a(137, "Training LLMs over Neurally Compressed Text", 7, D(2024, 4, 4), 3),
    _a(145, "Don't Take It Literally: An Edit-Invariant Sequence Loss for Text Generation", 9, D(2021, 6, 28)),
    _a(153, "MrT5: Dynamic Token Merging for Efficient Byte-level Language Models", 5, D(2024, 10, 28), 1),
    _a(161, "Efficiently Modeling Long Sequences with Structured State Spaces", 3, D(2021, 10, 30)),
    _a(169, "CASTILLO: Characterizing Response Length Distributions of Large Language Models", 3, D(2025, 5, 22)),
    _a(177, "InfLLM: Unveiling the Intrinsic Capacity of LLMs for Understanding Extremely Long Sequences with Training-Free Memory", 9, D(2024, 2, 7), 3),
    _a(185, "Diverse Beam Search: Decoding Diverse Solutions from Neural Sequence Models", 7, D(2016, 10, 7)),
    _a(193, "ByteTransformer: A High-Performance Transformer Boosted for Variable-Length Inputs", 8, D(2022, 10, 6)),
    _a(201, "LOCO Codes Can Correct as Well: Error-Correction Constrained Coding for DNA Data Storage", 2, D(2025, 4, 1)),
    _a(209, "Say Anything but This: When Tokenizer Betrays Reasoning in LLMs", 3, D(2026, 1, 21)),
    _a(217, "LISTER: Neighbor Decoding for Length-Insensitive Scene Text Recognition", 5, D(2023, 8, 24)),
    _a(225, "Minimum Tuning to Unlock Long Output from LLMs with High Quality Data as the Key", 6, D(2024, 10, 14), 2),
    _a(233, "SuffixDecoding: Extreme Speculative Decoding for Emerging AI Applications", 4, D(2024, 11, 7)),
    _a(241, "Stable Reinforcement Learning for Efficient Reasoning", 3, D(2025, 5, 23)),
    _o(249, "BMFM-DNA: A SNP-aware DNA foundation model to capture variant effects", "ibm-research", "IBM Research", D(2025, 6, 26)),
    _a(257, "Order Matters: Sequence to sequence for sets", 3, D(2015, 11, 19)),
    _a(265, "Training Language Models on Synthetic Edit Sequences Improves Code Synthesis", 3, D(2024, 10, 3), 3),
    _a(273, "Sequence Parallelism: Long Sequence Training from System Perspective", 5, D(2021, 5, 26)),
    _a(281, "Ruler: A Model-Agnostic Method to Control Generated Length for Large Language Models", 8, D(2024, 9, 27), 2),
    _a(289, "Embed-Search-Align: DNA Sequence Alignment using Transformer Models", 8, D(2023, 9, 20)),
    _a(297, "An Interdisciplinary Comparison of Sequence Modeling Methods for Next-Element Prediction", 3, D(2018, 10, 31)),
    _a(305, "TRACEALIGN -- Tracing the Drift: Attributing Alignment Failures to Training-Time Belief Sources in LLMs", 3, D(2025, 8, 4), 2),
    _o(313, "The Imitation Game: Turing Machine Imitator is Length Generalizable Reasoner", "internlm", "Intern Large Models", D(2025, 7, 17), 3),
    _a(321, "Test-Time Training Done Right", 9, D(2025, 5, 29)),
    _a(329, "The Hyperfitting Phenomenon: Sharpening and Stabilizing LLMs for Open-Ended Text Generation", 5, D(2024, 12, 5)),
    _a(337, "Beyond Fixed: Variable-Length Denoising for Diffusion Large Language Models", 6, D(2025, 8, 1), 2),
    _a(345, "DNA Sequence Classification with Compressors", 1, D(2024, 1, 25)),
    _a(353, "Long-CLIP: Unlocking the Long-Text Capability of CLIP", 5, D(2024, 3, 22)),
    _a(361, "Reducing Sequence Length by Predicting Edit Operations with Large Language Models", 2, D(2023, 5, 19)),
    _a(369, "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness", 5, D(2022, 5, 27), 4),
    _a(377, "UloRL:An Ultra-Long Output Reinforcement Learning Approach for Advancing Large Language Models' Reasoning Abilities", 5, D(2025, 7, 25), 2),
    _a(385, "Find Central Dogma Again", 1, D(2025, 2, 10)),
)  # fmt: skip


@pytest.fixture(scope="module")
def sample_lines(sample_path: Path) -> list[str]:
    return sample_path.read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="module")
def digest(sample_path: Path) -> digests.Digest:
    return digests.parse(sample_path, captured_at=CAPTURED)


def test_expected_table_matches_the_file(sample_lines: list[str]) -> None:
    """The hand-written table agrees with the raw text, independently of the parser."""
    assert len(EXPECTED) == 48
    for row in EXPECTED:
        assert sample_lines[row.line - 1] == row.title
        assert sample_lines[row.line] == ""
        assert len(sample_lines[row.line + 1]) > 300  # the abstract paragraph
        blank, *following = (line.strip() for line in sample_lines[row.line + 2 : row.line + 6])
        assert blank == ""
        if row.published is None:
            assert following[0] == next(r.title for r in EXPECTED if r.line == row.line + 4)
            continue
        who, dot, when = following
        assert dot == "·"
        if row.authors is not None:
            assert who == f"• {row.authors} authors"
        else:
            assert who == f"{row.handle} {row.organization}"
        # The page leaves out the year for dates in the capture's year (2026).
        year = "" if row.published.year == 2026 else f", {row.published.year}"
        count = "" if row.comments is None else f" {row.comments}"
        assert when == f"{row.published:%b} {row.published.day}{year}{count}"


def test_digest_level_fields(digest: digests.Digest) -> None:
    assert digest.format == hf_text.NAME
    assert digest.date == date(2026, 1, 30)
    assert digest.captured_at == CAPTURED
    assert digest.warnings == ()
    assert len(digest.entries) == 48


@pytest.mark.parametrize("index", range(len(EXPECTED)), ids=lambda i: f"entry{i + 1}")
def test_every_entry(digest: digests.Digest, sample_lines: list[str], index: int) -> None:
    entry, row = digest.entries[index], EXPECTED[index]
    assert entry.title == row.title
    assert entry.line == row.line
    assert entry.authors_count == row.authors
    assert entry.organization == row.organization
    assert entry.organization_handle == row.handle
    assert entry.published == row.published
    assert entry.comments == row.comments
    assert entry.abstract
    # As written, but for the one TeX rule every reader applies (91\% -> 91%, na\"ively).
    assert entry.abstract == tex_to_unicode(sample_lines[row.line + 1])
    assert entry.abstract == entry.abstract.strip()
    # Fields the text capture does not carry stay unknown.
    assert entry.arxiv_id is None
    assert entry.upvotes is None
    assert entry.authors == ()


def test_counts_by_kind(digest: digests.Digest) -> None:
    no_meta = [e for e in digest.entries if e.published is None]
    organisations = [e for e in digest.entries if e.organization is not None]
    assert [e.title for e in no_meta] == ["Batch Speculative Decoding Done Right"]
    assert [(e.organization_handle, e.organization) for e in organisations] == [
        ("google", "Google"),
        ("ibm-research", "IBM Research"),
        ("internlm", "Intern Large Models"),
    ]
    assert all(e.authors_count is None for e in organisations)


def test_entry_without_meta_block(digest: digests.Digest) -> None:
    entry = digest.entries[9]
    assert entry.title == "Batch Speculative Decoding Done Right"
    assert entry.abstract.startswith("Speculative decoding speeds up LLM inference")
    assert (entry.authors_count, entry.organization, entry.published, entry.comments) == (
        None,
        None,
        None,
        None,
    )
    # Its neighbours keep their own meta blocks.
    assert digest.entries[8].authors_count == 10
    assert digest.entries[10].title.startswith("Giraffe")
    assert digest.entries[10].authors_count == 6


def test_yearless_date_takes_the_capture_year(digest: digests.Digest) -> None:
    entry = next(e for e in digest.entries if e.title.startswith("Say Anything but This"))
    assert entry.published == date(2026, 1, 21)


def test_capture_before_the_month_day_goes_to_previous_year(sample_path: Path) -> None:
    digest = digests.parse(sample_path, captured_at=datetime(2026, 1, 10, tzinfo=UTC))
    assert digest.date == date(2025, 1, 30)
    entry = next(e for e in digest.entries if e.title.startswith("Say Anything but This"))
    assert entry.published == date(2025, 1, 21)
    # Dates with a year are untouched.
    assert digest.entries[0].published == date(2025, 4, 9)
    assert len(digest.entries) == 48


def test_parse_path_uses_the_modification_time(sample_path: Path) -> None:
    digest = digests.parse(sample_path)
    assert len(digest.entries) == 48
    assert digest.captured_at is not None
    assert digest.captured_at.tzinfo is not None


def test_parse_str_path_and_bytes_agree(sample_path: Path) -> None:
    by_str = digests.parse(str(sample_path), captured_at=CAPTURED)
    by_bytes = digests.parse(sample_path.read_bytes(), captured_at=CAPTURED)
    by_parse_bytes = digests.parse_bytes(sample_path.read_bytes(), captured_at=CAPTURED)
    assert by_str == by_bytes == by_parse_bytes


def test_detect_recognises_the_sample(sample_path: Path) -> None:
    fmt = digests.detect(sample_path.read_bytes())
    assert fmt is not None
    assert fmt.name == hf_text.NAME
    assert fmt.label == hf_text.LABEL


def test_render_of_the_sample_parses_back(digest: digests.Digest) -> None:
    text = hf_text.render(digest.entries, digest.date)
    again = digests.parse_bytes(text.encode(), captured_at=CAPTURED)
    assert again.date == digest.date
    strip = [(e.title, e.abstract, e.authors_count, e.organization, e.organization_handle,
              e.published, e.comments) for e in digest.entries]  # fmt: skip
    assert strip == [
        (e.title, e.abstract, e.authors_count, e.organization, e.organization_handle,
         e.published, e.comments) for e in again.entries
    ]  # fmt: skip


def test_one_stray_byte_costs_one_character_not_the_capture() -> None:
    """A byte that is not UTF-8 in the real capture: still 48 papers, one title touched."""
    data = SAMPLE_PATH.read_bytes()
    at = data.index(b"\n", len(data) // 2)  # the end of a line in the middle of the file
    damaged = data[:at] + b" \xff" + data[at:]
    clean = digests.parse_bytes(data, captured_at=CAPTURED)
    digest = digests.parse_bytes(damaged, captured_at=CAPTURED)
    assert len(digest.entries) == len(clean.entries) == 48
    changed = [(a, b) for a, b in zip(clean.entries, digest.entries, strict=True) if a != b]
    assert len(changed) == 1
    damaged_entry = changed[0][1]
    assert "ÿ" in damaged_entry.title + damaged_entry.abstract
    assert dataclasses.replace(damaged_entry, title="", abstract="") == dataclasses.replace(
        changed[0][0], title="", abstract=""
    )


def test_tex_in_the_real_capture_follows_the_one_rule(digest: digests.Digest) -> None:
    text = " ".join(e.abstract for e in digest.entries)
    assert "91% accuracy on sequential CIFAR-10" in text
    assert "naïvely compressed" in text
