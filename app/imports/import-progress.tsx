"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { RunStatus } from "@/lib/runs/run-dto";
import { api, queryKeys, type ImportJob } from "@/lib/ui/api";
import { ErrorAlert } from "@/lib/ui/error-alert";
import { formatInt, formatPercent } from "@/lib/ui/format";
import { StatusBadge } from "@/lib/ui/status-badge";
import type { Connection } from "./use-live-import";

const BAR_COLOUR: Record<string, string> = { succeeded: "bg-up", failed: "bg-down", cancelled: "bg-zinc-500" };

/** 1536 -> "1.5 KiB"; binary units like file managers. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${formatInt(n)} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/**
 * The live state of an import job: bytes read (percent), records read / accepted / rejected,
 * rate; the error of a failed import; a cancel button for admins while it is active.
 */
export function ImportProgress({ job, connection, canCancel }: { job: ImportJob; connection: Connection; canCancel: boolean }) {
  const queryClient = useQueryClient();
  const cancel = useMutation({
    mutationFn: () => api.cancelImportJob(job.id),
    onSuccess: (updated) => queryClient.setQueryData(queryKeys.importJob(job.id), updated),
  });
  const active = job.status === "queued" || job.status === "running";
  const pct = Math.round(job.progress * 100);
  const stats: Array<[string, string, string]> = [
    ["Read", formatInt(job.read), "import-live-read"],
    ["Accepted", formatInt(job.accepted), "import-live-accepted"],
    ["Rejected", formatInt(job.rejected), "import-live-rejected"],
    ["Records / s", job.status === "running" ? formatInt(job.recordsPerSec) : "—", "import-live-rate"],
    ["Bytes", `${formatBytes(job.bytesRead)} / ${formatBytes(job.totalBytes)}`, "import-live-bytes"],
  ];
  return (
    <div className="space-y-3" data-testid="import-progress" data-status={job.status}>
      <div className="flex flex-wrap items-center gap-3">
        {/* Import statuses are those of a run. */}
        <StatusBadge status={job.status as RunStatus} stalled={job.stalled} />
        {active && (
          <span className={`text-[11px] ${connection === "live" ? "text-emerald-400" : "text-zinc-500"}`} data-testid="import-connection">
            {connection === "live" ? "● live" : connection === "connecting" ? "connecting…" : "offline - polling"}
          </span>
        )}
        {job.attempt > 1 && <span className="text-[11px] text-amber-300">attempt {job.attempt}</span>}
        {canCancel && active && (
          <button type="button" className="btn btn-ghost ml-auto h-7 text-xs" disabled={job.cancelRequested || cancel.isPending} onClick={() => cancel.mutate()} data-testid="import-cancel">
            {job.cancelRequested ? "Cancelling…" : "Cancel import"}
          </button>
        )}
      </div>
      <div className="flex items-center gap-3">
        <div
          role="progressbar"
          aria-label="Import progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
          aria-valuetext={`${pct}%`}
          className="h-2 flex-1 overflow-hidden rounded-full bg-zinc-800"
        >
          <div className={`h-full rounded-full transition-[width] duration-300 ${BAR_COLOUR[job.status] ?? "bg-accent"}`} style={{ width: `${pct}%` }} />
        </div>
        <span className="num w-14 text-right text-lg font-semibold text-zinc-100" data-testid="import-live-percent">
          {formatPercent(job.progress)}
        </span>
      </div>
      <dl className="grid grid-cols-2 gap-x-4 gap-y-2 sm:grid-cols-5">
        {stats.map(([label, value, testId]) => (
          <div key={label}>
            <dt className="text-[11px] text-zinc-500">{label}</dt>
            <dd className="num text-sm text-zinc-100" data-testid={testId}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      {job.status === "queued" && <p className="text-xs text-zinc-500">Waiting for a worker…</p>}
      {job.status === "failed" && (
        <div role="alert" className="rounded border border-red-900 bg-red-950/60 px-3 py-2 text-sm text-red-200" data-testid="import-error">
          <p className="font-medium">The import failed - nothing was written, the dataset is unchanged</p>
          <p className="mt-0.5 font-mono text-xs whitespace-pre-wrap text-red-300">{job.error ?? "No error message was recorded."}</p>
        </div>
      )}
      {job.status === "cancelled" && (
        <p className="text-sm text-zinc-400" data-testid="import-cancelled">
          {job.error ?? "Cancelled"} - nothing was written.
        </p>
      )}
      {job.status === "succeeded" && job.skipped && (
        <p className="text-sm text-zinc-300" data-testid="import-skipped">
          These files had already been imported into {job.dataset}: nothing changed.
        </p>
      )}
      {cancel.isError && <ErrorAlert error={cancel.error} title="Could not cancel" />}
    </div>
  );
}
