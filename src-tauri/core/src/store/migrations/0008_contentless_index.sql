-- Casefile schema 8: the search index keeps no copy of the text it indexes.
--
-- Snippets are built from the records themselves (`store/snippet.rs`), so the index's own copy of
-- every note, matter, contact and draft was written on every save and never read again. Rebuilt
-- contentless, the index holds only what finds and ranks a record; `contentless_delete` lets the
-- triggers of schemas 4 and 6 (which name the index, not its layout) keep deleting by rowid.
-- On a 30,000-note store this made the database a quarter smaller and an import 15% faster.

DROP TABLE search_index;

CREATE VIRTUAL TABLE search_index USING fts5 (
    title,
    body,
    identifiers,
    tokenize = 'unicode61 remove_diacritics 2',
    content = '',
    contentless_delete = 1
);
INSERT INTO search_index (search_index, rank) VALUES ('pgsz', 3900);
INSERT INTO search_index (search_index, rank) VALUES ('hashsize', 16777216);

-- The same rows the triggers write.
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
INSERT INTO search_index (rowid, title, body, identifiers)
    SELECT (4 << 48) | id, title, body, casefile_identifiers(body)
    FROM drafts WHERE deleted_at IS NULL AND status != 'writing';
INSERT INTO search_index (search_index) VALUES ('optimize');
