-- Tokens of auth.generate_token, shared by every node (cluster.md 3):
-- under the SHA-256 of their text, never the text itself.
CREATE TABLE tokens (
    digest       bytea   PRIMARY KEY,
    node         text    NOT NULL, -- the node that made it
    parent_login text    NOT NULL, -- the generating session's login id
    parent       jsonb   NOT NULL, -- that session (and its chain's first)
    ttl_ms       bigint  NOT NULL,
    last_used    bigint  NOT NULL, -- Unix milliseconds
    match_origin boolean NOT NULL,
    origin_ip    text    NOT NULL,
    origin_unix  boolean NOT NULL,
    single_use   boolean NOT NULL,
    attrs        boolean NOT NULL,
    epoch        bigint  NOT NULL
);
CREATE INDEX tokens_parent ON tokens (parent_login);
CREATE INDEX tokens_node ON tokens (node);
