-- Casefile schema 7: retention of AI history, legal holds, and deletions in the audit log.
--
-- A matter may override how long its AI drafts are kept (unless the firm's policy locks the
-- retention period). A legal hold on a matter blocks every deletion of its drafts; holds are
-- history: a release is recorded on the hold, never by removing it. Every deletion of a draft
-- is an audit log entry of the new kind 'deletion' (who, when, client, matter, draft, why; never
-- the draft's text).

-- How many days a matter's AI drafts are kept, counted from their last activity; replaces the
-- policy's or the user's period for this matter. No row: the setting in force applies.
CREATE TABLE matter_retention (
    matter_id INTEGER PRIMARY KEY REFERENCES matters (id),
    days      INTEGER NOT NULL CHECK (days BETWEEN 0 AND 36500),
    set_at    TEXT NOT NULL,
    set_by    TEXT NOT NULL
);

CREATE TABLE legal_holds (
    id          INTEGER PRIMARY KEY,
    matter_id   INTEGER NOT NULL REFERENCES matters (id),
    reason      TEXT NOT NULL CHECK (trim(reason) <> ''),
    set_at      TEXT NOT NULL,
    set_by      TEXT NOT NULL,
    released_at TEXT,
    released_by TEXT,
    CHECK ((released_at IS NULL) = (released_by IS NULL))
);
-- At most one hold in force per matter.
CREATE UNIQUE INDEX legal_holds_in_force ON legal_holds (matter_id) WHERE released_at IS NULL;

CREATE TRIGGER legal_holds_are_never_deleted BEFORE DELETE ON legal_holds
BEGIN
    SELECT RAISE(ABORT, 'legal holds are never deleted: release the hold instead');
END;

-- The only change a hold takes is its release, once.
CREATE TRIGGER legal_holds_change_only_by_release BEFORE UPDATE ON legal_holds
WHEN OLD.released_at IS NOT NULL
  OR NEW.released_at IS NULL
  OR NEW.id IS NOT OLD.id
  OR NEW.matter_id IS NOT OLD.matter_id
  OR NEW.reason IS NOT OLD.reason
  OR NEW.set_at IS NOT OLD.set_at
  OR NEW.set_by IS NOT OLD.set_by
BEGIN
    SELECT RAISE(ABORT, 'a legal hold can only be released, once');
END;

-- Defence in depth: the Rust code checks the hold first and says so in words.
CREATE TRIGGER drafts_under_legal_hold_are_never_deleted BEFORE DELETE ON drafts
WHEN EXISTS (SELECT 1 FROM legal_holds
             WHERE matter_id = OLD.matter_id AND released_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'the matter is under legal hold: its drafts are never deleted');
END;

-- The audit log gains the entry kind 'deletion'. SQLite cannot change a CHECK constraint, so the
-- table is rebuilt: every entry is copied as it is (same seq, fields and hashes, so the chain
-- verifies as before), the old table dropped (dropping fires no trigger) and the triggers made
-- again.
ALTER TABLE audit_log RENAME TO audit_log_schema5;

CREATE TABLE audit_log (
    seq             INTEGER PRIMARY KEY CHECK (seq >= 1),
    entry           TEXT NOT NULL CHECK (entry IN ('request', 'result', 'blocked', 'deletion')),
    at              TEXT NOT NULL,
    os_user         TEXT NOT NULL,
    request_seq     INTEGER REFERENCES audit_log (seq),
    client_id       INTEGER REFERENCES contacts (id),
    matter_id       INTEGER REFERENCES matters (id),
    -- A deleted draft's id stays in the log, so it has no reference to the drafts table.
    draft_id        INTEGER,
    purpose         TEXT CHECK (purpose IN ('draft', 'ask', 'connection-test')),
    profile         TEXT,
    provider_kind   TEXT,
    endpoint_host   TEXT,
    region          TEXT,
    model           TEXT,
    bytes_sent      INTEGER CHECK (bytes_sent >= 0),
    bytes_received  INTEGER CHECK (bytes_received >= 0),
    tokens_in       INTEGER CHECK (tokens_in >= 0),
    tokens_out      INTEGER CHECK (tokens_out >= 0),
    redactions      TEXT CHECK (redactions IS NULL OR json_type(redactions) = 'object'),
    payload_sha256  TEXT,
    response_sha256 TEXT,
    outcome         TEXT,
    prev_hash       TEXT NOT NULL,
    entry_hash      TEXT NOT NULL UNIQUE,
    CHECK (CASE entry
        WHEN 'request' THEN request_seq IS NULL AND purpose IS NOT NULL AND profile IS NOT NULL
            AND provider_kind IS NOT NULL AND endpoint_host IS NOT NULL
            AND bytes_sent IS NOT NULL AND redactions IS NOT NULL AND payload_sha256 IS NOT NULL
            AND bytes_received IS NULL AND tokens_in IS NULL AND tokens_out IS NULL
            AND response_sha256 IS NULL AND outcome IS NULL
        WHEN 'blocked' THEN request_seq IS NULL AND purpose IS NOT NULL AND profile IS NOT NULL
            AND bytes_sent = 0 AND redactions IS NOT NULL AND payload_sha256 IS NULL
            AND bytes_received IS NULL AND tokens_in IS NULL AND tokens_out IS NULL
            AND response_sha256 IS NULL AND outcome LIKE 'blocked: %'
        WHEN 'result' THEN request_seq IS NOT NULL AND request_seq < seq
            AND client_id IS NULL AND matter_id IS NULL AND draft_id IS NULL
            AND purpose IS NULL AND profile IS NULL AND provider_kind IS NULL
            AND endpoint_host IS NULL AND region IS NULL AND model IS NULL
            AND bytes_sent IS NULL AND redactions IS NULL AND payload_sha256 IS NULL
            AND bytes_received IS NOT NULL AND response_sha256 IS NOT NULL
            AND outcome IS NOT NULL AND outcome NOT LIKE 'blocked%'
        -- A deleted draft: whose, by whom and why (outcome 'deleted: by hand' or
        -- 'deleted: retention N days'); nothing about a request, never the text.
        WHEN 'deletion' THEN request_seq IS NULL AND client_id IS NOT NULL
            AND matter_id IS NOT NULL AND draft_id IS NOT NULL
            AND purpose IS NULL AND profile IS NULL AND provider_kind IS NULL
            AND endpoint_host IS NULL AND region IS NULL AND model IS NULL
            AND bytes_sent IS NULL AND bytes_received IS NULL AND tokens_in IS NULL
            AND tokens_out IS NULL AND redactions IS NULL AND payload_sha256 IS NULL
            AND response_sha256 IS NULL AND outcome LIKE 'deleted: %'
    END)
);

INSERT INTO audit_log SELECT * FROM audit_log_schema5 ORDER BY seq;
DROP TABLE audit_log_schema5;

CREATE UNIQUE INDEX audit_log_one_result_per_request ON audit_log (request_seq);
CREATE INDEX audit_log_by_client ON audit_log (client_id) WHERE client_id IS NOT NULL;

CREATE TRIGGER audit_log_appends_in_sequence BEFORE INSERT ON audit_log
WHEN NEW.seq IS NOT coalesce((SELECT max(seq) FROM audit_log), 0) + 1
  OR NEW.prev_hash IS NOT coalesce(
        (SELECT entry_hash FROM audit_log ORDER BY seq DESC LIMIT 1),
        '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN
    SELECT RAISE(ABORT, 'audit entries are appended in sequence, each linked to the last');
END;

CREATE TRIGGER audit_log_is_never_changed BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: entries are never changed');
END;

CREATE TRIGGER audit_log_is_never_deleted BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: entries are never deleted');
END;
