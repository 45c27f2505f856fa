-- The change log (cluster.md section 4): every committed change that can
-- affect authentication, authorization or an event, in commit order. One
-- writer at a time makes AUTOINCREMENT order commit order. Key changes are
-- appended by triggers, so every write path (the server, commands,
-- cascades from a deleted user) records them, with the key's row after
-- the change (its keyed hash, never a raw key); the store appends account
-- and session changes itself.
CREATE TABLE changes (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    kind    TEXT    NOT NULL, -- key, accounts, session
    msg     TEXT,             -- added, changed, removed (keys)
    ref_id  INTEGER,          -- the key id (keys)
    key_row TEXT,             -- the key after an added or changed change, JSON
    session TEXT,             -- the session to end (session)
    at      INTEGER NOT NULL  -- Unix milliseconds
);
CREATE INDEX changes_at ON changes (at);

-- changes_pruned_through is the highest sequence pruned: a reader behind it
-- reloads everything.
INSERT INTO meta (key, value) VALUES ('changes_pruned_through', 0);

CREATE TRIGGER api_keys_insert_change AFTER INSERT ON api_keys BEGIN
    INSERT INTO changes (kind, msg, ref_id, key_row, at) VALUES ('key', 'added', NEW.id,
        json_object('id', NEW.id, 'name', NEW.name, 'user_id', NEW.user_id, 'keyhash', NEW.keyhash,
            'created_at', NEW.created_at, 'expires_at', NEW.expires_at, 'revoked', NEW.revoked,
            'revoked_reason', NEW.revoked_reason, 'revoked_at', NEW.revoked_at, 'secret_gen', NEW.secret_gen),
        CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;
CREATE TRIGGER api_keys_update_change AFTER UPDATE ON api_keys BEGIN
    INSERT INTO changes (kind, msg, ref_id, key_row, at) VALUES ('key', 'changed', NEW.id,
        json_object('id', NEW.id, 'name', NEW.name, 'user_id', NEW.user_id, 'keyhash', NEW.keyhash,
            'created_at', NEW.created_at, 'expires_at', NEW.expires_at, 'revoked', NEW.revoked,
            'revoked_reason', NEW.revoked_reason, 'revoked_at', NEW.revoked_at, 'secret_gen', NEW.secret_gen),
        CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;
CREATE TRIGGER api_keys_delete_change AFTER DELETE ON api_keys BEGIN
    INSERT INTO changes (kind, msg, ref_id, at) VALUES ('key', 'removed', OLD.id,
        CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;
