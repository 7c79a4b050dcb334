-- Casefile schema 5: clients' consent to AI processing, and the audit log of every request that
-- left the computer (or was stopped before it could). Both tables are history: nothing in them is
-- ever deleted, and the audit log is never changed at all.

-- A client's consent to sending their information to one provider profile for one purpose.
-- A profile fixes the vendor, endpoint, region and contract the client was told about, so a
-- consent names exactly one profile; it does not extend to other profiles of the same vendor.
CREATE TABLE consents (
    id            INTEGER PRIMARY KEY,
    client_id     INTEGER NOT NULL REFERENCES contacts (id),
    scope         TEXT NOT NULL CHECK (scope IN ('drafting', 'ask')),
    profile       TEXT NOT NULL CHECK (profile <> ''),
    method        TEXT NOT NULL CHECK (method IN ('written', 'email', 'verbal')),
    given_on      TEXT NOT NULL
                  CHECK (given_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    note          TEXT,
    recorded_at   TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    revoked_at    TEXT,
    revoked_by    TEXT,
    revoke_reason TEXT,
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL)),
    CHECK (revoke_reason IS NULL OR revoked_at IS NOT NULL)
);
CREATE INDEX consents_by_client ON consents (client_id, scope, profile);

CREATE TRIGGER consents_are_never_deleted BEFORE DELETE ON consents
BEGIN
    SELECT RAISE(ABORT, 'consents are never deleted: revoke the consent instead');
END;

-- The only change a consent takes is its revocation, once.
CREATE TRIGGER consents_change_only_by_revocation BEFORE UPDATE ON consents
WHEN OLD.revoked_at IS NOT NULL
  OR NEW.revoked_at IS NULL
  OR NEW.id IS NOT OLD.id
  OR NEW.client_id IS NOT OLD.client_id
  OR NEW.scope IS NOT OLD.scope
  OR NEW.profile IS NOT OLD.profile
  OR NEW.method IS NOT OLD.method
  OR NEW.given_on IS NOT OLD.given_on
  OR NEW.note IS NOT OLD.note
  OR NEW.recorded_at IS NOT OLD.recorded_at
  OR NEW.recorded_by IS NOT OLD.recorded_by
BEGIN
    SELECT RAISE(ABORT, 'a consent can only be revoked, once');
END;

-- The audit log: append-only and hash-chained (see core/src/audit/mod.rs for the exact canonical
-- form an auditor recomputes). Three kinds of entry:
--   request  written before the first byte of a request leaves: what is sent, where, its hash;
--   result   written when that request ends: what came back, its hash, the outcome;
--   blocked  an attempt stopped before anything was sent (nothing left the computer).
-- A request without a result was interrupted (or is still running).
CREATE TABLE audit_log (
    seq             INTEGER PRIMARY KEY CHECK (seq >= 1),
    entry           TEXT NOT NULL CHECK (entry IN ('request', 'result', 'blocked')),
    at              TEXT NOT NULL,
    os_user         TEXT NOT NULL,
    request_seq     INTEGER REFERENCES audit_log (seq),
    client_id       INTEGER REFERENCES contacts (id),
    matter_id       INTEGER REFERENCES matters (id),
    -- Drafts arrive in a later schema; the id is kept as written.
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
    -- A JSON object: kind of redacted value -> how many were replaced.
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
    END)
);
CREATE UNIQUE INDEX audit_log_one_result_per_request ON audit_log (request_seq);
CREATE INDEX audit_log_by_client ON audit_log (client_id) WHERE client_id IS NOT NULL;

-- Entries are appended in sequence, each linked to the one before (defence in depth: the Rust
-- code does the same, and `audit verify` checks the chain whatever happened to these triggers).
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
