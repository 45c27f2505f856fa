-- Text-valued facts about the database, e.g. the Unicode version the
-- case-folded search columns were computed with.
CREATE TABLE meta_text (
    key  TEXT PRIMARY KEY,
    text TEXT NOT NULL
);
