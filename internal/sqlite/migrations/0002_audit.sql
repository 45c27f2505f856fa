-- The audit trail (api-keys.md section 15): one row per record, top-level
-- fields as columns so queries run in SQL.

CREATE TABLE audit (
    id                INTEGER PRIMARY KEY,
    audit_id          TEXT    NOT NULL,
    message_timestamp INTEGER NOT NULL,
    timestamp         INTEGER NOT NULL, -- Unix milliseconds
    address           TEXT    NOT NULL,
    username          TEXT    NOT NULL,
    session           TEXT,
    service           TEXT    NOT NULL,
    service_data      TEXT    NOT NULL, -- JSON
    event             TEXT    NOT NULL,
    event_data        TEXT    NOT NULL, -- JSON
    success           INTEGER NOT NULL
);
CREATE INDEX audit_timestamp ON audit (timestamp);
