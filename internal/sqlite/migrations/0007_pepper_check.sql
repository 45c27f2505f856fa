-- Pepper check values (the security issue, item 6; cluster.md section 2):
-- per pepper id, an HMAC of a fixed text under that pepper, so that a
-- start with other bytes under a known id is refused instead of failing
-- every key login. Written when a pepper is first seen.
CREATE TABLE pepper_checks (
    pepper_id   TEXT    PRIMARY KEY,
    check_value TEXT    NOT NULL,
    recorded_at INTEGER NOT NULL -- Unix milliseconds
);
