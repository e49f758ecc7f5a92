-- Up Migration
-- Core relational schema: accounts (better-auth tables), API tokens, instruments and contracts,
-- datasets and imports, backtest definitions, runs, results and share links.
-- Conventions: snake_case tables and columns; timestamps as timestamptz; exchange times as
-- integer nanoseconds since the UNIX epoch (bigint, suffix _ns); money as integer cents (suffix _cents).

CREATE TABLE users (
  id              text PRIMARY KEY,
  name            text NOT NULL,
  email           text NOT NULL UNIQUE,
  email_verified  boolean NOT NULL DEFAULT false,
  image           text,
  role            text NOT NULL DEFAULT 'analyst' CHECK (role IN ('admin', 'analyst')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
  id          text PRIMARY KEY,
  user_id     text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token       text NOT NULL UNIQUE,
  expires_at  timestamptz NOT NULL,
  ip_address  text,
  user_agent  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_user_id_idx ON sessions(user_id);

CREATE TABLE accounts (
  id                        text PRIMARY KEY,
  user_id                   text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  account_id                text NOT NULL,
  provider_id               text NOT NULL,
  access_token              text,
  refresh_token             text,
  id_token                  text,
  access_token_expires_at   timestamptz,
  refresh_token_expires_at  timestamptz,
  scope                     text,
  password                  text,
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX accounts_user_id_idx ON accounts(user_id);

CREATE TABLE verifications (
  id          text PRIMARY KEY,
  identifier  text NOT NULL,
  value       text NOT NULL,
  expires_at  timestamptz NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX verifications_identifier_idx ON verifications(identifier);

-- Personal API tokens: only a SHA-256 of the secret is stored.
CREATE TABLE api_tokens (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id       text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name          text NOT NULL,
  token_hash    text NOT NULL UNIQUE,
  prefix        text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  expires_at    timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX api_tokens_user_id_idx ON api_tokens(user_id);

CREATE TABLE instruments (
  id           serial PRIMARY KEY,
  symbol       text NOT NULL UNIQUE,
  name         text NOT NULL,
  exchange     text NOT NULL,
  currency     text NOT NULL,
  tick_size    numeric(20, 9) NOT NULL,
  multiplier   numeric(20, 9) NOT NULL,
  spec         jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE contracts (
  id                 serial PRIMARY KEY,
  instrument_id      integer NOT NULL REFERENCES instruments(id) ON DELETE CASCADE,
  symbol             text NOT NULL UNIQUE,
  month_code         text NOT NULL,
  year               integer NOT NULL,
  last_trade_at      timestamptz NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contracts_instrument_id_idx ON contracts(instrument_id);

CREATE TABLE datasets (
  id             serial PRIMARY KEY,
  name           text NOT NULL UNIQUE,
  instrument_id  integer NOT NULL REFERENCES instruments(id),
  schema         text NOT NULL DEFAULT 'trades' CHECK (schema IN ('trades', 'mbp-1', 'mbp-10', 'mbo')),
  version        integer NOT NULL DEFAULT 1,
  status         text NOT NULL DEFAULT 'empty' CHECK (status IN ('empty', 'importing', 'ready', 'failed')),
  description    text,
  provenance     jsonb NOT NULL DEFAULT '{}'::jsonb,
  record_count   bigint NOT NULL DEFAULT 0,
  start_ns       bigint,
  end_ns         bigint,
  created_by     text REFERENCES users(id) ON DELETE SET NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE import_runs (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  dataset_id          integer NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  status              text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
  source              jsonb NOT NULL DEFAULT '{}'::jsonb,
  content_hash        text,
  read_count          bigint NOT NULL DEFAULT 0,
  accepted_count      bigint NOT NULL DEFAULT 0,
  rejected_count      bigint NOT NULL DEFAULT 0,
  rejected_by_reason  jsonb NOT NULL DEFAULT '{}'::jsonb,
  error               text,
  created_by          text REFERENCES users(id) ON DELETE SET NULL,
  started_at          timestamptz NOT NULL DEFAULT now(),
  finished_at         timestamptz
);
CREATE INDEX import_runs_dataset_id_idx ON import_runs(dataset_id);

CREATE TABLE backtest_definitions (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id     text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name         text NOT NULL,
  strategy_id  text NOT NULL,
  params       jsonb NOT NULL DEFAULT '{}'::jsonb,
  dataset_id   integer REFERENCES datasets(id) ON DELETE SET NULL,
  config       jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX backtest_definitions_owner_id_idx ON backtest_definitions(owner_id);

CREATE TABLE runs (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id          text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  definition_id     uuid NOT NULL REFERENCES backtest_definitions(id) ON DELETE CASCADE,
  name              text NOT NULL,
  visibility        text NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'team')),
  strategy_id       text NOT NULL,
  params            jsonb NOT NULL DEFAULT '{}'::jsonb,
  config            jsonb NOT NULL DEFAULT '{}'::jsonb,
  dataset_id        integer REFERENCES datasets(id) ON DELETE SET NULL,
  dataset_name      text NOT NULL,
  dataset_version   integer NOT NULL,
  status            text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  job_id            text,
  attempt           integer NOT NULL DEFAULT 0,
  worker_id         text,
  cancel_requested  boolean NOT NULL DEFAULT false,
  progress          double precision NOT NULL DEFAULT 0,
  events_total      bigint NOT NULL DEFAULT 0,
  events_processed  bigint NOT NULL DEFAULT 0,
  events_per_sec    double precision NOT NULL DEFAULT 0,
  sim_time_ns       bigint,
  equity_cents      bigint,
  eta_ms            bigint,
  heartbeat_at      timestamptz,
  error             text,
  time_limit_sec    integer NOT NULL,
  engine_version    text,
  seed              integer NOT NULL DEFAULT 0,
  queued_at         timestamptz NOT NULL DEFAULT now(),
  started_at        timestamptz,
  finished_at       timestamptz
);
CREATE INDEX runs_owner_id_queued_at_idx ON runs(owner_id, queued_at DESC);
CREATE INDEX runs_status_idx ON runs(status);

-- One result per run (the primary key is the run id): a second writer cannot add another.
CREATE TABLE run_results (
  run_id           uuid PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  attempt          integer NOT NULL,
  metrics          jsonb NOT NULL,
  equity           jsonb NOT NULL,
  trade_count      integer NOT NULL,
  result_hash      text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE run_trades (
  run_id          uuid NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  seq             integer NOT NULL,
  side            smallint NOT NULL,
  qty             integer NOT NULL,
  entry_ns        bigint NOT NULL,
  exit_ns         bigint NOT NULL,
  entry_price     double precision NOT NULL,
  exit_price      double precision NOT NULL,
  pnl_cents       bigint NOT NULL,
  fees_cents      bigint NOT NULL,
  PRIMARY KEY (run_id, seq)
);

CREATE TABLE share_links (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  run_id        uuid NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  created_by    text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash    text NOT NULL UNIQUE,
  include_code  boolean NOT NULL DEFAULT false,
  expires_at    timestamptz,
  revoked_at    timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX share_links_run_id_idx ON share_links(run_id);

-- Down Migration
DROP TABLE share_links, run_trades, run_results, runs, backtest_definitions, import_runs,
  datasets, contracts, instruments, api_tokens, verifications, accounts, sessions, users;
