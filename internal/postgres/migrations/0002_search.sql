-- Searches pushed down by the query compiler (sqlq's PostgreSQL dialect):
-- it compares and orders text COLLATE "C", by code point as Go does, so
-- the searched columns take that collation and one index each serves
-- equality, ranges (prefixes) and order. pg_trgm GIN indexes serve
-- LIKE '%x%' (contains, and case-insensitive contains on the folded copy).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE api_keys
    ALTER COLUMN name TYPE text COLLATE "C",
    ALTER COLUMN name_fold TYPE text COLLATE "C",
    ALTER COLUMN keyhash TYPE text COLLATE "C",
    ALTER COLUMN revoked_reason TYPE text COLLATE "C";
CREATE INDEX api_keys_name_trgm ON api_keys USING gin (name gin_trgm_ops);
CREATE INDEX api_keys_name_fold_trgm ON api_keys USING gin (name_fold gin_trgm_ops);
CREATE INDEX api_keys_expires ON api_keys (expires_at);

ALTER TABLE users
    ALTER COLUMN username TYPE text COLLATE "C",
    ALTER COLUMN username_fold TYPE text COLLATE "C";
CREATE INDEX users_username_trgm ON users USING gin (username gin_trgm_ops);
CREATE INDEX users_username_fold_trgm ON users USING gin (username_fold gin_trgm_ops);

ALTER TABLE audit
    ALTER COLUMN audit_id TYPE text COLLATE "C",
    ALTER COLUMN address TYPE text COLLATE "C",
    ALTER COLUMN username TYPE text COLLATE "C",
    ALTER COLUMN session TYPE text COLLATE "C",
    ALTER COLUMN service TYPE text COLLATE "C",
    ALTER COLUMN event TYPE text COLLATE "C";
CREATE INDEX audit_username ON audit (username);
CREATE INDEX audit_event ON audit (event);
