"use client";
import type { RunProgressDto } from "@/lib/runs/run-dto";
import { EquityChart } from "@/lib/ui/equity-chart";
import { useDisplayZone } from "@/lib/ui/display-zone";
import { formatDuration, formatInt, formatPercent, formatUsd, pnlClass } from "@/lib/ui/format";
import { heartbeatAgeSec, progressPercent } from "@/lib/ui/run-progress";
import type { EquityPoint } from "@/lib/ui/series";
import type { Connection } from "./use-live-run";

const BAR_COLOUR: Record<string, string> = {
  succeeded: "bg-up",
  failed: "bg-down",
  cancelled: "bg-zinc-500",
};

interface Props {
  progress: RunProgressDto;
  liveEquity: EquityPoint[];
  connection: Connection;
  denied: string | null;
  now: number | null;
  stalled: boolean;
  startingCashUsd: number | null;
  showLiveChart: boolean;
}

export function RunProgressPanel({ progress, liveEquity, connection, denied, now, stalled, startingCashUsd, showLiveChart }: Props) {
  const tz = useDisplayZone();
  const pct = progressPercent(progress);
  const active = progress.status === "queued" || progress.status === "running";
  const running = progress.status === "running";
  const age = heartbeatAgeSec(progress.heartbeatAt, now);
  const equityChange = progress.equityUsd !== null && startingCashUsd !== null ? progress.equityUsd - startingCashUsd : null;

  return (
    <section className="panel" aria-labelledby="progress-heading">
      <div className="panel-header">
        <h2 id="progress-heading" className="panel-title">
          Progress
        </h2>
        {active && <ConnectionIndicator connection={connection} />}
      </div>
      <div className="space-y-3 p-3">
        <div className="flex items-center gap-3">
          <div
            role="progressbar"
            aria-label="Run progress"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={pct}
            aria-valuetext={`${pct}%`}
            className="h-2 flex-1 overflow-hidden rounded-full bg-zinc-800"
            data-testid="run-progress-bar"
          >
            <div
              className={`h-full rounded-full transition-[width] duration-500 ${BAR_COLOUR[progress.status] ?? "bg-accent"}`}
              style={{ width: `${pct}%` }}
            />
          </div>
          <span className="num w-14 text-right text-lg font-semibold text-zinc-100" data-testid="run-progress-percent">
            {formatPercent(pct / 100)}
          </span>
        </div>

        {stalled && (
          <p className="inline-flex items-center gap-2 rounded border border-amber-700 bg-amber-950 px-2 py-1 text-xs font-medium text-amber-300" data-testid="stall-warning">
            <span aria-hidden>⚠</span>
            {age !== null ? `Stalled - no heartbeat for ${age} s` : "Stalled - no recent heartbeat"}
          </p>
        )}
        {denied && (
          <p className="text-xs text-amber-300" data-testid="live-denied">
            Live updates unavailable: {denied}
          </p>
        )}

        <dl className="grid grid-cols-2 gap-x-4 gap-y-2 sm:grid-cols-3 lg:grid-cols-4">
          <Stat label="Events / s" testId="run-events-per-sec">
            {progress.status === "queued" ? "—" : formatInt(progress.eventsPerSec)}
          </Stat>
          <Stat label="Events" testId="run-events">
            {formatInt(progress.eventsProcessed)} <span className="text-zinc-400">/ {formatInt(progress.eventsTotal)}</span>
          </Stat>
          <Stat label="Simulated time" testId="run-sim-time">
            {tz.ns(progress.simTimeNs)}
          </Stat>
          <Stat label="ETA" testId="run-eta">
            {running && progress.etaMs !== null ? formatDuration(progress.etaMs) : "—"}
          </Stat>
          <Stat label="Equity" testId="run-equity">
            <span className={pnlClass(equityChange)}>{formatUsd(progress.equityUsd)}</span>
          </Stat>
          {active && (
            <Stat label="Heartbeat" testId="run-heartbeat">
              <span className={stalled ? "text-amber-300" : undefined}>{age !== null ? `heartbeat ${age}s ago` : "—"}</span>
            </Stat>
          )}
          {progress.attempt > 1 && (
            <Stat label="Attempt" testId="run-attempt">
              attempt {progress.attempt}
            </Stat>
          )}
        </dl>

        {progress.status === "failed" && (
          <div role="alert" className="rounded border border-red-900 bg-red-950/60 px-3 py-2 text-sm text-red-200" data-testid="run-error">
            <p className="font-medium">The run failed</p>
            <p className="mt-0.5 font-mono text-xs whitespace-pre-wrap text-red-300">{progress.error ?? "No error message was recorded."}</p>
          </div>
        )}
        {progress.status === "cancelled" && (
          <p className="text-sm text-zinc-400" data-testid="run-cancelled">
            {progress.error ?? "Cancelled"}
          </p>
        )}

        {showLiveChart && (running || liveEquity.length > 1) && (
          <div>
            <h3 className="mb-1 text-[11px] font-semibold tracking-wider text-zinc-400 uppercase">Equity so far</h3>
            <EquityChart points={liveEquity} height={140} label="Equity so far" testId="live-equity-chart" />
          </div>
        )}
      </div>
    </section>
  );
}

function Stat({ label, testId, children }: { label: string; testId: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-[11px] tracking-wide text-zinc-400 uppercase">{label}</dt>
      <dd className="num truncate text-sm text-zinc-100" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

function ConnectionIndicator({ connection }: { connection: Connection }) {
  const text = connection === "live" ? "Live" : connection === "connecting" ? "Connecting…" : "Reconnecting…";
  const dot = connection === "live" ? "bg-up" : connection === "connecting" ? "bg-zinc-500" : "bg-amber-400";
  return (
    <span className="inline-flex items-center gap-1.5 text-[11px] text-zinc-400" data-testid="live-indicator" data-connection={connection}>
      <span aria-hidden className={`size-1.5 rounded-full ${dot}`} />
      {text}
    </span>
  );
}
