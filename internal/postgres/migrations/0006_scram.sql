-- SCRAM-SHA-512 verifiers (scram.md 9.2): next to the keyed hash, a key may
-- hold its StoredKey and ServerKey sealed under the pepper, or nothing.
ALTER TABLE api_keys ADD COLUMN scram text COLLATE "C";
