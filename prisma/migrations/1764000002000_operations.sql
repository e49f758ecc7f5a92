-- Up Migration
-- Operational tables: shared settings, worker liveness, Socket.IO's PostgreSQL adapter attachments.

-- Settings every web/worker instance must agree on (e.g. the session-signing secret when
-- AUTH_SECRET is not configured), so any number of instances can share one database.
CREATE TABLE app_settings (
  key         text PRIMARY KEY,
  value       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per live worker process, refreshed by its heartbeat; /api/health reads it.
CREATE TABLE worker_heartbeats (
  id            text PRIMARY KEY,
  hostname      text NOT NULL,
  pid           integer NOT NULL,
  concurrency   integer NOT NULL,
  active_runs   integer NOT NULL DEFAULT 0,
  started_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now()
);

-- Large payloads of @socket.io/postgres-adapter / -emitter (layout required by those packages).
CREATE TABLE socket_io_attachments (
  id          bigserial UNIQUE,
  created_at  timestamptz DEFAULT now(),
  payload     bytea
);

-- Down Migration
DROP TABLE socket_io_attachments, worker_heartbeats, app_settings;
