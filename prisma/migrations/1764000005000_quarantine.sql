-- Up Migration
-- Records an import did not store, each with the reason, so nothing is ever silently dropped:
-- they can be inspected and exported from the import report.
CREATE TABLE quarantined_records (
  id             bigserial PRIMARY KEY,
  import_run_id  uuid NOT NULL REFERENCES import_runs(id) ON DELETE CASCADE,
  record_index   bigint NOT NULL,
  reason         text NOT NULL,
  ts_recv_ns     bigint,
  payload        jsonb NOT NULL
);
CREATE INDEX quarantined_records_run_idx ON quarantined_records(import_run_id, record_index);

-- Down Migration
DROP TABLE quarantined_records;
