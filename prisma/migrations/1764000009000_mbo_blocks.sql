-- Up Migration
-- Order-by-order (MBO) blocks: one row holds up to 65,536 consecutive MBO records of one dataset,
-- in file order, their columns packed into bytea values (codec in lib/data/mbo-blocks.ts). A block
-- never spans two writes. Unlike trade_blocks this table is not partitioned: it is read whole per
-- run (a book must be replayed from its snapshot), a dataset holds few blocks per day, and rows
-- cascade away with their dataset. The packed columns are varint/delta coded already, so they are
-- stored out of line without compression (STORAGE EXTERNAL).
CREATE TABLE mbo_blocks (
  dataset_id        integer  NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  -- Order of the block within its dataset (0, 1, 2, ... in write order).
  block_seq         integer  NOT NULL,
  instrument_id     integer  NOT NULL,
  first_ts_recv     bigint   NOT NULL,
  -- Inclusive; the largest ts_recv of the block (snapshot records may precede it in file order).
  last_ts_recv      bigint   NOT NULL,
  record_count      integer  NOT NULL,
  -- Origin of the ts_recv column (the block's first record's ts_recv).
  base_ns           bigint   NOT NULL,
  -- Index in the dataset of the block's first MBO record.
  first_seq         bigint   NOT NULL,
  -- Prices are integers in units of price_scale_nano (1e-9): the tick size at write time.
  price_scale_nano  bigint   NOT NULL,
  codec             smallint NOT NULL,
  ts_recv           bytea    NOT NULL,
  ts_event_deltas   bytea    NOT NULL,
  order_ids         bytea    NOT NULL,
  prices            bytea    NOT NULL,
  sizes             bytea    NOT NULL,
  flags             bytea    NOT NULL,
  actions           bytea    NOT NULL,
  sides             bytea    NOT NULL,
  channels          bytea    NOT NULL,
  sequences         bytea    NOT NULL,
  -- Databento instrument_id of every record (the book skips other instruments).
  source_ids        bytea    NOT NULL,
  CONSTRAINT mbo_blocks_record_count_check CHECK (record_count BETWEEN 1 AND 65536),
  CONSTRAINT mbo_blocks_ts_order_check CHECK (last_ts_recv >= first_ts_recv),
  CONSTRAINT mbo_blocks_price_scale_check CHECK (price_scale_nano > 0),
  PRIMARY KEY (dataset_id, block_seq)
);
ALTER TABLE mbo_blocks
  ALTER COLUMN ts_recv SET STORAGE EXTERNAL,
  ALTER COLUMN ts_event_deltas SET STORAGE EXTERNAL,
  ALTER COLUMN order_ids SET STORAGE EXTERNAL,
  ALTER COLUMN prices SET STORAGE EXTERNAL,
  ALTER COLUMN sizes SET STORAGE EXTERNAL,
  ALTER COLUMN flags SET STORAGE EXTERNAL,
  ALTER COLUMN actions SET STORAGE EXTERNAL,
  ALTER COLUMN sides SET STORAGE EXTERNAL,
  ALTER COLUMN channels SET STORAGE EXTERNAL,
  ALTER COLUMN sequences SET STORAGE EXTERNAL,
  ALTER COLUMN source_ids SET STORAGE EXTERNAL;
CREATE INDEX mbo_blocks_time_idx ON mbo_blocks (dataset_id, first_ts_recv);

-- Down Migration
DROP TABLE IF EXISTS mbo_blocks;
