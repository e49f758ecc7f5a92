/**
 * Pure state transitions of the live run view. Socket updates can arrive late or twice (the
 * watch answer races the worker's next update, a reconnect replays the current state): a stale
 * update must never move a run backwards.
 */
import { ACTIVE_STATUSES, type RunProgressDto } from "../runs/run-dto";
import { downsampleEvenly, type EquityPoint } from "./series";
import { nsToMs } from "./format";

export const STALL_AFTER_MS = 10_000;
/** Live equity points kept in the browser; beyond that the series is thinned evenly. */
export const LIVE_POINTS_MAX = 1500;

const isActive = (p: Pick<RunProgressDto, "status">) => ACTIVE_STATUSES.includes(p.status);

/** The state to show after `incoming` arrives. */
export function mergeProgress(current: RunProgressDto, incoming: RunProgressDto): RunProgressDto {
  if (incoming.runId !== current.runId) return current;
  if (incoming.attempt > current.attempt) return incoming;
  if (incoming.attempt < current.attempt) return current;
  // Same attempt: a finished run stays finished, and progress only moves forward while running.
  if (!isActive(current) && isActive(incoming)) return current;
  if (current.status === "running" && incoming.status === "running" && incoming.eventsProcessed < current.eventsProcessed) return current;
  return incoming;
}

/** Appends the equity of a progress update to the live series (ordered by simulated time). */
export function appendLiveEquity(points: EquityPoint[], update: RunProgressDto): EquityPoint[] {
  if (update.equityUsd === null || update.simTimeNs === null) return points;
  const tsMs = nsToMs(update.simTimeNs);
  const last = points[points.length - 1];
  if (last && tsMs <= last.tsMs) return points;
  const next = [...points, { tsMs, equityUsd: update.equityUsd }];
  return next.length > LIVE_POINTS_MAX ? downsampleEvenly(next, Math.floor(LIVE_POINTS_MAX * 2 / 3)) : next;
}

/** Seconds since the last heartbeat, or null when unknown (or before hydration). */
export function heartbeatAgeSec(heartbeatAt: string | null, nowMs: number | null): number | null {
  if (!heartbeatAt || nowMs === null) return null;
  const at = Date.parse(heartbeatAt);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.floor((nowMs - at) / 1000));
}

/** A running run whose worker has not reported for more than the threshold (or that the server already flags). */
export function isStalledNow(progress: RunProgressDto, nowMs: number | null): boolean {
  if (progress.status !== "running") return false;
  if (progress.stalled) return true;
  const age = heartbeatAgeSec(progress.heartbeatAt, nowMs);
  return age !== null && age * 1000 > STALL_AFTER_MS;
}

/** Whole percent 0..100 for the progress bar, rounded down (100 only when done). */
export function progressPercent(progress: RunProgressDto): number {
  if (progress.status === "succeeded") return 100;
  return Math.min(100, Math.max(0, Math.floor(progress.progress * 100 + 1e-9)));
}

/** What the live run view holds: the latest progress and the equity seen while running. */
export interface LiveRunState {
  progress: RunProgressDto;
  liveEquity: EquityPoint[];
}

export function initialLiveRun(progress: RunProgressDto): LiveRunState {
  return { progress, liveEquity: progress.status === "running" ? appendLiveEquity([], progress) : [] };
}

/** Reducer for progress updates (socket events, the answer to a cancel request). */
export function reduceLiveRun(state: LiveRunState, incoming: RunProgressDto): LiveRunState {
  const progress = mergeProgress(state.progress, incoming);
  if (progress === state.progress) return state;
  // A retry starts the simulation over: the previous attempt's curve no longer applies.
  const base = progress.attempt !== state.progress.attempt ? [] : state.liveEquity;
  return { progress, liveEquity: progress.status === "running" ? appendLiveEquity(base, progress) : base };
}
