-- Up Migration
-- OHLCV bar datasets (NinjaTrader minute-bar exports, Databento ohlcv-1s/1m/1h/1d): one row per
-- bar, keyed by its START (ns since the UNIX epoch, like Databento's ts_event); prices are integer
-- ticks of the dataset's contract, volume in contracts. A dataset holds bars of one interval (its
-- schema 'ohlcv-1s'/'ohlcv-1m'/'ohlcv-1h'/'ohlcv-1d' names it; interval_s repeats it per row).
-- Bars are few (one session of 1-minute bars is 1,380 rows), so a plain row table, not blocks.
CREATE TABLE bars (
  dataset_id   integer NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  ts_start_ns  bigint  NOT NULL,
  interval_s   integer NOT NULL,
  open_ticks   integer NOT NULL,
  high_ticks   integer NOT NULL,
  low_ticks    integer NOT NULL,
  close_ticks  integer NOT NULL,
  volume       bigint  NOT NULL,
  CONSTRAINT bars_interval_check CHECK (interval_s > 0),
  CONSTRAINT bars_volume_check CHECK (volume >= 0),
  CONSTRAINT bars_consistent_check CHECK (low_ticks <= least(open_ticks, close_ticks) AND high_ticks >= greatest(open_ticks, close_ticks)),
  PRIMARY KEY (dataset_id, ts_start_ns)
);

ALTER TABLE datasets DROP CONSTRAINT datasets_schema_check;
ALTER TABLE datasets ADD CONSTRAINT datasets_schema_check
  CHECK (schema IN ('trades', 'mbp-1', 'mbp-10', 'mbo', 'ohlcv-1s', 'ohlcv-1m', 'ohlcv-1h', 'ohlcv-1d'));

-- Down Migration
DROP TABLE IF EXISTS bars;
DELETE FROM datasets WHERE schema LIKE 'ohlcv-%';
ALTER TABLE datasets DROP CONSTRAINT datasets_schema_check;
ALTER TABLE datasets ADD CONSTRAINT datasets_schema_check CHECK (schema IN ('trades', 'mbp-1', 'mbp-10', 'mbo'));
