import type { RunStatus } from "../runs/run-dto";

const STYLES: Record<RunStatus, string> = {
  queued: "border-zinc-600 bg-zinc-800 text-zinc-300",
  running: "border-accent/60 bg-accent-soft text-blue-300",
  succeeded: "border-emerald-700 bg-emerald-950 text-emerald-300",
  failed: "border-red-800 bg-red-950 text-red-300",
  cancelled: "border-zinc-600 bg-zinc-900 text-zinc-400",
};

const BASE = "num inline-flex items-center gap-1.5 rounded-sm border px-1.5 py-px text-[11px] font-semibold tracking-wide uppercase";

/** A run's status; a second amber badge flags a running run without a recent heartbeat. */
export function StatusBadge({ status, stalled = false }: { status: RunStatus; stalled?: boolean }) {
  return (
    <span className="inline-flex items-center gap-1">
      <span className={`${BASE} ${STYLES[status] ?? STYLES.queued}`} data-testid="run-status" data-status={status}>
        {status === "running" && <span aria-hidden className="size-1.5 animate-pulse rounded-full bg-accent" />}
        {status}
      </span>
      {stalled && (
        <span className={`${BASE} border-amber-700 bg-amber-950 text-amber-300`} data-testid="run-stalled">
          stalled
        </span>
      )}
    </span>
  );
}
