"""Migrations for the words index's facet tokens: facet-only writes for bulk edits, tag
tokens and the FTS5 statistics fix (scripts run by :func:`reader.library.schema.migrate`;
they never change once shipped).
"""

from __future__ import annotations

from reader.library.migrations_search import INDEXED_TEXT

_TEXT_COLUMNS = ("title", "abstract", "note", "tags")
_TEXT_CHANGED = " OR ".join(f"old.{c} IS NOT new.{c}" for c in _TEXT_COLUMNS)
_TEXT_SAME = " AND ".join(f"old.{c} IS new.{c}" for c in _TEXT_COLUMNS)
_FACET_IN_TEXT = f"instr({' || '.join(f'new.{c}' for c in _TEXT_COLUMNS)}, char(57344)) > 0"


def _facet_triggers(facet_in_text: str) -> str:
    """The words index's triggers for an edit: the whole row when its text changed (or
    holds a facet character, ``facet_in_text``), else the facet tokens alone."""
    return f"""CREATE TRIGGER paper_words_update
AFTER UPDATE OF {INDEXED_TEXT}, status, rating ON paper
WHEN {_TEXT_CHANGED} OR ((old.facets IS NOT new.facets) AND {facet_in_text})
BEGIN
    INSERT INTO paper_words (paper_words, rowid, {INDEXED_TEXT}, facets)
    VALUES ('delete', old.id, old.title, old.abstract, old.note, old.tags, old.facets);
    INSERT INTO paper_words (rowid, {INDEXED_TEXT}, facets)
    VALUES (new.id, new.title, new.abstract, new.note, new.tags, new.facets);
END;
CREATE TRIGGER paper_words_facets
AFTER UPDATE OF status, rating ON paper
WHEN ({_TEXT_SAME}) AND old.facets IS NOT new.facets AND NOT {facet_in_text}
BEGIN
    INSERT INTO paper_words_kept (id, sz) SELECT id, sz FROM paper_words_docsize WHERE id = old.id;
    INSERT INTO paper_words (paper_words, rowid, {INDEXED_TEXT}, facets)
    VALUES ('delete', old.id, '', '', '', '', old.facets);
    INSERT INTO paper_words (rowid, {INDEXED_TEXT}, facets)
    VALUES (new.id, '', '', '', '', new.facets);
    UPDATE paper_words_docsize SET sz = (SELECT sz FROM paper_words_kept WHERE id = new.id)
    WHERE id = new.id;
    DELETE FROM paper_words_kept WHERE id = new.id;
END;
"""


FACET_WRITES = f"""
-- A bulk edit of 100,000 ratings or statuses in seconds (issue #14). paper_words indexes a
-- paper's text and its facets as one FTS5 row, and FTS5 rewrites a row whole: a rating
-- used to re-tokenize the paper's title, abstract, note and tags twice (delete, insert),
-- 100 s for 100,000 papers. With detail=none the index is a set of (token, paper) pairs,
-- so a change of status or rating alone now takes out the old facet tokens and puts in the
-- new ones, and leaves the text's pairs alone; the per-paper column sizes FTS5 keeps
-- (paper_words_docsize) do not change with them (a status and a rating are one token
-- each) and are put back as they were. FTS5's integrity-check, which compares the index
-- with the text and facets of every paper, holds the two equal (tests/test_facet_writes.py).
-- Text that itself holds the facet character U+E000 (it could share a token with a facet)
-- takes the whole-row path, as every text change does.
CREATE TABLE paper_words_kept (id INTEGER PRIMARY KEY, sz BLOB);
DROP TRIGGER paper_words_update;
{_facet_triggers(_FACET_IN_TEXT)}-- A question to the index about one paper (is paper 123 in "model"*?) seeks in every
-- segment of the index: a library built by thousands of imports has 15 segments at
-- 20,000 papers, and in one segment the searches of bench/queries.py take a third of the
-- time (p95 28.7 -> 8.5 ms, max 177 -> 65 ms of CPU). Merged once here; the writer keeps
-- it merged when idle (reader.library.words.compact).
INSERT INTO paper_words (paper_words) VALUES ('optimize');
"""

_OLD_FACETS = """char(57344) || status || ' ' || char(57344) || 'r' || rating
    || CASE WHEN note != '' THEN ' ' || char(57344) || 'note' ELSE '' END
    || CASE WHEN tags != '' THEN ' ' || char(57344) || 'tags' ELSE '' END"""

