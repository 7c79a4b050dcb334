-- Casefile schema 3: AI provider profiles. Only non-secret settings live here; credentials are
-- in the OS keychain, and this file records only which of them are set and since when.

CREATE TABLE provider_profiles (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    -- The profile's settings as JSON, so that new settings need no schema change.
    settings   TEXT NOT NULL CHECK (json_valid(settings)),
    is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- At most one default profile.
CREATE UNIQUE INDEX one_default_profile ON provider_profiles (is_default) WHERE is_default = 1;

CREATE TABLE profile_credentials (
    profile_id INTEGER NOT NULL REFERENCES provider_profiles (id) ON DELETE CASCADE,
    field      TEXT NOT NULL,
    set_at     TEXT NOT NULL,
    PRIMARY KEY (profile_id, field)
);
