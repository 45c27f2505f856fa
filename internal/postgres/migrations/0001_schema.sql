-- The whole Keyward schema as SQLite's migrations 1 to 8 left it, written
-- fresh for PostgreSQL. Times are Unix milliseconds (bigint), as on SQLite.

CREATE TABLE groups (
    id      bigint  PRIMARY KEY,
    gid     bigint  NOT NULL UNIQUE,
    name    text    NOT NULL UNIQUE,
    builtin boolean NOT NULL DEFAULT false
);

-- stamp: drawn at random when the user is created, never changed.
-- token_epoch grows when the password changes or password login is
-- disabled. username_fold is query.Fold(username), kept by the store.
CREATE TABLE users (
    id                bigint  PRIMARY KEY,
    stamp             bigint  NOT NULL,
    token_epoch       bigint  NOT NULL DEFAULT 0,
    uid               bigint  NOT NULL UNIQUE,
    username          text    NOT NULL UNIQUE,
    username_fold     text,
    full_name         text    NOT NULL,
    password_hash     text,
    password_disabled boolean NOT NULL DEFAULT false,
    locked            boolean NOT NULL DEFAULT false,
    group_id          bigint  NOT NULL REFERENCES groups (id),
    created_at        bigint  NOT NULL
);
CREATE INDEX users_username_fold ON users (username_fold);

CREATE TABLE user_groups (
    user_id  bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    group_id bigint NOT NULL REFERENCES groups (id),
    PRIMARY KEY (user_id, group_id)
);
CREATE INDEX user_groups_group ON user_groups (group_id);

CREATE TABLE privileges (
    id           bigint  PRIMARY KEY,
    builtin_name text    UNIQUE,
    name         text    NOT NULL UNIQUE,
    roles        text    NOT NULL DEFAULT '[]', -- JSON array of role names
    web_shell    boolean NOT NULL DEFAULT false
);

-- local_groups lists gids, in order; a gid need not have a group.
CREATE TABLE privilege_groups (
    privilege_id bigint NOT NULL REFERENCES privileges (id) ON DELETE CASCADE,
    position     integer NOT NULL,
    gid          bigint NOT NULL,
    PRIMARY KEY (privilege_id, position)
);
CREATE INDEX privilege_groups_gid ON privilege_groups (gid);

INSERT INTO groups (id, gid, name, builtin) VALUES
    (1, 544, 'builtin_administrators', true),
    (2, 951, 'truenas_readonly_administrators', true),
    (3, 952, 'truenas_sharing_administrators', true);

INSERT INTO privileges (id, builtin_name, name, roles, web_shell) VALUES
    (1, 'LOCAL_ADMINISTRATOR', 'Local Administrator', '["FULL_ADMIN"]', true),
    (2, 'READONLY_ADMINISTRATOR', 'Read-Only Administrator', '["READONLY_ADMIN"]', false),
    (3, 'SHARING_ADMINISTRATOR', 'Sharing Administrator', '["SHARING_ADMIN"]', false);

INSERT INTO privilege_groups (privilege_id, position, gid) VALUES (1, 0, 544), (2, 0, 951), (3, 0, 952);

-- Ids are never reused: each new id comes from id_sequences, which only
-- grows (also past ids given explicitly, such as imported keys').
CREATE TABLE id_sequences (
    name text   PRIMARY KEY,
    last bigint NOT NULL
);
INSERT INTO id_sequences (name, last) VALUES ('users', 0), ('groups', 3), ('privileges', 3), ('api_keys', 0);

-- Counters: accounts_generation and keys_generation change with every
-- committed change to accounts and keys; changes_seq is the newest change's
-- sequence number and changes_pruned_through the highest one pruned.
CREATE TABLE meta (
    key   text   PRIMARY KEY,
    value bigint NOT NULL
);
INSERT INTO meta (key, value) VALUES
    ('accounts_generation', 1), ('keys_generation', 1), ('changes_seq', 0), ('changes_pruned_through', 0);

-- Text-valued facts, e.g. the Unicode version of the folded columns.
CREATE TABLE meta_text (
    key  text PRIMARY KEY,
    text text NOT NULL
);

-- API keys: only the keyed hash of each secret is stored.
CREATE TABLE api_keys (
    id             bigint  PRIMARY KEY,
    name           text    NOT NULL UNIQUE,
    name_fold      text,
    user_id        bigint  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    keyhash        text    NOT NULL,
    created_at     bigint  NOT NULL,
    expires_at     bigint,
    revoked        boolean NOT NULL DEFAULT false,
    revoked_reason text,
    revoked_at     bigint,
    secret_gen     bigint  NOT NULL DEFAULT 1
);
CREATE INDEX api_keys_user ON api_keys (user_id);
CREATE INDEX api_keys_created ON api_keys (created_at DESC);
CREATE INDEX api_keys_name_fold ON api_keys (name_fold);

-- Refused uses over an insecure transport, until the key is reset or deleted.
CREATE TABLE api_key_insecure_uses (
    key_id  bigint PRIMARY KEY REFERENCES api_keys (id) ON DELETE CASCADE,
    address text   NOT NULL,
    first   bigint NOT NULL,
    last    bigint NOT NULL
);

-- The audit trail: top-level fields as columns so queries run in SQL.
CREATE TABLE audit (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    audit_id          text    NOT NULL,
    message_timestamp bigint  NOT NULL,
    timestamp         bigint  NOT NULL,
    address           text    NOT NULL,
    username          text    NOT NULL,
    session           text,
    service           text    NOT NULL,
    service_data      text    NOT NULL, -- JSON
    event             text    NOT NULL,
    event_data        text    NOT NULL, -- JSON
    success           boolean NOT NULL
);
CREATE INDEX audit_timestamp ON audit (timestamp);

-- Per pepper id, an HMAC of a fixed text under that pepper.
CREATE TABLE pepper_checks (
    pepper_id   text   PRIMARY KEY,
    check_value text   NOT NULL,
    recorded_at bigint NOT NULL
);

-- The change log (cluster.md 4), in commit order: the store hands out
-- sequence numbers at the end of each transaction under an advisory lock
-- held until commit.
CREATE TABLE changes (
    seq     bigint PRIMARY KEY,
    kind    text   NOT NULL, -- key, accounts, session
    msg     text,            -- added, changed, removed (keys)
    ref_id  bigint,          -- the key id (keys)
    key_row jsonb,           -- the key after an added or changed change
    session text,            -- the session to end (session)
    at      bigint NOT NULL
);
CREATE INDEX changes_at ON changes (at);
