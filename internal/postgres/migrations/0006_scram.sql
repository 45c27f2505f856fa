-- SCRAM-SHA-512 verifiers (scram.md 9.2): next to the keyed hash, a key may
-- hold its StoredKey and ServerKey sealed under the pepper, or nothing. Its
-- iteration count and salt (not secret: they travel in every server-first)
-- are kept apart too, for api_key.query on v26.0.0 (scram.md 9.5).
ALTER TABLE api_keys ADD COLUMN scram text COLLATE "C";
ALTER TABLE api_keys ADD COLUMN scram_iterations integer NOT NULL DEFAULT 0;
ALTER TABLE api_keys ADD COLUMN scram_salt text COLLATE "C" NOT NULL DEFAULT '';
