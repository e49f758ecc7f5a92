-- Up Migration
-- MBP-10 depth blocks: one row holds up to 65,536 consecutive MBP-10 records of one dataset, in
-- file order - each record's update (action, side, depth, price, size, flags) and the ten levels
-- of each side after it - their columns packed into bytea values (codec in lib/data/depth-blocks.ts:
-- the levels as changes against the previous record, so an unchanged level costs nothing). A block
-- never spans two writes. Record i of a dataset's depth is its quote i in quote_blocks (the importer
-- writes both or neither). Like quote_blocks the table is not partitioned: a run replays it from
-- the start, and rows cascade with their dataset.
CREATE TABLE depth_blocks (
  dataset_id        integer  NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  -- Order of the block within its dataset (0, 1, 2, ... in write order).
  block_seq         integer  NOT NULL,
  instrument_id     integer  NOT NULL,
  first_ts_recv     bigint   NOT NULL,
  -- Inclusive; the largest ts_recv of the block.
  last_ts_recv      bigint   NOT NULL,
  record_count      integer  NOT NULL,
  -- Origin of the ts_recv column (the block's first record's ts_recv).
  base_ns           bigint   NOT NULL,
  -- Index in the dataset of the block's first record.
  first_seq         bigint   NOT NULL,
  -- Prices are integers in units of price_scale_nano (1e-9): the tick size at write time.
  price_scale_nano  bigint   NOT NULL,
  codec             smallint NOT NULL,
  -- Records of the block that end an exchange event (flag LAST): the book events a replay counts.
  event_count       integer  NOT NULL,
  ts_recv           bytea    NOT NULL,
  ts_event_deltas   bytea    NOT NULL,
  -- Per record: action, side, depth and whether the flags changed (see the codec).
  headers           bytea    NOT NULL,
  flags             bytea    NOT NULL,
  escapes           bytea    NOT NULL,
  prices            bytea    NOT NULL,
  sizes             bytea    NOT NULL,
  bid_levels        bytea    NOT NULL,
  ask_levels        bytea    NOT NULL,
  CONSTRAINT depth_blocks_record_count_check CHECK (record_count BETWEEN 1 AND 65536),
  CONSTRAINT depth_blocks_event_count_check CHECK (event_count BETWEEN 0 AND record_count),
  CONSTRAINT depth_blocks_ts_order_check CHECK (last_ts_recv >= first_ts_recv),
  CONSTRAINT depth_blocks_price_scale_check CHECK (price_scale_nano > 0),
  PRIMARY KEY (dataset_id, block_seq)
);
ALTER TABLE depth_blocks
  ALTER COLUMN ts_recv SET STORAGE EXTERNAL,
  ALTER COLUMN ts_event_deltas SET STORAGE EXTERNAL,
  ALTER COLUMN headers SET STORAGE EXTERNAL,
  ALTER COLUMN flags SET STORAGE EXTERNAL,
  ALTER COLUMN escapes SET STORAGE EXTERNAL,
  ALTER COLUMN prices SET STORAGE EXTERNAL,
  ALTER COLUMN sizes SET STORAGE EXTERNAL,
  ALTER COLUMN bid_levels SET STORAGE EXTERNAL,
  ALTER COLUMN ask_levels SET STORAGE EXTERNAL;
CREATE INDEX depth_blocks_time_idx ON depth_blocks (dataset_id, first_ts_recv);

-- Down Migration
DROP TABLE IF EXISTS depth_blocks;