_TAG_TOKENS = (
    # Each name's hex digits after U+E002: the separator (0x1F) doubled first, so that
    # "1F1F" in the hex is a separator and never the halves of two bytes (that would
    # take the byte F1 followed by a byte F0–FF, which UTF-8 never has).
    "CASE WHEN tags != '' THEN ' ' || char(57346) || replace(hex(lower(replace(tags, "
    "char(31), char(31, 31)))), '1F1F', ' ' || char(57346)) ELSE '' END"
)
_FACET_IN_TEXT_2 = (
    f"(instr({' || '.join(f'new.{c}' for c in _TEXT_COLUMNS)}, char(57344)) > 0 "
    f"OR instr({' || '.join(f'new.{c}' for c in _TEXT_COLUMNS)}, char(57346)) > 0)"
)

SEARCH14C_TAG_TOKENS = f"""
-- A tag in the words index (issue #14): each tag of a paper is a facet token, U+E002 and
-- the hex digits of its name in ASCII lower case (what COLLATE NOCASE folds), so that a
-- tag view or tag: filter joins the full-text side: "tag:nlp model" in the Inbox is one
-- merge of three lists, first page and count, not a walk checking paper_tag per paper.
-- A tag's token is exact (hex keeps every character), so the tag condition is covered by
-- it (reader.query). The facets column is generated: dropped and added again with the
-- tag tokens, the triggers that name it with it; the tagged papers' rows of paper_words
-- are then written again (the rest of the index is unchanged: their facets are too).
DROP TRIGGER paper_words_insert;
DROP TRIGGER paper_words_delete;
DROP TRIGGER paper_words_update;
DROP TRIGGER paper_words_facets;
CREATE TEMP TABLE search14c_tagged AS
SELECT id, title, abstract, note, tags, {_OLD_FACETS} AS facets FROM paper WHERE tags != '';
ALTER TABLE paper DROP COLUMN facets;
ALTER TABLE paper ADD COLUMN facets TEXT GENERATED ALWAYS AS (
    {_OLD_FACETS}
    || {_TAG_TOKENS}
) VIRTUAL;
INSERT INTO paper_words (paper_words, rowid, {INDEXED_TEXT}, facets)
SELECT 'delete', id, title, abstract, note, tags, facets FROM temp.search14c_tagged;
INSERT INTO paper_words (rowid, {INDEXED_TEXT}, facets)
SELECT id, title, abstract, note, tags, facets FROM paper WHERE tags != '';
DROP TABLE temp.search14c_tagged;
CREATE TRIGGER paper_words_insert AFTER INSERT ON paper BEGIN
    INSERT INTO paper_words (rowid, {INDEXED_TEXT}, facets)
    VALUES (new.id, new.title, new.abstract, new.note, new.tags, new.facets);
    INSERT INTO paper_words_new ({INDEXED_TEXT})
    VALUES (new.title, new.abstract, new.note, new.tags);
END;
CREATE TRIGGER paper_words_delete AFTER DELETE ON paper BEGIN
    INSERT INTO paper_words (paper_words, rowid, {INDEXED_TEXT}, facets)
    VALUES ('delete', old.id, old.title, old.abstract, old.note, old.tags, old.facets);
END;
-- Text holding U+E000 or U+E002 could share a token with a facet: the whole row then.
{_facet_triggers(_FACET_IN_TEXT_2)}-- Rewritten rows leave the index in several segments, and a question about one paper
-- seeks in each: merged into one again.
INSERT INTO paper_words (paper_words) VALUES ('optimize');
"""


_FTS_TABLES = ("paper_fts", "paper_words", "paper_words_new")
FTS_SHADOW_TABLES = tuple(
    f"{table}_{part}" for table in _FTS_TABLES for part in ("data", "idx", "docsize", "config")
)
"""The tables FTS5 keeps each full-text index in (its own statements read and write them)."""

SCALE14_FTS_STATS = f"""
-- Imports slowed as a library grew (issue #14: 1,300 papers/s of CPU at 5,000 papers, 400
-- at 20,000), reading ~9,000 pages per digest at 20,000 papers and ever more. The ANALYZE
-- of an earlier migration runs on a new library while it is empty, and recorded each
-- full-text index's data table as 2 rows; the planner believes it for good, so the
-- statement FTS5 deletes a merged segment with (DELETE FROM paper_fts_data WHERE id >= ?
-- AND id <= ?) scanned the whole index instead of seeking the segment's range, several
-- times per import. FTS5's tables get no statistics (every statement of FTS5 is a lookup
-- by key, which SQLite plans right without them); the connection reloads the schema
-- after an upgrade so that it plans with these, not the ones it read (reader.library
-- .connection).
-- (ANALYZE of the schema table creates sqlite_stat1 should a tool have dropped it, and
-- reads nothing else.)
ANALYZE sqlite_schema;
DELETE FROM sqlite_stat1 WHERE tbl IN ({", ".join(f"'{t}'" for t in FTS_SHADOW_TABLES)});
"""
