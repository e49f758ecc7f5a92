-- Up Migration
-- Trade blocks: a columnar alternative to trade_ticks. One row holds up to 65,536 consecutive
-- trades of one dataset, its columns packed into bytea values (codec in lib/data/tick-blocks.ts).
-- A block never spans two writes nor a UTC month, so it sits in one partition and a read can prune
-- partitions on both sides of its range. Time-partitioned on first_ts_recv (ns since the epoch):
-- a TimescaleDB hypertable when the extension can be created, otherwise native RANGE partitions,
-- one per calendar month, created on demand by lib/data/tick-blocks.ts before COPY.
-- The packed columns are already compact (varints, deltas): they are stored out of line without
-- compression (STORAGE EXTERNAL), which keeps both writes and reads at memory speed.
-- This table is read and written only with COPY, never through Prisma, so it has no Prisma model.
DO $$
DECLARE
  use_timescale boolean := false;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
    BEGIN
      CREATE EXTENSION IF NOT EXISTS timescaledb;
      use_timescale := true;
    EXCEPTION WHEN OTHERS THEN
      RAISE NOTICE 'timescaledb is available but cannot be loaded (%); using native partitioning', SQLERRM;
    END;
  END IF;

  CREATE TABLE trade_blocks (
    dataset_id        integer  NOT NULL,
    -- Order of the block within its dataset (0, 1, 2, ... in write order).
    block_seq         integer  NOT NULL,
    instrument_id     integer  NOT NULL,
    first_ts_recv     bigint   NOT NULL,
    -- Inclusive.
    last_ts_recv      bigint   NOT NULL,
    tick_count        integer  NOT NULL,
    -- Origin of ts_offsets (the block's first ts_recv as written by tick-blocks.ts).
    base_ns           bigint   NOT NULL,
    -- Record index in the dataset of the block's first trade (trade_ticks.seq).
    first_seq         bigint   NOT NULL,
    -- Prices are integers in units of price_scale_nano (1e-9): the tick size at write time.
    price_scale_nano  bigint   NOT NULL,
    codec             smallint NOT NULL,
    ts_offsets        bytea    NOT NULL,
    event_deltas      bytea    NOT NULL,
    prices            bytea    NOT NULL,
    sizes             bytea    NOT NULL,
    sides             bytea    NOT NULL,
    -- Empty when every flag is 0.
    flags             bytea    NOT NULL,
    CONSTRAINT trade_blocks_tick_count_check CHECK (tick_count BETWEEN 1 AND 65536),
    CONSTRAINT trade_blocks_ts_order_check CHECK (last_ts_recv >= first_ts_recv),
    CONSTRAINT trade_blocks_price_scale_check CHECK (price_scale_nano > 0),
    PRIMARY KEY (dataset_id, first_ts_recv, block_seq)
  ) PARTITION BY RANGE (first_ts_recv);

  IF use_timescale THEN
    -- A hypertable cannot be created from a partitioned table: recreate it as a plain one.
    CREATE TABLE trade_blocks_plain (LIKE trade_blocks INCLUDING ALL);
    DROP TABLE trade_blocks;
    ALTER TABLE trade_blocks_plain RENAME TO trade_blocks;
    ALTER INDEX trade_blocks_plain_pkey RENAME TO trade_blocks_pkey;
    -- 30-day chunks: a year of MNQ is ~1,000 rows, so chunks stay small in rows but few in number.
    EXECUTE $ts$SELECT create_hypertable('trade_blocks', 'first_ts_recv', chunk_time_interval => 2592000000000000::bigint)$ts$;
  END IF;

  ALTER TABLE trade_blocks
    ALTER COLUMN ts_offsets SET STORAGE EXTERNAL,
    ALTER COLUMN event_deltas SET STORAGE EXTERNAL,
    ALTER COLUMN prices SET STORAGE EXTERNAL,
    ALTER COLUMN sizes SET STORAGE EXTERNAL,
    ALTER COLUMN sides SET STORAGE EXTERNAL,
    ALTER COLUMN flags SET STORAGE EXTERNAL;
END $$;

-- Down Migration
DROP TABLE IF EXISTS trade_blocks CASCADE;
