/** Explicit output shapes of runs: database rows never reach the browser as they are. */
import type { Run } from "../generated/prisma/client.ts";

export type RunStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";
export const ACTIVE_STATUSES: RunStatus[] = ["queued", "running"];

export interface RunProgressDto {
  runId: string;
  status: RunStatus;
  /** Fraction of events processed, 0..1. */
  progress: number;
  eventsProcessed: number;
  eventsTotal: number;
  eventsPerSec: number;
  /** Current simulated (exchange) time, ns since epoch as a decimal string. */
  simTimeNs: string | null;
  equityUsd: number | null;
  etaMs: number | null;
  heartbeatAt: string | null;
  /** Running but no heartbeat for longer than the stall threshold. */
  stalled: boolean;
  attempt: number;
  error: string | null;
  finishedAt: string | null;
}

export interface RunDto extends RunProgressDto {
  id: string;
  name: string;
  strategyId: string;
  params: unknown;
  config: unknown;
  datasetId: number | null;
  datasetName: string;
  datasetVersion: number;
  datasetDeleted: boolean;
  visibility: string;
  engineVersion: string | null;
  seed: number;
  queuedAt: string;
  startedAt: string | null;
}

export function isStalled(status: string, heartbeatAt: Date | null, stallAfterSec: number, now = Date.now()): boolean {
  return status === "running" && heartbeatAt !== null && now - heartbeatAt.getTime() > stallAfterSec * 1000;
}

export function toProgressDto(run: Run, stallAfterSec: number): RunProgressDto {
  return {
    runId: run.id,
    status: run.status as RunStatus,
    progress: run.progress,
    eventsProcessed: Number(run.eventsProcessed),
    eventsTotal: Number(run.eventsTotal),
    eventsPerSec: run.eventsPerSec,
    simTimeNs: run.simTimeNs === null ? null : run.simTimeNs.toString(),
    equityUsd: run.equityCents === null ? null : Number(run.equityCents) / 100,
    etaMs: run.etaMs === null ? null : Number(run.etaMs),
    heartbeatAt: run.heartbeatAt?.toISOString() ?? null,
    stalled: isStalled(run.status, run.heartbeatAt, stallAfterSec),
    attempt: run.attempt,
    error: run.error,
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

export function toRunDto(run: Run, stallAfterSec: number): RunDto {
  return {
    ...toProgressDto(run, stallAfterSec),
    id: run.id,
    name: run.name,
    strategyId: run.strategyId,
    params: run.params,
    config: run.config,
    datasetId: run.datasetId,
    datasetName: run.datasetName,
    datasetVersion: run.datasetVersion,
    datasetDeleted: run.datasetId === null,
    visibility: run.visibility,
    engineVersion: run.engineVersion,
    seed: run.seed,
    queuedAt: run.queuedAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
  };
}
