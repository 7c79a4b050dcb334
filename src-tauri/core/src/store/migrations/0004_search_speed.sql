-- Casefile schema 4: a smaller, faster store. Nothing is dropped that is not copied first.
--
-- 1. Revisions move to a rowid table. As a WITHOUT ROWID table every revision longer than about
--    1 KB spilled into an overflow page of its own (index b-tree pages keep little of a row).
-- 2. The search index is rebuilt with rowid = kind << 48 | record id (1 note, 2 matter,
--    3 contact), so each kind is one rowid range: a kind filter is a range FTS5 can seek to, and
--    walking rowids downwards meets contacts, matters, then the newest notes first.
-- 3. FTS5 leaves (pgsz) are sized to fit one encrypted page: SQLCipher keeps 80 bytes of each
--    4 KiB page for its IV and HMAC, and FTS5's default 4050-byte leaf spilled into a second page.
--    FTS5 also gathers up to 16 MiB of new terms (hashsize) before writing a segment, so a large
--    transaction writes fewer, larger segments and merges less.
-- 4. A new note is indexed by its trigger unless `casefile_trigger_indexing()` is 0, which only
--    the bulk import sets, in its own transaction, and which indexes those notes itself before
--    committing them (`store/import.rs`).

CREATE TABLE note_revisions_v4 (
    note_id  INTEGER NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    number   INTEGER NOT NULL,
    title    TEXT NOT NULL,
    body     TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (note_id, number)
);
INSERT INTO note_revisions_v4 (note_id, number, title, body, saved_at)
    SELECT note_id, number, title, body, saved_at FROM note_revisions ORDER BY note_id, number;
DROP TABLE note_revisions;
ALTER TABLE note_revisions_v4 RENAME TO note_revisions;

DROP TRIGGER notes_indexed_on_insert;
DROP TRIGGER notes_indexed_on_update;
DROP TRIGGER notes_unindexed_on_delete;
DROP TRIGGER matters_indexed_on_insert;
DROP TRIGGER matters_indexed_on_update;
DROP TRIGGER matters_unindexed_on_delete;
DROP TRIGGER contacts_indexed_on_insert;
DROP TRIGGER contacts_indexed_on_update;
DROP TRIGGER contacts_unindexed_on_delete;
DROP TABLE search_index;

CREATE VIRTUAL TABLE search_index USING fts5 (
    title,
    body,
    identifiers,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO search_index (search_index, rank) VALUES ('pgsz', 3900);
INSERT INTO search_index (search_index, rank) VALUES ('hashsize', 16777216);

CREATE TRIGGER notes_indexed_on_insert AFTER INSERT ON notes
WHEN NEW.deleted_at IS NULL AND casefile_trigger_indexing() BEGIN
    INSERT INTO search_index (rowid, title, body, identifiers)
    VALUES ((1 << 48) | NEW.id, NEW.title, NEW.body,
            casefile_identifiers(NEW.title || ' ' || NEW.body));
END;
CREATE TRIGGER notes_indexed_on_update AFTER UPDATE ON notes BEGIN
    DELETE FROM search_index WHERE rowid = (1 << 48) | OLD.id;
    INSERT INTO search_index (rowid, title, body, identifiers)
    SELECT (1 << 48) | NEW.id, NEW.title, NEW.body,
           casefile_identifiers(NEW.title || ' ' || NEW.body)
    WHERE NEW.deleted_at IS NULL;
END;
CREATE TRIGGER notes_unindexed_on_delete AFTER DELETE ON notes BEGIN
    DELETE FROM search_index WHERE rowid = (1 << 48) | OLD.id;
END;

CREATE TRIGGER matters_indexed_on_insert AFTER INSERT ON matters WHEN NEW.deleted_at IS NULL BEGIN
    INSERT INTO search_index (rowid, title, body, identifiers)
    VALUES ((2 << 48) | NEW.id, NEW.title, NEW.description,
            casefile_identifiers(coalesce(NEW.number, '') || ' ' || NEW.title || ' ' || NEW.description));
END;
CREATE TRIGGER matters_indexed_on_update AFTER UPDATE ON matters BEGIN
    DELETE FROM search_index WHERE rowid = (2 << 48) | OLD.id;
    INSERT INTO search_index (rowid, title, body, identifiers)
    SELECT (2 << 48) | NEW.id, NEW.title, NEW.description,
           casefile_identifiers(coalesce(NEW.number, '') || ' ' || NEW.title || ' ' || NEW.description)
    WHERE NEW.deleted_at IS NULL;
END;
CREATE TRIGGER matters_unindexed_on_delete AFTER DELETE ON matters BEGIN
    DELETE FROM search_index WHERE rowid = (2 << 48) | OLD.id;
END;

CREATE TRIGGER contacts_indexed_on_insert AFTER INSERT ON contacts WHEN NEW.deleted_at IS NULL BEGIN
    INSERT INTO search_index (rowid, title, body, identifiers)
    VALUES ((3 << 48) | NEW.id,
            trim(NEW.given_name || ' ' || NEW.middle_name || ' ' || NEW.family_name || ' ' || NEW.institution_name),
            (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(NEW.other_names)),
            casefile_identifiers(coalesce(NEW.a_number, '')));
END;
CREATE TRIGGER contacts_indexed_on_update AFTER UPDATE ON contacts BEGIN
    DELETE FROM search_index WHERE rowid = (3 << 48) | OLD.id;
    INSERT INTO search_index (rowid, title, body, identifiers)
    SELECT (3 << 48) | NEW.id,
           trim(NEW.given_name || ' ' || NEW.middle_name || ' ' || NEW.family_name || ' ' || NEW.institution_name),
           (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(NEW.other_names)),
           casefile_identifiers(coalesce(NEW.a_number, ''))
    WHERE NEW.deleted_at IS NULL;
END;
CREATE TRIGGER contacts_unindexed_on_delete AFTER DELETE ON contacts BEGIN
    DELETE FROM search_index WHERE rowid = (3 << 48) | OLD.id;
END;

-- The index, rebuilt from the records (the same rows the triggers would have written).
INSERT INTO search_index (rowid, title, body, identifiers)
    SELECT (3 << 48) | id,
           trim(given_name || ' ' || middle_name || ' ' || family_name || ' ' || institution_name),
           (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(other_names)),
           casefile_identifiers(coalesce(a_number, ''))
    FROM contacts WHERE deleted_at IS NULL;
INSERT INTO search_index (rowid, title, body, identifiers)
    SELECT (2 << 48) | id, title, description,
           casefile_identifiers(coalesce(number, '') || ' ' || title || ' ' || description)
    FROM matters WHERE deleted_at IS NULL;
INSERT INTO search_index (rowid, title, body, identifiers)
    SELECT (1 << 48) | id, title, body, casefile_identifiers(title || ' ' || body)
    FROM notes WHERE deleted_at IS NULL;
INSERT INTO search_index (search_index) VALUES ('optimize');
