-- Casefile schema 10: audit entries leave the desktop, and a restore is an audit entry.
--
-- Forwarding keeps, for each collector, the newest entry written to it: every entry after that
-- mark waits. Appending an entry is queueing it, so the two cannot diverge; a collector named
-- for the first time receives the whole log.
CREATE TABLE audit_forwarded (
    -- The collector's URL as the setting names it (tcp://host:port or tls://host:port).
    collector  TEXT PRIMARY KEY,
    last_seq   INTEGER NOT NULL CHECK (last_seq >= 0),
    updated_at TEXT NOT NULL
);

-- The audit log gains the entry kind 'restore': a backup was restored; its outcome names the
-- chain head of the log it replaced ('restored: replaced seq N entry_hash H', or 'restored:
-- replaced no entries'). SQLite cannot change a CHECK constraint, so the table is rebuilt as in
-- schema 7: every entry copied as it is, the triggers made again.
ALTER TABLE audit_log RENAME TO audit_log_schema9;

CREATE TABLE audit_log (
    seq             INTEGER PRIMARY KEY CHECK (seq >= 1),
    entry           TEXT NOT NULL
                    CHECK (entry IN ('request', 'result', 'blocked', 'deletion', 'restore')),
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
        WHEN 'deletion' THEN request_seq IS NULL AND client_id IS NOT NULL
            AND matter_id IS NOT NULL AND draft_id IS NOT NULL
            AND purpose IS NULL AND profile IS NULL AND provider_kind IS NULL
            AND endpoint_host IS NULL AND region IS NULL AND model IS NULL
            AND bytes_sent IS NULL AND bytes_received IS NULL AND tokens_in IS NULL
            AND tokens_out IS NULL AND redactions IS NULL AND payload_sha256 IS NULL
            AND response_sha256 IS NULL AND outcome LIKE 'deleted: %'
        -- A restore: who and when, and the head of the log it replaced, in the outcome.
        WHEN 'restore' THEN request_seq IS NULL AND client_id IS NULL AND matter_id IS NULL
            AND draft_id IS NULL AND purpose IS NULL AND profile IS NULL
            AND provider_kind IS NULL AND endpoint_host IS NULL AND region IS NULL
            AND model IS NULL AND bytes_sent IS NULL AND bytes_received IS NULL
            AND tokens_in IS NULL AND tokens_out IS NULL AND redactions IS NULL
            AND payload_sha256 IS NULL AND response_sha256 IS NULL
            AND outcome LIKE 'restored: %'
    END)
);

INSERT INTO audit_log SELECT * FROM audit_log_schema9 ORDER BY seq;
DROP TABLE audit_log_schema9;

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
