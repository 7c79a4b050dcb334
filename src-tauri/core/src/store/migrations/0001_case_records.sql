-- Casefile schema 1: contacts, matters, parties, notes with revisions, tags, and the search index.
-- Released migrations are never edited; later changes go in new files.
-- Lists and small records (names used, passports, addresses...) are JSON arrays: they are read and
-- written whole with their contact, never queried by element.

CREATE TABLE contacts (
    id                   INTEGER PRIMARY KEY,
    external_id          TEXT UNIQUE,
    kind                 TEXT NOT NULL CHECK (kind IN ('person', 'institution')),
    given_name           TEXT NOT NULL DEFAULT '',
    middle_name          TEXT NOT NULL DEFAULT '',
    family_name          TEXT NOT NULL DEFAULT '',
    institution_name     TEXT NOT NULL DEFAULT '',
    other_names          TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(other_names)),
    date_of_birth        TEXT,
    country_of_birth     TEXT,
    citizenships         TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(citizenships)),
    a_number             TEXT,
    uscis_account_number TEXT,
    ssn_itin             TEXT,
    passports            TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(passports)),
    latest_i94           TEXT CHECK (latest_i94 IS NULL OR json_valid(latest_i94)),
    sevis_id             TEXT,
    addresses            TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(addresses)),
    phones               TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(phones)),
    emails               TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(emails)),
    preferred_language   TEXT,
    interpreter_needed   INTEGER NOT NULL DEFAULT 0 CHECK (interpreter_needed IN (0, 1)),
    detained             INTEGER NOT NULL DEFAULT 0 CHECK (detained IN (0, 1)),
    sensitivity_flags    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(sensitivity_flags)),
    jurisdiction         TEXT CHECK (jurisdiction IN ('US', 'EU', 'UK', 'CA', 'other')),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    deleted_at           TEXT
);

CREATE TABLE matters (
    id                   INTEGER PRIMARY KEY,
    external_id          TEXT UNIQUE,
    client_id            INTEGER NOT NULL REFERENCES contacts (id),
    number               TEXT,
    title                TEXT NOT NULL,
    description          TEXT NOT NULL DEFAULT '',
    matter_type          TEXT,
    firm_status          TEXT,
    agency_status        TEXT,
    agency_status_date   TEXT,
    benefit_sought       TEXT,
    forum                TEXT,
    category             TEXT,
    priority_date        TEXT,
    chargeability        TEXT,
    premium_processing   INTEGER NOT NULL DEFAULT 0 CHECK (premium_processing IN (0, 1)),
    responsible_attorney TEXT,
    next_hearing         TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    deleted_at           TEXT
);
CREATE INDEX matters_by_client ON matters (client_id);

CREATE TABLE matter_parties (
    matter_id  INTEGER NOT NULL REFERENCES matters (id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contacts (id),
    role       TEXT NOT NULL CHECK (role IN ('client', 'petitioner', 'beneficiary', 'applicant',
               'derivative', 'sponsor', 'employer', 'co-counsel', 'interpreter')),
    PRIMARY KEY (matter_id, contact_id, role)
);

CREATE TABLE notes (
    id          INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,
    matter_id   INTEGER NOT NULL REFERENCES matters (id),
    title       TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX notes_by_matter ON notes (matter_id);

-- Every save of a note, oldest first. Never updated or deleted except by purging the note.
CREATE TABLE note_revisions (
    note_id  INTEGER NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    number   INTEGER NOT NULL,
    title    TEXT NOT NULL,
    body     TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (note_id, number)
) WITHOUT ROWID;

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);
CREATE TABLE note_tags (
    note_id INTEGER NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    tag_id  INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (note_id, tag_id)
) WITHOUT ROWID;

-- One row per searchable record, its rowid = record id * 4 + kind (1 note, 2 matter, 3 contact)
-- so that triggers find it without a scan. `identifiers` holds receipt numbers and A-numbers in
-- one normalised spelling, so they are found however they were typed. Kept current by triggers;
-- `casefile_identifiers()` is registered by the app on every connection.
CREATE VIRTUAL TABLE search_index USING fts5 (
    title,
    body,
    identifiers,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER notes_indexed_on_insert AFTER INSERT ON notes WHEN NEW.deleted_at IS NULL BEGIN
    INSERT INTO search_index (rowid, title, body, identifiers)
    VALUES (NEW.id * 4 + 1, NEW.title, NEW.body, casefile_identifiers(NEW.title || ' ' || NEW.body));
END;
CREATE TRIGGER notes_indexed_on_update AFTER UPDATE ON notes BEGIN
    DELETE FROM search_index WHERE rowid = OLD.id * 4 + 1;
    INSERT INTO search_index (rowid, title, body, identifiers)
    SELECT NEW.id * 4 + 1, NEW.title, NEW.body, casefile_identifiers(NEW.title || ' ' || NEW.body)
    WHERE NEW.deleted_at IS NULL;
END;
CREATE TRIGGER notes_unindexed_on_delete AFTER DELETE ON notes BEGIN
    DELETE FROM search_index WHERE rowid = OLD.id * 4 + 1;
END;

CREATE TRIGGER matters_indexed_on_insert AFTER INSERT ON matters WHEN NEW.deleted_at IS NULL BEGIN
    INSERT INTO search_index (rowid, title, body, identifiers)
    VALUES (NEW.id * 4 + 2, NEW.title, NEW.description,
            casefile_identifiers(coalesce(NEW.number, '') || ' ' || NEW.title || ' ' || NEW.description));
END;
CREATE TRIGGER matters_indexed_on_update AFTER UPDATE ON matters BEGIN
    DELETE FROM search_index WHERE rowid = OLD.id * 4 + 2;
    INSERT INTO search_index (rowid, title, body, identifiers)
    SELECT NEW.id * 4 + 2, NEW.title, NEW.description,
           casefile_identifiers(coalesce(NEW.number, '') || ' ' || NEW.title || ' ' || NEW.description)
    WHERE NEW.deleted_at IS NULL;
END;
CREATE TRIGGER matters_unindexed_on_delete AFTER DELETE ON matters BEGIN
    DELETE FROM search_index WHERE rowid = OLD.id * 4 + 2;
END;

CREATE TRIGGER contacts_indexed_on_insert AFTER INSERT ON contacts WHEN NEW.deleted_at IS NULL BEGIN
    INSERT INTO search_index (rowid, title, body, identifiers)
    VALUES (NEW.id * 4 + 3,
            trim(NEW.given_name || ' ' || NEW.middle_name || ' ' || NEW.family_name || ' ' || NEW.institution_name),
            (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(NEW.other_names)),
            casefile_identifiers(coalesce(NEW.a_number, '')));
END;
CREATE TRIGGER contacts_indexed_on_update AFTER UPDATE ON contacts BEGIN
    DELETE FROM search_index WHERE rowid = OLD.id * 4 + 3;
    INSERT INTO search_index (rowid, title, body, identifiers)
    SELECT NEW.id * 4 + 3,
           trim(NEW.given_name || ' ' || NEW.middle_name || ' ' || NEW.family_name || ' ' || NEW.institution_name),
           (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(NEW.other_names)),
           casefile_identifiers(coalesce(NEW.a_number, ''))
    WHERE NEW.deleted_at IS NULL;
END;
CREATE TRIGGER contacts_unindexed_on_delete AFTER DELETE ON contacts BEGIN
    DELETE FROM search_index WHERE rowid = OLD.id * 4 + 3;
END;
