-- API keys (api-keys.md): only the keyed hash of each secret is stored.
-- AUTOINCREMENT: ids are never reused, also above imported ones.

CREATE TABLE api_keys (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT    NOT NULL UNIQUE,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    keyhash        TEXT    NOT NULL,
    created_at     INTEGER NOT NULL, -- Unix milliseconds
    expires_at     INTEGER,          -- Unix milliseconds, NULL: never
    revoked        INTEGER NOT NULL DEFAULT 0,
    revoked_reason TEXT,
    revoked_at     INTEGER,
    secret_gen     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX api_keys_user ON api_keys (user_id);
CREATE INDEX api_keys_created ON api_keys (created_at DESC);

-- Refused uses over an insecure transport under the reject policy
-- (ApiKeyInsecureUse alerts), until the key is reset or deleted.
CREATE TABLE api_key_insecure_uses (
    key_id  INTEGER PRIMARY KEY REFERENCES api_keys (id) ON DELETE CASCADE,
    address TEXT    NOT NULL,
    first   INTEGER NOT NULL,
    last    INTEGER NOT NULL
);

-- keys_generation changes with every committed change to keys, so a
-- server notices changes made by another process.
INSERT INTO meta (key, value) VALUES ('keys_generation', 1);
CREATE TRIGGER api_keys_insert_gen AFTER INSERT ON api_keys BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'keys_generation';
END;
CREATE TRIGGER api_keys_update_gen AFTER UPDATE ON api_keys BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'keys_generation';
END;
CREATE TRIGGER api_keys_delete_gen AFTER DELETE ON api_keys BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'keys_generation';
END;
