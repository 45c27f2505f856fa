-- Accounts: groups, users, privileges and the built-in rows of accounts.md section 3.

CREATE TABLE groups (
    id      INTEGER PRIMARY KEY,
    gid     INTEGER NOT NULL UNIQUE,
    name    TEXT    NOT NULL UNIQUE,
    builtin INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE users (
    id                INTEGER PRIMARY KEY,
    uid               INTEGER NOT NULL UNIQUE,
    username          TEXT    NOT NULL UNIQUE,
    full_name         TEXT    NOT NULL,
    password_hash     TEXT,
    password_disabled INTEGER NOT NULL DEFAULT 0,
    locked            INTEGER NOT NULL DEFAULT 0,
    group_id          INTEGER NOT NULL REFERENCES groups (id),
    created_at        INTEGER NOT NULL
);

CREATE TABLE user_groups (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL REFERENCES groups (id),
    PRIMARY KEY (user_id, group_id)
);
CREATE INDEX user_groups_group ON user_groups (group_id);

CREATE TABLE privileges (
    id           INTEGER PRIMARY KEY,
    builtin_name TEXT UNIQUE,
    name         TEXT    NOT NULL UNIQUE,
    roles        TEXT    NOT NULL DEFAULT '[]', -- JSON array of role names
    web_shell    INTEGER NOT NULL DEFAULT 0
);

-- local_groups lists gids, in order; a gid need not have a group.
CREATE TABLE privilege_groups (
    privilege_id INTEGER NOT NULL REFERENCES privileges (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    gid          INTEGER NOT NULL,
    PRIMARY KEY (privilege_id, position)
);
CREATE INDEX privilege_groups_gid ON privilege_groups (gid);

INSERT INTO groups (id, gid, name, builtin) VALUES
    (1, 544, 'builtin_administrators', 1),
    (2, 951, 'truenas_readonly_administrators', 1),
    (3, 952, 'truenas_sharing_administrators', 1);

INSERT INTO privileges (id, builtin_name, name, roles, web_shell) VALUES
    (1, 'LOCAL_ADMINISTRATOR', 'Local Administrator', '["FULL_ADMIN"]', 1),
    (2, 'READONLY_ADMINISTRATOR', 'Read-Only Administrator', '["READONLY_ADMIN"]', 0),
    (3, 'SHARING_ADMINISTRATOR', 'Sharing Administrator', '["SHARING_ADMIN"]', 0);

INSERT INTO privilege_groups (privilege_id, position, gid) VALUES (1, 0, 544), (2, 0, 951), (3, 0, 952);

-- accounts_generation changes with every committed change to accounts, so a
-- server notices changes made by another process (the CLI, another node).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO meta (key, value) VALUES ('accounts_generation', 1);

CREATE TRIGGER groups_insert_gen AFTER INSERT ON groups BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'accounts_generation';
END;
CREATE TRIGGER groups_update_gen AFTER UPDATE ON groups BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'accounts_generation';
END;
CREATE TRIGGER groups_delete_gen AFTER DELETE ON groups BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'accounts_generation';
END;
CREATE TRIGGER users_insert_gen AFTER INSERT ON users BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'accounts_generation';
END;
CREATE TRIGGER users_update_gen AFTER UPDATE ON users BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'accounts_generation';
END;
CREATE TRIGGER users_delete_gen AFTER DELETE ON users BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'accounts_generation';
END;
CREATE TRIGGER user_groups_insert_gen AFTER INSERT ON user_groups BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'accounts_generation';
END;
CREATE TRIGGER user_groups_update_gen AFTER UPDATE ON user_groups BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'accounts_generation';
END;
CREATE TRIGGER user_groups_delete_gen AFTER DELETE ON user_groups BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'accounts_generation';
END;
CREATE TRIGGER privileges_insert_gen AFTER INSERT ON privileges BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'accounts_generation';
END;
CREATE TRIGGER privileges_update_gen AFTER UPDATE ON privileges BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'accounts_generation';
END;
CREATE TRIGGER privileges_delete_gen AFTER DELETE ON privileges BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'accounts_generation';
END;
CREATE TRIGGER privilege_groups_insert_gen AFTER INSERT ON privilege_groups BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'accounts_generation';
END;
CREATE TRIGGER privilege_groups_update_gen AFTER UPDATE ON privilege_groups BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'accounts_generation';
END;
CREATE TRIGGER privilege_groups_delete_gen AFTER DELETE ON privilege_groups BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'accounts_generation';
END;
