-- Identities that never recur (the security issue, item 1).
--
-- Ids of users, groups and privileges are never reused: the store takes
-- each new id from id_sequences, which only grows (AUTOINCREMENT cannot be
-- added to a table without rebuilding it, and rebuilding a table that
-- others reference would fire their ON DELETE actions). The sequences
-- start above every id in use; ids deleted before this migration cannot
-- be known and are not reserved.
CREATE TABLE id_sequences (
    name TEXT PRIMARY KEY,
    last INTEGER NOT NULL
);
INSERT INTO id_sequences (name, last) VALUES
    ('users', (SELECT coalesce(max(id), 0) FROM users)),
    ('groups', (SELECT coalesce(max(id), 0) FROM groups)),
    ('privileges', (SELECT coalesce(max(id), 0) FROM privileges));

-- stamp: a random number drawn when the user is created; sessions and
-- tokens remember it with the id. token_epoch grows when the password
-- changes or password login is disabled: older tokens stop logging in.
ALTER TABLE users ADD COLUMN stamp INTEGER NOT NULL DEFAULT 0;
UPDATE users SET stamp = (random() & 4611686018427387903) + 1;
ALTER TABLE users ADD COLUMN token_epoch INTEGER NOT NULL DEFAULT 0;
