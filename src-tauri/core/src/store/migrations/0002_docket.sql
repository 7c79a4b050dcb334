-- Casefile schema 2: what was filed, what the agency sent, and the deadlines they start.

CREATE TABLE filings (
    id                 INTEGER PRIMARY KEY,
    external_id        TEXT UNIQUE,
    matter_id          INTEGER NOT NULL REFERENCES matters (id),
    form_type          TEXT NOT NULL,
    form_edition       TEXT,
    filed_on           TEXT,
    -- Canonical form: three letters and ten digits.
    receipt_number     TEXT CHECK (receipt_number IS NULL OR receipt_number GLOB
                           '[A-Z][A-Z][A-Z][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),
    agency_status      TEXT,
    agency_status_date TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    deleted_at         TEXT
);
CREATE INDEX filings_by_matter ON filings (matter_id);

CREATE TABLE notices (
    id             INTEGER PRIMARY KEY,
    external_id    TEXT UNIQUE,
    matter_id      INTEGER NOT NULL REFERENCES matters (id),
    filing_id      INTEGER REFERENCES filings (id),
    kind           TEXT NOT NULL CHECK (kind IN ('receipt', 'biometrics', 'rfe', 'noid', 'noir',
                   'nta', 'interview', 'approval', 'denial', 'transfer')),
    notice_date    TEXT NOT NULL,
    service_method TEXT NOT NULL CHECK (service_method IN ('personal', 'mail', 'electronic')),
    printed_due    TEXT,
    created_at     TEXT NOT NULL,
    deleted_at     TEXT
);
CREATE INDEX notices_by_matter ON notices (matter_id);

-- A computed date is never overwritten: an attorney's override sits beside it with a reason.
CREATE TABLE deadlines (
    id              INTEGER PRIMARY KEY,
    matter_id       INTEGER NOT NULL REFERENCES matters (id),
    notice_id       INTEGER REFERENCES notices (id),
    rule            TEXT NOT NULL,
    source          TEXT NOT NULL,
    explanation     TEXT NOT NULL,
    warnings        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(warnings)),
    trigger_date    TEXT NOT NULL,
    computed_due    TEXT NOT NULL,
    opens_on        TEXT,
    override_due    TEXT,
    override_reason TEXT,
    done_at         TEXT,
    created_at      TEXT NOT NULL,
    deleted_at      TEXT
);
CREATE INDEX deadlines_by_matter ON deadlines (matter_id);
CREATE INDEX deadlines_open_by_due ON deadlines (coalesce(override_due, computed_due))
    WHERE done_at IS NULL AND deleted_at IS NULL;
