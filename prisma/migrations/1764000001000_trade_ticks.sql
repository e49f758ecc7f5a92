-- Up Migration
-- Trade ticks, time-partitioned on ts_recv (the order vendors sort by, ns since the epoch).
-- When the timescaledb extension can be created the table becomes a hypertable with daily chunks
-- and compression segmented by dataset; otherwise PostgreSQL's native RANGE partitioning is used,
-- with one partition per calendar month created on demand by lib/data/tick-store.ts before COPY.
-- Prices are Databento-style fixed point integers (1e-9), sides: 1 = buy aggressor, -1 = sell
-- aggressor, 0 = none. `seq` is the record's position in its dataset: it keeps file order, so
-- identical trades at the same timestamp stay distinct rows.
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

  IF use_timescale THEN
    CREATE TABLE trade_ticks (
      dataset_id     integer  NOT NULL,
      seq            bigint   NOT NULL,
      instrument_id  integer  NOT NULL,
      ts_event       bigint   NOT NULL,
      ts_recv        bigint   NOT NULL,
      price          bigint   NOT NULL,
      size           integer  NOT NULL,
      side           smallint NOT NULL,
      flags          smallint NOT NULL DEFAULT 0
    );
    EXECUTE $ts$SELECT create_hypertable('trade_ticks', 'ts_recv', chunk_time_interval => 86400000000000::bigint)$ts$;
    EXECUTE $ts$CREATE FUNCTION trade_ticks_now() RETURNS bigint LANGUAGE sql STABLE AS
      'SELECT (extract(epoch FROM now()) * 1e9)::bigint'$ts$;
    EXECUTE $ts$SELECT set_integer_now_func('trade_ticks', 'trade_ticks_now')$ts$;
    EXECUTE $ts$ALTER TABLE trade_ticks SET (timescaledb.compress,
      timescaledb.compress_segmentby = 'dataset_id', timescaledb.compress_orderby = 'ts_recv, seq')$ts$;
    EXECUTE $ts$SELECT add_compression_policy('trade_ticks', compress_after => 7 * 86400000000000::bigint)$ts$;
  ELSE
    CREATE TABLE trade_ticks (
      dataset_id     integer  NOT NULL,
      seq            bigint   NOT NULL,
      instrument_id  integer  NOT NULL,
      ts_event       bigint   NOT NULL,
      ts_recv        bigint   NOT NULL,
      price          bigint   NOT NULL,
      size           integer  NOT NULL,
      side           smallint NOT NULL,
      flags          smallint NOT NULL DEFAULT 0
    ) PARTITION BY RANGE (ts_recv);
  END IF;

  CREATE INDEX trade_ticks_dataset_ts_idx ON trade_ticks (dataset_id, ts_recv, seq);
END $$;

-- Down Migration
DROP TABLE IF EXISTS trade_ticks CASCADE;
DROP FUNCTION IF EXISTS trade_ticks_now();
