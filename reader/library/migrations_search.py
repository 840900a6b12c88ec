"""Migrations for search at scale: the words index, the journal, saved views and rules,
sort orders, the first author's order, missing citation keys, paper id marks and rule marks
(scripts run by :func:`reader.library.schema.migrate`; they never change once shipped).
"""

from __future__ import annotations

from reader.library.migrations_base import STATUSES

WORD_PREFIXES = 6
"""The words index keeps prefixes of 1 to this many letters; longer words are looked up."""

INDEXED_TEXT = "title, abstract, note, tags"

WORDS = f"""
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
    {INDEXED_TEXT}, facets,
    content = 'paper', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '{" ".join(str(n) for n in range(1, WORD_PREFIXES + 1))}',
    detail = none
);
INSERT INTO paper_words (paper_words) VALUES ('rebuild');
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
CREATE TRIGGER paper_words_update
AFTER UPDATE OF title, abstract, note, tags, status, rating ON paper BEGIN
    INSERT INTO paper_words (paper_words, rowid, {INDEXED_TEXT}, facets)
    VALUES ('delete', old.id, old.title, old.abstract, old.note, old.tags, old.facets);
    INSERT INTO paper_words (rowid, {INDEXED_TEXT}, facets)
    VALUES (new.id, new.title, new.abstract, new.note, new.tags, new.facets);
END;
CREATE TRIGGER paper_words_new_text AFTER UPDATE OF title, abstract, note, tags ON paper BEGIN
    INSERT INTO paper_words_new ({INDEXED_TEXT})
    VALUES (new.title, new.abstract, new.note, new.tags);
END;

-- Every word longer than the longest indexed prefix, so that a longer prefix is looked
-- up as the few words it stands for ("learnin" is "learning"), which FTS5 streams, instead
-- of merging lists. Words are only ever added (a word no paper has any more finds none).
-- Text written since the last commit waits, tokenized, in paper_words_new; every write
-- transaction moves its new words here before it commits (reader.library.words).
CREATE TABLE paper_word (word TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE VIRTUAL TABLE paper_words_new USING fts5 (
    {INDEXED_TEXT}, content = '', tokenize = 'unicode61 remove_diacritics 2', detail = none
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

JOURNAL = """
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

VIEWS_RULES = f"""
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

SEARCH_ORDERS = """
-- The import log is read newest first (the sidebar's digests at every start): in index
-- order, not by sorting every row (20,000 digests in a library of a million papers).
CREATE INDEX digest_by_imported ON digest (imported_at, id);
-- Lists sorted by the reader's interest walk the scores in order (reader.library.search).
CREATE INDEX paper_interest_by_score ON paper_interest (score, paper_id);
"""

_SPACE = "char(32, 9, 10, 13)"
_FIRST = f"trim(json_extract(authors, '$[0]'), {_SPACE})"

AUTHOR_ORDER = f"""
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

CITEKEY_MISSING = """
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

PAPER_ID_MARK = """
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

RULE_MARKS = """
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
