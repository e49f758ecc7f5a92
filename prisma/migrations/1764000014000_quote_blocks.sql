-- Up Migration
-- Top-of-book quote blocks (MBP-1 / TBBO / BBO, and the best level of MBP-10): one row holds up to
-- 65,536 consecutive quotes of one dataset, in file order, their columns packed into bytea values
-- (codec in lib/data/quote-blocks.ts). A block never spans two writes. Like mbo_blocks the table is
-- not partitioned: an l1-quotes run replays it from the start, and rows cascade with their dataset.
-- Depth beyond the best level (MBP-10 levels 1-9) is not stored.
CREATE TABLE quote_blocks (
  dataset_id        integer  NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  -- Order of the block within its dataset (0, 1, 2, ... in write order).
  block_seq         integer  NOT NULL,
  instrument_id     integer  NOT NULL,
  first_ts_recv     bigint   NOT NULL,
  -- Inclusive; the largest ts_recv of the block.
  last_ts_recv      bigint   NOT NULL,
  quote_count       integer  NOT NULL,
  -- Origin of the ts_recv column (the block's first quote's ts_recv).
  base_ns           bigint   NOT NULL,
  -- Index in the dataset of the block's first quote.
  first_seq         bigint   NOT NULL,
  -- Prices are integers in units of price_scale_nano (1e-9): the tick size at write time.
  price_scale_nano  bigint   NOT NULL,
  codec             smallint NOT NULL,
  ts_recv           bytea    NOT NULL,
  ts_event_deltas   bytea    NOT NULL,
  bid_prices        bytea    NOT NULL,
  ask_prices        bytea    NOT NULL,
  bid_sizes         bytea    NOT NULL,
  ask_sizes         bytea    NOT NULL,
  bid_counts        bytea    NOT NULL,
  ask_counts        bytea    NOT NULL,
  -- One byte per quote: bit 0 = the source record was a trade (its trade follows it in the replay).
  kinds             bytea    NOT NULL,
  CONSTRAINT quote_blocks_quote_count_check CHECK (quote_count BETWEEN 1 AND 65536),
  CONSTRAINT quote_blocks_ts_order_check CHECK (last_ts_recv >= first_ts_recv),
  CONSTRAINT quote_blocks_price_scale_check CHECK (price_scale_nano > 0),
  PRIMARY KEY (dataset_id, block_seq)
);
ALTER TABLE quote_blocks
  ALTER COLUMN ts_recv SET STORAGE EXTERNAL,
  ALTER COLUMN ts_event_deltas SET STORAGE EXTERNAL,
  ALTER COLUMN bid_prices SET STORAGE EXTERNAL,
  ALTER COLUMN ask_prices SET STORAGE EXTERNAL,
  ALTER COLUMN bid_sizes SET STORAGE EXTERNAL,
  ALTER COLUMN ask_sizes SET STORAGE EXTERNAL,
  ALTER COLUMN bid_counts SET STORAGE EXTERNAL,
  ALTER COLUMN ask_counts SET STORAGE EXTERNAL,
  ALTER COLUMN kinds SET STORAGE EXTERNAL;
CREATE INDEX quote_blocks_time_idx ON quote_blocks (dataset_id, first_ts_recv);

-- Down Migration
DROP TABLE IF EXISTS quote_blocks;
