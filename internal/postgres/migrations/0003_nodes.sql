-- The live nodes of a cluster (keyward.NodeStore): each beats with how far
-- it has applied the change log. Times are the database's clock, Unix
-- milliseconds, so that nodes' clocks never disagree about staleness.
CREATE TABLE nodes (
    name      text   PRIMARY KEY,
    joined_at bigint NOT NULL,
    heartbeat bigint NOT NULL,
    applied   bigint NOT NULL DEFAULT 0
);
