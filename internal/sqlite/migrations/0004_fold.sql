-- Folded copies of key names and usernames (query.Fold: simple case folding,
-- as the C operators use), written by the store with every name, so that
-- case-insensitive searches (~ "(?i)...", C^, C=) can use an index. kw_fold
-- is the query engine's function, registered for every connection.

ALTER TABLE api_keys ADD COLUMN name_fold TEXT;
UPDATE api_keys SET name_fold = kw_fold(CAST(name AS BLOB));
CREATE INDEX api_keys_name_fold ON api_keys (name_fold);

ALTER TABLE users ADD COLUMN username_fold TEXT;
UPDATE users SET username_fold = kw_fold(CAST(username AS BLOB));
CREATE INDEX users_username_fold ON users (username_fold);
