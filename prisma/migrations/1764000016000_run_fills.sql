-- Up Migration
-- Every fill of a run's result (lib/runs/run-fills.ts), written with run_trades in the result's
-- transaction and deleted with the run. seq is the engine's fill id (from 1); trade_seq is the
-- round trip (run_trades.seq) the fill opened, added to or closed - a reversal fill closes
-- trade_seq and opens trade_seq + 1 (position_after has the other sign than before the fill).
-- Audit fields: model (fill source), rule, entry latency, response latency, slippage and queue
-- position as columns; the rest of the engine's reason (batch, trade index, market trade time,
-- stop trigger, partial-fill remainder) in detail. Prices: exact integer ticks, and index points
-- converted with the instrument's tick size when stored (so they survive the dataset).
CREATE TABLE run_fills (
  run_id               uuid NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  seq                  integer NOT NULL,
  order_id             integer NOT NULL,
  trade_seq            integer NOT NULL,
  ts_ns                bigint NOT NULL,
  side                 smallint NOT NULL,
  qty                  integer NOT NULL,
  price_ticks          integer NOT NULL,
  price                double precision NOT NULL,
  fee_cents            bigint NOT NULL,
  position_after       integer NOT NULL,
  model                text NOT NULL,
  rule                 text,
  latency_ns           bigint NOT NULL,
  response_latency_ns  bigint,
  slippage_ticks       integer NOT NULL,
  queue_position       integer,
  detail               jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (run_id, seq),
  CHECK (qty > 0 AND side IN (-1, 1))
);
CREATE INDEX run_fills_time_idx ON run_fills(run_id, ts_ns);
CREATE INDEX run_fills_trade_idx ON run_fills(run_id, trade_seq);

-- Down Migration
DROP TABLE run_fills;
