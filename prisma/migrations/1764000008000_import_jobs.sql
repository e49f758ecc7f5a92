-- Up Migration
-- Browser imports (issue 3, section 6).
--
-- Per-dataset validation rules (lib/data/import/trade-validation.ts): '{}' means the defaults;
-- imports into the dataset run with these rules.
ALTER TABLE datasets ADD COLUMN validation_rules jsonb NOT NULL DEFAULT '{}'::jsonb;

-- An import job: files uploaded from the browser, waiting for or being imported by a worker.
-- The dataset is named, not referenced: a first import creates it. The import run it produces
-- (import_runs, with the report and the quarantine) is linked once the import has committed.
-- Writes of a worker are conditional on `attempt`, like runs.
CREATE TABLE import_jobs (
  id                uuid PRIMARY KEY,
  dataset_name      text NOT NULL,
  format            text NOT NULL DEFAULT 'auto',
  instrument        text,
  -- Rules for a dataset the import creates; NULL: the existing dataset's own rules.
  rules             jsonb,
  -- [{ name, size }] in upload order; stored as <UPLOAD_DIR>/<id>/<index>.
  files             jsonb NOT NULL DEFAULT '[]'::jsonb,
  total_bytes       bigint NOT NULL DEFAULT 0,
  status            text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  attempt           integer NOT NULL DEFAULT 0,
  job_id            text,
  worker_id         text,
  cancel_requested  boolean NOT NULL DEFAULT false,
  bytes_read        bigint NOT NULL DEFAULT 0,
  read_count        bigint NOT NULL DEFAULT 0,
  accepted_count    bigint NOT NULL DEFAULT 0,
  rejected_count    bigint NOT NULL DEFAULT 0,
  records_per_sec   double precision NOT NULL DEFAULT 0,
  import_run_id     uuid REFERENCES import_runs(id) ON DELETE SET NULL,
  -- The same content had already been imported into the dataset: nothing changed.
  skipped           boolean NOT NULL DEFAULT false,
  error             text,
  created_by        text REFERENCES users(id) ON DELETE SET NULL,
  queued_at         timestamptz NOT NULL DEFAULT now(),
  started_at        timestamptz,
  heartbeat_at      timestamptz,
  finished_at       timestamptz,
  files_deleted_at  timestamptz
);
CREATE INDEX import_jobs_active_idx ON import_jobs(status) WHERE status IN ('queued', 'running');
CREATE INDEX import_jobs_dataset_idx ON import_jobs(dataset_name, queued_at DESC);

-- Down Migration
DROP TABLE import_jobs;
ALTER TABLE datasets DROP COLUMN validation_rules;
