-- Up Migration
-- Provenance: the SHA-256 of the strategy's source file a run executed (null: unknown or not started).
ALTER TABLE runs ADD COLUMN strategy_code_hash text;

-- Down Migration
ALTER TABLE runs DROP COLUMN strategy_code_hash;
