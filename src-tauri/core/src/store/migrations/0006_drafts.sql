-- Casefile schema 6: drafts made from a matter's record (and, when an AI provider drafts part of
-- them, its answer), their versions, and the redaction map of each AI draft.
--
-- A draft's text is written while the provider's answer streams in (status 'writing'), so a crash
-- or a dropped connection leaves the text received so far. A 'writing' draft that has not been
-- written to for a while is read as interrupted (`store/drafts.rs`).

CREATE TABLE drafts (
    id               INTEGER PRIMARY KEY,
    matter_id        INTEGER NOT NULL REFERENCES matters (id),
    template         TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    title            TEXT NOT NULL,
    -- 'record': filled from the record only; 'ai': an AI provider drafted part of it.
    origin           TEXT NOT NULL CHECK (origin IN ('record', 'ai')),
    status           TEXT NOT NULL
                     CHECK (status IN ('writing', 'interrupted', 'pendingReview', 'approved')),
    -- Why an interrupted draft stopped (cancelled, the provider's error).
    interruption     TEXT,
    body             TEXT NOT NULL,
    provenance       TEXT NOT NULL CHECK (json_valid(provenance)),
    -- Summed per matter for billing AI costs at actual cost.
    tokens_in        INTEGER,
    tokens_out       INTEGER,
    cost_usd         REAL,
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    approved_at      TEXT,
    approved_by      TEXT,
    -- The version the approval applies to; a later edit needs a new approval.
    approved_version INTEGER,
    deleted_at       TEXT
);
CREATE INDEX drafts_by_matter ON drafts (matter_id, created_at);

CREATE TABLE draft_versions (
    draft_id INTEGER NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    number   INTEGER NOT NULL,
    body     TEXT NOT NULL,
    -- 'generated': as drafted; 'edited': saved by a person; 'restored': an older version again.
    origin   TEXT NOT NULL CHECK (origin IN ('generated', 'edited', 'restored')),
    saved_at TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    PRIMARY KEY (draft_id, number)
);

-- Placeholder -> original value of an AI draft's request. Only in this encrypted database.
CREATE TABLE draft_redactions (
    draft_id INTEGER PRIMARY KEY REFERENCES drafts (id) ON DELETE CASCADE,
    mapping  TEXT NOT NULL CHECK (json_valid(mapping))
);

-- Drafts join the search index as kind 4 once they are no longer being written (re-indexing a
-- growing text on every streamed piece would cost more than the writing).
CREATE TRIGGER drafts_indexed_on_insert AFTER INSERT ON drafts
WHEN NEW.deleted_at IS NULL AND NEW.status != 'writing' BEGIN
    INSERT INTO search_index (rowid, title, body, identifiers)
    VALUES ((4 << 48) | NEW.id, NEW.title, NEW.body, casefile_identifiers(NEW.body));
END;
CREATE TRIGGER drafts_indexed_on_update AFTER UPDATE ON drafts
WHEN OLD.status != 'writing' OR NEW.status != 'writing' BEGIN
    DELETE FROM search_index WHERE rowid = (4 << 48) | OLD.id;
    INSERT INTO search_index (rowid, title, body, identifiers)
    SELECT (4 << 48) | NEW.id, NEW.title, NEW.body, casefile_identifiers(NEW.body)
    WHERE NEW.deleted_at IS NULL AND NEW.status != 'writing';
END;
CREATE TRIGGER drafts_unindexed_on_delete AFTER DELETE ON drafts BEGIN
    DELETE FROM search_index WHERE rowid = (4 << 48) | OLD.id;
END;
