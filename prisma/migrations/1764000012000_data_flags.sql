-- Up Migration
-- Data flags (issue 3): stretches of a dataset that are kept but marked, so the engine and the
-- reports can show them. kind 'price_band': consecutive trades further from the reference price
-- than the dataset's band (lib/data/import/price-band.ts); kind 'halt': the exchange stopped
-- trading the instrument inside a session (from Databento status records,
-- lib/data/import/halt-intervals.ts). [from_ns, to_ns] are receive times in ns (to_ns inclusive;
-- to_ns = from_ns for a single trade). Written in the import's transaction and deleted with its
-- import run or dataset.
CREATE TABLE data_flags (
  id             bigserial PRIMARY KEY,
  dataset_id     integer NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  import_run_id  uuid NOT NULL REFERENCES import_runs(id) ON DELETE CASCADE,
  kind           text NOT NULL,
  from_ns        bigint NOT NULL,
  to_ns          bigint NOT NULL,
  count          bigint NOT NULL DEFAULT 0,
  detail         jsonb NOT NULL DEFAULT '{}'::jsonb,
  CHECK (to_ns >= from_ns)
);
CREATE INDEX data_flags_dataset_time_idx ON data_flags(dataset_id, from_ns);
CREATE INDEX data_flags_run_idx ON data_flags(import_run_id);

-- An import that failed before its dataset existed (the dataset row rolled back with it): the
-- trace of what was tried and why it failed. Imports into an existing dataset record their
-- failures as import_runs instead.
CREATE TABLE failed_imports (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  dataset_name  text NOT NULL,
  source        jsonb NOT NULL DEFAULT '{}'::jsonb,
  content_hash  text,
  error         text NOT NULL,
  created_by    text REFERENCES users(id) ON DELETE SET NULL,
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX failed_imports_dataset_idx ON failed_imports(dataset_name, started_at DESC);

-- Down Migration
DROP TABLE failed_imports;
DROP TABLE data_flags;
