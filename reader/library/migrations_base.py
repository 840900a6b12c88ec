"""The library's first migrations: papers, tags, digests, the import log, reliability,
the vault, interest and citation keys (scripts run by :func:`reader.library.schema.migrate`).

A migration never changes once it has shipped: a library records how many have run.
"""

from __future__ import annotations

STATUSES = ("inbox", "queue", "reading", "read", "archived")
TAG_SEPARATOR = "\x1f"
"""Joins tag names in ``paper.tags`` (the denormalised copy used for sorting and search)."""


def tags_of(paper_expr: str) -> str:
    """SQL for a paper's ``tags`` text as the tag triggers keep it: the sorted,
    separator-joined names of its tags (from ``paper_tag``)."""
    return (
        "(SELECT coalesce(group_concat(name, char(31)), '') FROM "
        "(SELECT t.name AS name FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id "
        f"WHERE pt.paper_id = {paper_expr} ORDER BY t.name COLLATE NOCASE))"
    )


V1 = f"""
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
    UPDATE paper SET tags = {tags_of("new.paper_id")} WHERE id = new.paper_id;
END;
CREATE TRIGGER paper_tag_delete AFTER DELETE ON paper_tag BEGIN
    UPDATE paper SET tags = {tags_of("old.paper_id")} WHERE id = old.paper_id;
END;
CREATE TRIGGER tag_rename AFTER UPDATE OF name ON tag BEGIN
    UPDATE paper SET tags = {tags_of("paper.id")}
    WHERE id IN (SELECT paper_id FROM paper_tag WHERE tag_id = new.id);
END;
"""


V2 = """
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


V3 = """
-- A fingerprint of what each exported note was made from (the paper's fields, the
-- template, the Papershelf version): a re-export skips rendering notes whose inputs did
-- not change, which is what makes an unchanged re-export of 10,000 notes take a blink.
ALTER TABLE export_file ADD COLUMN inputs TEXT;
"""


RELIABILITY = """
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


INTEREST = """
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


CITEKEY = """
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


VAULT = """
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


VAULT_STAT = """
-- The vault's listing pass (reader.export.listing): besides size and mtime, the inode and
-- the ctime of each note file as last seen, and when that was seen (checked_ns, wall
-- clock). A sync tool that restores a file with its old size and mtime still changes its
-- ctime; a note whose ctime was not yet older than the look at it is read again.
ALTER TABLE vault_note ADD COLUMN ino INTEGER;
ALTER TABLE vault_note ADD COLUMN ctime_ns INTEGER;
ALTER TABLE vault_note ADD COLUMN checked_ns INTEGER;
"""
