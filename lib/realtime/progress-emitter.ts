/**
 * Publishing run state from worker processes to every web instance, with Socket.IO's PostgreSQL
 * emitter (@socket.io/postgres-emitter) -> PostgreSQL NOTIFY -> the web instances' PostgreSQL
 * adapter -> browsers in the run's room.
 *
 * Compatibility shim: postgres-emitter 0.1.1 (the latest release) omits the namespace (`nsp`) from
 * the messages it NOTIFYs, and socket.io-adapter 2.5 (used by postgres-adapter 0.4/0.5) drops
 * cluster messages whose `nsp` does not match its namespace. The emitter is given a pool facade
 * that adds the namespace to each notification. Progress messages are far below NOTIFY's
 * 8000-byte limit, so the emitter's attachment path (large payloads) is never used.
 */
import type pg from "pg";
import { Emitter } from "@socket.io/postgres-emitter";
import { EVENTS, IMPORT_EVENTS, importRoom, runRoom } from "./channels";
import type { RunProgressDto } from "../runs/run-dto";
import type { ImportJobProgressDto } from "../imports/import-job-dto";

function poolAddingNamespace(pool: pg.Pool, nsp: string) {
  return {
    query(text: string, values?: unknown[]) {
      if (text.startsWith("SELECT pg_notify") && values && typeof values[1] === "string") {
        const document = JSON.parse(values[1]) as { nsp?: string };
        document.nsp ??= nsp;
        return pool.query(text, [values[0], JSON.stringify(document)]);
      }
      return pool.query(text, values);
    },
  };
}

export class ProgressEmitter {
  private readonly emitter: Emitter;

  constructor(pool: pg.Pool, nsp = "/") {
    this.emitter = new Emitter(poolAddingNamespace(pool, nsp), nsp, { payloadThreshold: 7900 });
  }

  publish(state: RunProgressDto): void {
    this.emitter.to(runRoom(state.runId)).emit(EVENTS.state, state);
  }

  /** An import job's state to the browsers watching it (lib/imports). */
  publishImport(state: ImportJobProgressDto): void {
    this.emitter.to(importRoom(state.importJobId)).emit(IMPORT_EVENTS.state, state);
  }
}
