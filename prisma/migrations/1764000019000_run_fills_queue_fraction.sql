-- Up Migration
-- l2-queue's probabilistic queue models (power-n, log; lib/engine/book/queue-model.ts) estimate the
-- size ahead of our order as an expectation, which may be fractional (e.g. 3.3 contracts): a fill's
-- queue position is stored as the engine reported it, not rounded.
ALTER TABLE run_fills ALTER COLUMN queue_position TYPE double precision;

-- Down Migration
ALTER TABLE run_fills ALTER COLUMN queue_position TYPE integer USING round(queue_position)::integer;
