-- Up Migration
-- Run history management: free-form tags and notes on runs (search and filters use them).
ALTER TABLE runs ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
ALTER TABLE runs ADD COLUMN notes text;
CREATE INDEX runs_tags_idx ON runs USING gin (tags);

-- Down Migration
DROP INDEX runs_tags_idx;
ALTER TABLE runs DROP COLUMN notes, DROP COLUMN tags;
