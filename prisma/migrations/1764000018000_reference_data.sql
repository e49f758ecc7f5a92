-- Up Migration
-- Reference data of a dataset (lib/data/import/import-reference.ts): the Databento instrument
-- definitions (DBN rtype 0x13) and venue statistics (rtype 0x18) of definition and statistics
-- files imported into an EXISTING dataset, every record of the files kept (all instruments,
-- spreads too), one row per record, in the import's transaction; rows cascade with their import
-- run and dataset. `matches_contract` marks the records of the dataset's contract (its dated
-- contract, or the outright futures of its root when it holds a root only).
--
-- Exactness: prices are DBN fixed point 1e-9 (`*_nano`, i64) and timestamps u64 ns since the
-- epoch, both in bigint (no float anywhere); DBN's "undefined" sentinels (i64::MAX prices, u64::MAX
-- timestamps, u32::MAX / i32::MAX quantities, 65535 years, 255 months) are stored as NULL. u32
-- fields are bigint (they do not fit integer). `raw` keeps the whole decoded record as JSON
-- (64-bit values as decimal strings), including the fields of one DBN version only.
CREATE TABLE instrument_definitions (
  id                        bigserial PRIMARY KEY,
  dataset_id                integer  NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  import_run_id             uuid     NOT NULL REFERENCES import_runs(id) ON DELETE CASCADE,
  -- 0-based position of the record among the reference records of its import (file order).
  record_index              integer  NOT NULL,
  publisher_id              integer  NOT NULL,
  instrument_id             bigint   NOT NULL,
  raw_symbol                text     NOT NULL,
  -- Databento InstrumentClass: F future, S future spread, C/P options, K stock...
  instrument_class          text     NOT NULL,
  security_type             text     NOT NULL,
  cfi                       text     NOT NULL,
  -- A add, M modify, D delete.
  security_update_action    text     NOT NULL,
  matches_contract          boolean  NOT NULL,
  ts_recv_ns                bigint   NOT NULL,
  ts_event_ns               bigint   NOT NULL,
  expiration_ns             bigint,
  activation_ns             bigint,
  min_price_increment_nano  bigint,
  display_factor_nano       bigint   NOT NULL,
  -- IPNT (index points) for equity-index futures: unit_of_measure_qty is then the multiplier.
  unit_of_measure           text     NOT NULL,
  unit_of_measure_qty_nano  bigint,
  contract_multiplier       integer,
  currency                  text     NOT NULL,
  settl_currency            text     NOT NULL,
  exchange                  text     NOT NULL,
  asset                     text     NOT NULL,
  product_group             text     NOT NULL,
  underlying                text     NOT NULL,
  maturity_year             integer,
  maturity_month            smallint,
  high_limit_price_nano     bigint,
  low_limit_price_nano      bigint,
  max_price_variation_nano  bigint,
  market_segment_id         bigint,
  channel_id                integer  NOT NULL,
  match_algorithm           text     NOT NULL,
  min_trade_vol             bigint,
  max_trade_vol             bigint,
  -- Checks of a matching definition against Tickbench's contract spec and computed last trading
  -- time: [{ field, expected, actual, ok }] (empty when the record is not the contract's).
  checks                    jsonb    NOT NULL DEFAULT '[]'::jsonb,
  raw                       jsonb    NOT NULL
);
CREATE INDEX instrument_definitions_dataset_idx ON instrument_definitions(dataset_id, raw_symbol, ts_recv_ns);
CREATE INDEX instrument_definitions_run_idx ON instrument_definitions(import_run_id);

CREATE TABLE market_statistics (
  id                 bigserial PRIMARY KEY,
  dataset_id         integer  NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  import_run_id      uuid     NOT NULL REFERENCES import_runs(id) ON DELETE CASCADE,
  record_index       integer  NOT NULL,
  publisher_id       integer  NOT NULL,
  instrument_id      bigint   NOT NULL,
  -- From the file's symbology (or the dataset's stored definitions); NULL when unknown.
  raw_symbol         text,
  matches_contract   boolean  NOT NULL,
  ts_recv_ns         bigint   NOT NULL,
  ts_event_ns        bigint   NOT NULL,
  -- Trading date the statistic refers to (Databento sets it for settlement, cleared volume, open interest).
  ts_ref_ns          bigint,
  -- CME session date the statistic belongs to: the UTC date of ts_ref when set, else the session
  -- date of ts_event; NULL outside the session calendar's years.
  session_date       date,
  -- Databento StatType number (1 opening price ... 9 open interest ...); unknown numbers are kept.
  stat_type          integer  NOT NULL,
  price_nano         bigint,
  quantity           bigint,
  sequence           bigint   NOT NULL,
  ts_in_delta        integer  NOT NULL,
  -- 1 new, 2 delete.
  update_action      smallint NOT NULL,
  -- Settlement prices: bit 0 final (else preliminary), bit 1 actual (else theoretical); 255 = none.
  stat_flags         smallint NOT NULL,
  channel_id         integer  NOT NULL
);
CREATE INDEX market_statistics_dataset_idx ON market_statistics(dataset_id, stat_type, session_date);
CREATE INDEX market_statistics_run_idx ON market_statistics(import_run_id);

-- Down Migration
DROP TABLE market_statistics;
DROP TABLE instrument_definitions;
