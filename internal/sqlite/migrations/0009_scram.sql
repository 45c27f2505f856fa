-- SCRAM-SHA-512 verifiers (scram.md 9.2): next to the keyed hash, a key may
-- hold its StoredKey and ServerKey sealed under the pepper, or nothing. The
-- change triggers carry it, so every node's key cache has it. Its
-- iteration count and salt (not secret: they travel in every server-first)
-- are kept apart too, for api_key.query on v26.0.0 (scram.md 9.5).
ALTER TABLE api_keys ADD COLUMN scram TEXT;
ALTER TABLE api_keys ADD COLUMN scram_iterations INTEGER NOT NULL DEFAULT 0;
ALTER TABLE api_keys ADD COLUMN scram_salt TEXT NOT NULL DEFAULT '';

DROP TRIGGER api_keys_insert_change;
DROP TRIGGER api_keys_update_change;
CREATE TRIGGER api_keys_insert_change AFTER INSERT ON api_keys BEGIN
    INSERT INTO changes (kind, msg, ref_id, key_row, at) VALUES ('key', 'added', NEW.id,
        json_object('id', NEW.id, 'name', NEW.name, 'user_id', NEW.user_id, 'keyhash', NEW.keyhash,
            'scram', NEW.scram, 'created_at', NEW.created_at, 'expires_at', NEW.expires_at, 'revoked', NEW.revoked,
            'revoked_reason', NEW.revoked_reason, 'revoked_at', NEW.revoked_at, 'secret_gen', NEW.secret_gen),
        CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;
CREATE TRIGGER api_keys_update_change AFTER UPDATE ON api_keys BEGIN
    INSERT INTO changes (kind, msg, ref_id, key_row, at) VALUES ('key', 'changed', NEW.id,
        json_object('id', NEW.id, 'name', NEW.name, 'user_id', NEW.user_id, 'keyhash', NEW.keyhash,
            'scram', NEW.scram, 'created_at', NEW.created_at, 'expires_at', NEW.expires_at, 'revoked', NEW.revoked,
            'revoked_reason', NEW.revoked_reason, 'revoked_at', NEW.revoked_at, 'secret_gen', NEW.secret_gen),
        CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;
