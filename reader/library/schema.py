"""The library's schema and its migrations, versioned with ``PRAGMA user_version``.

Each migration is a function run inside one transaction; the version is bumped in the same
transaction, so a crash leaves the file at the old or the new version, never between.
Migrations only ever move forward: a library written by a newer Papershelf is refused.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

STATUSES = ("inbox", "queue", "reading", "read", "archived")
TAG_SEPARATOR = "\x1f"
"""Joins tag names in ``paper.tags`` (the denormalised copy used for sorting and search)."""


def _tags_of(paper_expr: str) -> str:
    """SQL for the sorted, separator-joined tag names of one paper."""
    return (
        "(SELECT coalesce(group_concat(name, char(31)), '') FROM "
        "(SELECT t.name AS name FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id "
        f"WHERE pt.paper_id = {paper_expr} ORDER BY t.name COLLATE NOCASE))"
    )


_V1 = f"""
CREATE TABLE paper (
    -- Small columns first, the long texts (abstract, note) last: SQLite reads a row's
    -- columns in order, so filters on status, rating or tags never read an abstract's
    -- overflow pages. That is what keeps filtered searches fast on 100,000 papers.
    id              INTEGER PRIMARY KEY,
    status          TEXT NOT NULL DEFAULT 'inbox'
                    CHECK (status IN ({", ".join(f"'{s}'" for s in STATUSES)})),
    rating          INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
    published       TEXT,             -- ISO date
    comments        INTEGER,
    comments_at     TEXT,             -- capture time the comment count was read at
    upvotes         INTEGER,
    authors_count   INTEGER,
    first_seen      TEXT NOT NULL,    -- ISO UTC timestamp
    note_updated_at TEXT,
    opened_at       TEXT,
    status_changed_at TEXT,
    arxiv_id        TEXT UNIQUE,
    organization    TEXT,
    tags            TEXT NOT NULL DEFAULT '',  -- maintained by triggers on paper_tag
    title_key       TEXT NOT NULL,
    title           TEXT NOT NULL,
    url             TEXT,
    doi             TEXT,
    categories      TEXT,             -- JSON list
    authors         TEXT,             -- JSON list of names, when a format gives them
    abstract        TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX paper_title_key ON paper (title_key);
-- One index per sortable column ("added" is the id order). Each also carries status and rating, so a sidebar view
-- (Inbox, Rated …) sorted by any column is answered from the index alone: paper rows are
-- wide (abstracts, notes) and reading them for 100,000 papers is what makes lists slow.
CREATE INDEX paper_by_title ON paper (title COLLATE NOCASE, status, rating, id);
CREATE INDEX paper_by_status ON paper (status, id, rating);
CREATE INDEX paper_by_rating ON paper (rating, status, id);
CREATE INDEX paper_by_published ON paper (published, status, rating, id);
CREATE INDEX paper_by_comments ON paper (comments, status, rating, id);
CREATE INDEX paper_by_tags ON paper (tags COLLATE NOCASE, status, rating, id);

CREATE TABLE tag (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE paper_tag (
    paper_id INTEGER NOT NULL REFERENCES paper (id) ON DELETE CASCADE,
    tag_id   INTEGER NOT NULL REFERENCES tag (id) ON DELETE CASCADE,
    PRIMARY KEY (paper_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX paper_tag_by_tag ON paper_tag (tag_id, paper_id);

CREATE TABLE digest (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL,
    size        INTEGER,
    sha256      TEXT,
    format      TEXT,
    digest_date TEXT,
    captured_at TEXT,
    imported_at TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('imported', 'failed')),
    error       TEXT,
    warnings    TEXT,                 -- JSON list
    parser      TEXT,                 -- Papershelf version that read it
    entries     INTEGER NOT NULL DEFAULT 0,
    new         INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX digest_sha256 ON digest (sha256);
CREATE INDEX digest_path ON digest (path);

CREATE TABLE appearance (
    digest_id INTEGER NOT NULL REFERENCES digest (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    paper_id  INTEGER NOT NULL REFERENCES paper (id) ON DELETE CASCADE,
    comments  INTEGER,
    upvotes   INTEGER,
    PRIMARY KEY (digest_id, position)
) WITHOUT ROWID;
CREATE INDEX appearance_by_paper ON appearance (paper_id, digest_id);

-- Full-text search over title, abstract, note and tag names (external content: no copy).
CREATE VIRTUAL TABLE paper_fts USING fts5 (
    title, abstract, note, tags,
    content = 'paper', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
CREATE TRIGGER paper_fts_insert AFTER INSERT ON paper BEGIN
    INSERT INTO paper_fts (rowid, title, abstract, note, tags)
    VALUES (new.id, new.title, new.abstract, new.note, new.tags);
END;
CREATE TRIGGER paper_fts_delete AFTER DELETE ON paper BEGIN
    INSERT INTO paper_fts (paper_fts, rowid, title, abstract, note, tags)
    VALUES ('delete', old.id, old.title, old.abstract, old.note, old.tags);
END;
CREATE TRIGGER paper_fts_update AFTER UPDATE OF title, abstract, note, tags ON paper BEGIN
    INSERT INTO paper_fts (paper_fts, rowid, title, abstract, note, tags)
    VALUES ('delete', old.id, old.title, old.abstract, old.note, old.tags);
    INSERT INTO paper_fts (rowid, title, abstract, note, tags)
    VALUES (new.id, new.title, new.abstract, new.note, new.tags);
END;

-- paper.tags mirrors paper_tag, sorted case-insensitively.
CREATE TRIGGER paper_tag_insert AFTER INSERT ON paper_tag BEGIN
    UPDATE paper SET tags = {_tags_of("new.paper_id")} WHERE id = new.paper_id;
END;
CREATE TRIGGER paper_tag_delete AFTER DELETE ON paper_tag BEGIN
    UPDATE paper SET tags = {_tags_of("old.paper_id")} WHERE id = old.paper_id;
END;
CREATE TRIGGER tag_rename AFTER UPDATE OF name ON tag BEGIN
    UPDATE paper SET tags = {_tags_of("paper.id")}
    WHERE id IN (SELECT paper_id FROM paper_tag WHERE tag_id = new.id);
END;
"""


_V2 = """
-- What the Markdown export last wrote into each folder (reader.export): a re-export
-- compares the file on disk with this hash and never overwrites a note edited since.
-- paper_id 0 is the folder's index note. No foreign key: the record outlives a paper,
-- because its file stays in the vault.
CREATE TABLE export_file (
    folder      TEXT NOT NULL,        -- the export folder, absolute, links resolved
    paper_id    INTEGER NOT NULL,
    name        TEXT NOT NULL,        -- the note's file name inside the folder
    sha256      TEXT NOT NULL,        -- of the bytes last written (or found identical)
    exported_at TEXT NOT NULL,        -- ISO UTC timestamp
    PRIMARY KEY (folder, paper_id)
) WITHOUT ROWID;
"""


_V3 = """
-- A fingerprint of what each exported note was made from (the paper's fields, the
-- template, the Papershelf version): a re-export skips rendering notes whose inputs did
-- not change, which is what makes an unchanged re-export of 10,000 notes take a blink.
ALTER TABLE export_file ADD COLUMN inputs TEXT;
"""


_RELIABILITY = """
-- Deleted papers wait here until the trash is emptied (reader.library.trash). A paper's
-- whole row, its tag names and its appearances are kept as JSON, so a restore brings it
-- back as it was even after later migrations add columns. The identity columns are
-- copied out so that a re-import recognises a trashed paper and leaves it in the trash.
CREATE TABLE trash (
    paper_id    INTEGER PRIMARY KEY,   -- the id it had, and gets back on restore
    trashed_at  TEXT NOT NULL,         -- ISO UTC timestamp
    title       TEXT NOT NULL,
    title_key   TEXT NOT NULL,
    arxiv_id    TEXT,
    doi         TEXT,                  -- normalised (reader.library.identity)
    row         TEXT NOT NULL,         -- JSON object: every column of the paper row
    tags        TEXT NOT NULL,         -- JSON list of tag names
    appearances TEXT NOT NULL          -- JSON list of [digest_id, position, comments, upvotes]
);
CREATE INDEX trash_title_key ON trash (title_key);
CREATE INDEX trash_arxiv_id ON trash (arxiv_id);
CREATE INDEX trash_doi ON trash (doi);
-- DOIs are identities too (case-insensitive): the importer looks papers up by them.
CREATE INDEX paper_doi ON paper (lower(doi));

-- A large digest's new papers are written in steps, each its own short transaction
-- (reader.library.import_steps); the digest itself, its appearances and every update of
-- known papers are written in one last transaction. Until then its row here marks the
-- import as unfinished, and the papers its steps created are listed, so that an import
-- that was killed is rolled back on the next open.
CREATE TABLE import_step (
    token      TEXT PRIMARY KEY,
    path       TEXT NOT NULL,        -- the digest file, for messages
    host       TEXT NOT NULL,
    pid        INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    touched_at TEXT NOT NULL         -- each step renews it: a stale one is a dead import
);
CREATE TABLE import_created (
    token    TEXT NOT NULL,
    paper_id INTEGER NOT NULL,
    PRIMARY KEY (token, paper_id)
) WITHOUT ROWID;

-- Text that was not valid UTF-8, taken out of the library by 'papershelf check --repair'
-- (reader.library.text_damage): the original bytes stay here, recoverable.
CREATE TABLE damaged_text (
    id         INTEGER PRIMARY KEY,
    table_name TEXT NOT NULL,
    row_id     INTEGER NOT NULL,
    column     TEXT NOT NULL,
    original   BLOB NOT NULL,
    repaired_at TEXT NOT NULL
);
"""


_INTEREST = """
-- The reader's interest model (reader.ranking). paper_interest holds the latest score in
-- 0-1 of every scored paper (written by the writer after a background refit); a paper
-- without a row has no score yet. not_interested records the "Not interested" signal.
-- interest_state is one row: when the model was fitted, on how many signals, and why
-- there is no model when there is none ("not enough signal ...").
-- No foreign key: a refit rewrites 100,000 rows and checks each paper exists itself;
-- the trigger below drops the score of a deleted paper.
CREATE TABLE paper_interest (
    paper_id  INTEGER PRIMARY KEY,
    score     REAL NOT NULL CHECK (score BETWEEN 0 AND 1),
    candidate INTEGER NOT NULL DEFAULT 1  -- untriaged inbox paper when scored: For you
);
CREATE TRIGGER paper_interest_delete AFTER DELETE ON paper BEGIN
    DELETE FROM paper_interest WHERE paper_id = old.id;
END;
-- For you walks this best first and checks each paper (so a paper triaged since it was
-- scored is skipped): the liked papers, which score highest, are never walked past.
CREATE INDEX paper_interest_for_you ON paper_interest (candidate, score, paper_id);
CREATE TABLE not_interested (
    paper_id INTEGER PRIMARY KEY REFERENCES paper (id) ON DELETE CASCADE,
    marked_at TEXT NOT NULL
);
CREATE TABLE interest_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    fitted_at  TEXT,
    positives  INTEGER NOT NULL DEFAULT 0,
    negatives  INTEGER NOT NULL DEFAULT 0,
    generation INTEGER NOT NULL DEFAULT 0,
    message    TEXT
);
"""


_CITEKEY = """
-- Citation keys (reader.cite, reader.library.citekeys): one per paper, made once from the
-- formula in reader.cite.citekey and never recomputed, so a later, richer record of the
-- paper or another paper's arrival never changes a key already cited somewhere. Keys are
-- unique ignoring case; existing papers get theirs when the library is next opened.
-- No foreign key: a paper in the trash keeps its key (a restore gives it back, and no
-- other paper takes it meanwhile); a new paper given a purged paper's id replaces it.
CREATE TABLE citekey (
    paper_id INTEGER PRIMARY KEY,
    key      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    edited   INTEGER NOT NULL DEFAULT 0   -- 1 once the user chose the key
);
"""


_VAULT = """
-- The two-way vault (reader.export, reader.library.vault_records): per exported note, the
-- text Papershelf last rendered for it (the base of the next three-way merge, zlib-
-- compressed UTF-8) and the size and mtime of the file as last written or read, so an
-- untouched note is recognised without reading it. No foreign key, like export_file.
CREATE TABLE vault_note (
    folder    TEXT NOT NULL,
    paper_id  INTEGER NOT NULL,
    base      BLOB,
    size      INTEGER,
    mtime_ns  INTEGER,
    PRIMARY KEY (folder, paper_id)
) WITHOUT ROWID;
"""


_VAULT_STAT = """
-- The vault's listing pass (reader.export.listing): besides size and mtime, the inode and
-- the ctime of each note file as last seen, and when that was seen (checked_ns, wall
-- clock). A sync tool that restores a file with its old size and mtime still changes its
-- ctime; a note whose ctime was not yet older than the look at it is read again.
ALTER TABLE vault_note ADD COLUMN ino INTEGER;
ALTER TABLE vault_note ADD COLUMN ctime_ns INTEGER;
ALTER TABLE vault_note ADD COLUMN checked_ns INTEGER;
"""


WORD_PREFIXES = 6
"""The words index keeps prefixes of 1 to this many letters; longer words are looked up."""

_INDEXED_TEXT = "title, abstract, note, tags"

_WORDS = f"""
-- Search as you type at a million papers (issue #14). paper_fts keeps positions, which
-- phrases need, but a prefix it has no index for ("a", "learnin") makes FTS5 merge the
-- position lists of every matching word: 0.5 s on 100,000 papers. paper_words indexes
-- the same text without positions (detail=none: a tenth of the size per prefix), with
-- the prefixes of 1–{WORD_PREFIXES} letters, and each paper's status and rating as facet
-- tokens (and whether it has a note, tags): the first page of any word comes straight
-- out of it, in any view of a status or rating, and its count is one merge of lists.
ALTER TABLE paper ADD COLUMN facets TEXT GENERATED ALWAYS AS (
    char(57344) || status || ' ' || char(57344) || 'r' || rating
    || CASE WHEN note != '' THEN ' ' || char(57344) || 'note' ELSE '' END
    || CASE WHEN tags != '' THEN ' ' || char(57344) || 'tags' ELSE '' END
) VIRTUAL;
CREATE VIRTUAL TABLE paper_words USING fts5 (
    {_INDEXED_TEXT}, facets,
    content = 'paper', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '{" ".join(str(n) for n in range(1, WORD_PREFIXES + 1))}',
    detail = none
);
INSERT INTO paper_words (paper_words) VALUES ('rebuild');
CREATE TRIGGER paper_words_insert AFTER INSERT ON paper BEGIN
    INSERT INTO paper_words (rowid, {_INDEXED_TEXT}, facets)
    VALUES (new.id, new.title, new.abstract, new.note, new.tags, new.facets);
    INSERT INTO paper_words_new ({_INDEXED_TEXT})
    VALUES (new.title, new.abstract, new.note, new.tags);
END;
CREATE TRIGGER paper_words_delete AFTER DELETE ON paper BEGIN
    INSERT INTO paper_words (paper_words, rowid, {_INDEXED_TEXT}, facets)
    VALUES ('delete', old.id, old.title, old.abstract, old.note, old.tags, old.facets);
END;
CREATE TRIGGER paper_words_update
AFTER UPDATE OF title, abstract, note, tags, status, rating ON paper BEGIN
    INSERT INTO paper_words (paper_words, rowid, {_INDEXED_TEXT}, facets)
    VALUES ('delete', old.id, old.title, old.abstract, old.note, old.tags, old.facets);
    INSERT INTO paper_words (rowid, {_INDEXED_TEXT}, facets)
    VALUES (new.id, new.title, new.abstract, new.note, new.tags, new.facets);
END;
CREATE TRIGGER paper_words_new_text AFTER UPDATE OF title, abstract, note, tags ON paper BEGIN
    INSERT INTO paper_words_new ({_INDEXED_TEXT})
    VALUES (new.title, new.abstract, new.note, new.tags);
END;

-- Every word longer than the longest indexed prefix, so that a longer prefix is looked
-- up as the few words it stands for ("learnin" is "learning"), which FTS5 streams, instead
-- of merging lists. Words are only ever added (a word no paper has any more finds none).
-- Text written since the last commit waits, tokenized, in paper_words_new; every write
-- transaction moves its new words here before it commits (reader.library.words).
CREATE TABLE paper_word (word TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE VIRTUAL TABLE paper_words_new USING fts5 (
    {_INDEXED_TEXT}, content = '', tokenize = 'unicode61 remove_diacritics 2', detail = none
);
CREATE VIRTUAL TABLE temp.paper_words_vocabulary USING fts5vocab (main, paper_words, row);
INSERT INTO paper_word (word)
SELECT term FROM temp.paper_words_vocabulary
WHERE length(term) > {WORD_PREFIXES} AND unicode(term) < 57344;
DROP TABLE temp.paper_words_vocabulary;
INSERT INTO paper_words (paper_words) VALUES ('optimize');

-- Sort indexes in display order: the sort column, then the id that breaks ties, then
-- status, rating and organization (so that views and org: filters are read from the index
-- alone; organization is short and mostly empty). With the id second, a column full of
-- ties (rating 0, no comments, no tags) needs no sorting.
DROP INDEX paper_by_title;
DROP INDEX paper_by_rating;
DROP INDEX paper_by_published;
DROP INDEX paper_by_comments;
DROP INDEX paper_by_tags;
DROP INDEX paper_by_status;
CREATE INDEX paper_by_title ON paper (title COLLATE NOCASE, id, status, rating, organization);
CREATE INDEX paper_by_rating ON paper (rating, id, status, organization);
CREATE INDEX paper_by_published ON paper (published, id, status, rating, organization);
CREATE INDEX paper_by_comments ON paper (comments, id, status, rating, organization);
CREATE INDEX paper_by_tags ON paper (tags COLLATE NOCASE, id, status, rating, organization);
CREATE INDEX paper_by_status ON paper (status, id, rating, organization);
-- A status view (the Inbox, Queue …) in any order is one range of one index, whatever
-- the statuses of the papers that sort first.
CREATE INDEX paper_by_status_title ON paper (status, title COLLATE NOCASE, id, rating, organization);
CREATE INDEX paper_by_status_rating ON paper (status, rating, id, organization);
CREATE INDEX paper_by_status_published ON paper (status, published, id, rating, organization);
CREATE INDEX paper_by_status_comments ON paper (status, comments, id, rating, organization);
CREATE INDEX paper_by_status_tags ON paper (status, tags COLLATE NOCASE, id, rating, organization);
-- has:note and org: count and narrow from an index, not from the wide rows.
CREATE INDEX paper_with_note ON paper (id) WHERE note != '';
CREATE INDEX paper_by_organization ON paper (organization, id);
PRAGMA analysis_limit = 2000;
ANALYZE;
"""

_JOURNAL = """
-- The journal or proceedings a paper is in (issue #16): filled by the importer from feeds'
-- prism:publicationName / dc:source, BibTeX journal / journaltitle, RIS JO / T2, CSL
-- container-title and Scholar bylines, and bettered like the other importer-owned fields.
ALTER TABLE paper ADD COLUMN journal TEXT;

-- The paper details the user edited (reader.library.paper_edits): a field listed here is
-- the user's, and no later import overwrites it. No foreign key, like citekey: a paper in
-- the trash keeps its edits for a restore.
CREATE TABLE paper_edit (
    paper_id INTEGER NOT NULL,
    field    TEXT NOT NULL,
    PRIMARY KEY (paper_id, field)
) WITHOUT ROWID;

-- Two papers merged into one (reader.library.paper_merge): the citation key of the paper
-- merged away, and the paper that now answers to it. Its citekey row stays, so no other
-- paper is ever given that key.
CREATE TABLE citekey_alias (
    key      TEXT PRIMARY KEY COLLATE NOCASE,
    paper_id INTEGER NOT NULL
);
"""

_VIEWS_RULES = f"""
-- Saved views (reader.library.saved_views): a named search over one of the sidebar's views
-- ("base": all, rated, status:queue, tag:nlp), with the order it was saved in, listed in
-- the sidebar by position. Names are unique ignoring case.
CREATE TABLE saved_view (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    query      TEXT NOT NULL DEFAULT '',
    base       TEXT NOT NULL DEFAULT 'all',
    sort       TEXT NOT NULL DEFAULT 'added',
    descending INTEGER NOT NULL DEFAULT 1,
    position   INTEGER NOT NULL
);
-- Import rules (reader.library.rules): when a paper matching "query" first enters the
-- library, add "tags" (a JSON list of names), set "status", set "rating". Applied in
-- position order inside the import's transaction; the first rule to set a field wins.
CREATE TABLE import_rule (
    id         INTEGER PRIMARY KEY,
    query      TEXT NOT NULL,
    tags       TEXT NOT NULL DEFAULT '[]',
    status     TEXT CHECK (status IS NULL OR status IN ({", ".join(f"'{s}'" for s in STATUSES)})),
    rating     INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
    position   INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
-- Settings that belong to this library and move with its file (reader.settings): the
-- watched folders and how they are watched, the export folder and template. One JSON
-- value per key. App-wide settings (window, theme) stay in the config folder.
CREATE TABLE library_setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
"""

_SEARCH_ORDERS = """
-- The import log is read newest first (the sidebar's digests at every start): in index
-- order, not by sorting every row (20,000 digests in a library of a million papers).
CREATE INDEX digest_by_imported ON digest (imported_at, id);
-- Lists sorted by the reader's interest walk the scores in order (reader.library.search).
CREATE INDEX paper_interest_by_score ON paper_interest (score, paper_id);
"""

_SPACE = "char(32, 9, 10, 13)"
_FIRST = f"trim(json_extract(authors, '$[0]'), {_SPACE})"

_AUTHOR_ORDER = f"""
-- Lists sorted by Authors, Upvotes and arXiv id (issue #19) walk a sort index, like the
-- other columns (each carries status and rating for the sidebar's views).
-- The first author's family name, as ui.columns.family_name reads it: the part before a
-- comma ("Vaswani, Ashish"), else the last word ("Ashish Vaswani"); NULL when no name is
-- known. Generated, so every writer (import, edits, merges, restores) keeps it right.
ALTER TABLE paper ADD COLUMN first_author TEXT GENERATED ALWAYS AS (
    CASE WHEN json_valid(authors) AND json_type(authors, '$[0]') = 'text' THEN nullif(
        CASE WHEN instr({_FIRST}, ',') > 0
        THEN trim(substr({_FIRST}, 1, instr({_FIRST}, ',') - 1), {_SPACE})
        ELSE substr({_FIRST}, length(rtrim({_FIRST}, replace({_FIRST}, ' ', ''))) + 1)
        END, '')
    END
) VIRTUAL;
-- The id comes right after the key: these columns have large groups of equal values (no
-- names, no upvotes, a common family name), and with the ids in order inside a group the
-- index is the whole ORDER BY (key, id), so a page stops early instead of sorting a group.
CREATE INDEX paper_by_first_author ON paper (first_author COLLATE NOCASE, id, status, rating);
CREATE INDEX paper_by_upvotes ON paper (upvotes, id, status, rating);
CREATE INDEX paper_by_arxiv ON paper (arxiv_id, id, status, rating);
PRAGMA analysis_limit = 2000;
ANALYZE paper;
"""

_CITEKEY_MISSING = """
-- The papers still without a citation key (reader.library.citekeys): kept by triggers, so
-- "is any paper unkeyed?" is one lookup at any size, wherever the unkeyed papers are (a
-- fill of the older papers cut short by a quit, then an import that keys newer ones, left
-- a gap below the newest key that a look above it did not see). A paper in the trash, or
-- merged away, is no paper: it is not listed, and its key row stays.
CREATE TABLE citekey_missing (paper_id INTEGER PRIMARY KEY);
INSERT INTO citekey_missing (paper_id)
    SELECT p.id FROM paper p WHERE NOT EXISTS (SELECT 1 FROM citekey c WHERE c.paper_id = p.id);
CREATE TRIGGER citekey_missing_paper_insert AFTER INSERT ON paper
    WHEN NOT EXISTS (SELECT 1 FROM citekey WHERE paper_id = NEW.id) BEGIN
    INSERT OR IGNORE INTO citekey_missing (paper_id) VALUES (NEW.id);
END;
CREATE TRIGGER citekey_missing_paper_delete AFTER DELETE ON paper BEGIN
    DELETE FROM citekey_missing WHERE paper_id = OLD.id;
END;
CREATE TRIGGER citekey_missing_key_insert AFTER INSERT ON citekey BEGIN
    DELETE FROM citekey_missing WHERE paper_id = NEW.paper_id;
END;
CREATE TRIGGER citekey_missing_key_delete AFTER DELETE ON citekey
    WHEN EXISTS (SELECT 1 FROM paper WHERE id = OLD.paper_id) BEGIN
    INSERT OR IGNORE INTO citekey_missing (paper_id) VALUES (OLD.paper_id);
END;
"""

_PAPER_ID_MARK = """
-- The highest paper id ever given out (reader.library.paper_ids): new papers are numbered
-- above it, so the id of a paper merged away or purged from the trash is never reused by
-- a later import (records such as citation keys, vault notes and undo name old ids). It
-- starts above every id this library still records anywhere: papers, the trash, citation
-- keys (a merged-away paper keeps its key row), edited fields, vault notes, export files.
-- Each is a max over an index or a small table: fast at a million papers.
CREATE TABLE paper_id_mark (
    one  INTEGER PRIMARY KEY CHECK (one = 1),
    high INTEGER NOT NULL
);
INSERT INTO paper_id_mark (one, high) SELECT 1, max(
    coalesce((SELECT max(id) FROM paper), 0),
    coalesce((SELECT max(paper_id) FROM trash), 0),
    coalesce((SELECT max(paper_id) FROM citekey), 0),
    coalesce((SELECT max(paper_id) FROM paper_edit), 0),
    coalesce((SELECT max(paper_id) FROM vault_note), 0),
    coalesce((SELECT max(paper_id) FROM export_file), 0)
);
"""

_RULE_MARKS = """
-- What an import rule set on a paper and nobody changed since (reader.library.rule_marks):
-- the interest model does not take a rule's status, rating or tag for the reader's
-- judgement. field: 'status', 'rating' or 'tag' (tag_id the tag; 0 otherwise). No foreign
-- key, like paper_edit: a paper in the trash keeps its marks for a restore.
CREATE TABLE rule_mark (
    paper_id INTEGER NOT NULL,
    field    TEXT NOT NULL CHECK (field IN ('status', 'rating', 'tag')),
    tag_id   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (paper_id, field, tag_id)
) WITHOUT ROWID;
-- A value changed by any hand is no longer the rule's.
CREATE TRIGGER rule_mark_status AFTER UPDATE OF status ON paper
WHEN old.status IS NOT new.status BEGIN
    DELETE FROM rule_mark WHERE paper_id = new.id AND field = 'status';
END;
CREATE TRIGGER rule_mark_rating AFTER UPDATE OF rating ON paper
WHEN old.rating IS NOT new.rating BEGIN
    DELETE FROM rule_mark WHERE paper_id = new.id AND field = 'rating';
END;
-- A tag taken off (not a paper going to the trash: its tags come back with it).
CREATE TRIGGER rule_mark_untag AFTER DELETE ON paper_tag
WHEN EXISTS (SELECT 1 FROM paper WHERE id = old.paper_id) BEGIN
    DELETE FROM rule_mark WHERE paper_id = old.paper_id AND field = 'tag'
        AND tag_id = old.tag_id;
END;
-- A new paper that reuses the id of one emptied from the trash starts with no marks.
CREATE TRIGGER rule_mark_new_paper AFTER INSERT ON paper
WHEN NOT EXISTS (SELECT 1 FROM trash WHERE paper_id = new.id) BEGIN
    DELETE FROM rule_mark WHERE paper_id = new.id;
END;
"""

_TEXT_COLUMNS = ("title", "abstract", "note", "tags")
_TEXT_CHANGED = " OR ".join(f"old.{c} IS NOT new.{c}" for c in _TEXT_COLUMNS)
_TEXT_SAME = " AND ".join(f"old.{c} IS new.{c}" for c in _TEXT_COLUMNS)
_FACET_IN_TEXT = f"instr({' || '.join(f'new.{c}' for c in _TEXT_COLUMNS)}, char(57344)) > 0"


def _facet_triggers(facet_in_text: str) -> str:
    """The words index's triggers for an edit: the whole row when its text changed (or
    holds a facet character, ``facet_in_text``), else the facet tokens alone."""
    return f"""CREATE TRIGGER paper_words_update
AFTER UPDATE OF {_INDEXED_TEXT}, status, rating ON paper
WHEN {_TEXT_CHANGED} OR ((old.facets IS NOT new.facets) AND {facet_in_text})
BEGIN
    INSERT INTO paper_words (paper_words, rowid, {_INDEXED_TEXT}, facets)
    VALUES ('delete', old.id, old.title, old.abstract, old.note, old.tags, old.facets);
    INSERT INTO paper_words (rowid, {_INDEXED_TEXT}, facets)
    VALUES (new.id, new.title, new.abstract, new.note, new.tags, new.facets);
END;
CREATE TRIGGER paper_words_facets
AFTER UPDATE OF status, rating ON paper
WHEN ({_TEXT_SAME}) AND old.facets IS NOT new.facets AND NOT {facet_in_text}
BEGIN
    INSERT INTO paper_words_kept (id, sz) SELECT id, sz FROM paper_words_docsize WHERE id = old.id;
    INSERT INTO paper_words (paper_words, rowid, {_INDEXED_TEXT}, facets)
    VALUES ('delete', old.id, '', '', '', '', old.facets);
    INSERT INTO paper_words (rowid, {_INDEXED_TEXT}, facets)
    VALUES (new.id, '', '', '', '', new.facets);
    UPDATE paper_words_docsize SET sz = (SELECT sz FROM paper_words_kept WHERE id = new.id)
    WHERE id = new.id;
    DELETE FROM paper_words_kept WHERE id = new.id;
END;
"""


_FACET_WRITES = f"""
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

_SEARCH14C_TAG_TOKENS = f"""
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
INSERT INTO paper_words (paper_words, rowid, {_INDEXED_TEXT}, facets)
SELECT 'delete', id, title, abstract, note, tags, facets FROM temp.search14c_tagged;
INSERT INTO paper_words (rowid, {_INDEXED_TEXT}, facets)
SELECT id, title, abstract, note, tags, facets FROM paper WHERE tags != '';
DROP TABLE temp.search14c_tagged;
CREATE TRIGGER paper_words_insert AFTER INSERT ON paper BEGIN
    INSERT INTO paper_words (rowid, {_INDEXED_TEXT}, facets)
    VALUES (new.id, new.title, new.abstract, new.note, new.tags, new.facets);
    INSERT INTO paper_words_new ({_INDEXED_TEXT})
    VALUES (new.title, new.abstract, new.note, new.tags);
END;
CREATE TRIGGER paper_words_delete AFTER DELETE ON paper BEGIN
    INSERT INTO paper_words (paper_words, rowid, {_INDEXED_TEXT}, facets)
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

_SCALE14_FTS_STATS = f"""
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


def tags_of(paper_expr: str) -> str:
    """SQL for a paper's ``tags`` text as the tag triggers keep it (from ``paper_tag``)."""
    return _tags_of(paper_expr)


SCALE14_FTS_STATS_SCRIPT = _SCALE14_FTS_STATS
"""The migration that drops FTS5 tables' statistics (tests upgrade a library from before it)."""
WORDS_SCRIPT = _WORDS
FACET_WRITES_SCRIPT = _FACET_WRITES
"""The migration that writes facet tokens alone (tests upgrade a library from before it)."""
"""The migration that adds the words index (tests upgrade a library from just before it)."""

MIGRATIONS: tuple[str, ...] = (
    _V1,
    _V2,
    _V3,
    _RELIABILITY,
    _VAULT,
    _INTEREST,
    _CITEKEY,
    _WORDS,
    _JOURNAL,
    _VIEWS_RULES,
    _SEARCH_ORDERS,
    _AUTHOR_ORDER,
    _CITEKEY_MISSING,
    _VAULT_STAT,
    _PAPER_ID_MARK,
    _RULE_MARKS,
    _FACET_WRITES,
    _SEARCH14C_TAG_TOKENS,
    _SCALE14_FTS_STATS,
)
"""Schema scripts in order; the library's ``user_version`` is how many have run."""

SCHEMA_VERSION = len(MIGRATIONS)


class NewerSchemaError(Exception):
    """The library was written by a newer Papershelf than this one."""


def pending(conn: sqlite3.Connection) -> int:
    """How many migrations this library still needs (0 when it is current)."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"the library is at schema version {version}, newer than this Papershelf "
            f"understands ({SCHEMA_VERSION}); update Papershelf to open it"
        )
    return SCHEMA_VERSION - version


PROGRESS_EVERY_S = 5.0
"""How often a long upgrade says how far it is (a million papers: minutes of rebuilding)."""


def migrate(
    conn: sqlite3.Connection,
    before: Callable[[int, int], None] | None = None,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Bring the schema up to :data:`SCHEMA_VERSION`; returns how many migrations ran.

    ``before(old, new)`` is called first when there is anything to do (the backup hook).
    Each migration runs in its own transaction together with its version bump.
    ``progress(line)`` hears, every :data:`PROGRESS_EVERY_S` seconds of a long upgrade,
    which step runs and for how long (logged at INFO when not given).
    """
    todo = pending(conn)
    if not todo:
        return 0
    version = SCHEMA_VERSION - todo
    if before is not None:
        before(version, SCHEMA_VERSION)
    say = progress or log.info
    started = time.monotonic()
    for number in range(version, SCHEMA_VERSION):
        script = MIGRATIONS[number]
        told = time.monotonic()

        def tell(step: int = number) -> int:
            nonlocal told
            now = time.monotonic()
            if now - told >= PROGRESS_EVERY_S:
                told = now
                say(
                    f"upgrading the library: step {step + 1 - version} of {todo} "
                    f"(schema version {step + 1}), {now - started:,.0f} s so far"
                )
            return 0

        conn.set_progress_handler(tell, 100_000)
        try:
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number + 1};\nCOMMIT;"
            )
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.set_progress_handler(None, 0)
    if time.monotonic() - started >= PROGRESS_EVERY_S:
        say(f"upgraded the library in {time.monotonic() - started:,.0f} s")
    return todo
