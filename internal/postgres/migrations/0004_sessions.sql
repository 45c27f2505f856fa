-- The sessions of every node (cluster.md 3): each node registers the
-- sessions its connections hold, so auth.sessions on any node lists them
-- all. A dead node's rows stop being listed once its heartbeat is stale
-- and are purged.
CREATE TABLE sessions (
    id         text    PRIMARY KEY, -- the connection id
    node       text    NOT NULL,
    user_id    bigint  NOT NULL,
    origin     text    NOT NULL,
    secure     boolean NOT NULL,
    created_at bigint  NOT NULL, -- Unix milliseconds
    credential text    NOT NULL,
    data       jsonb   NOT NULL
);
CREATE INDEX sessions_node ON sessions (node);
