"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { ACTIVE_STATUSES, type RunDto } from "@/lib/runs/run-dto";
import { api, queryKeys } from "@/lib/ui/api";
import { ErrorAlert } from "@/lib/ui/error-alert";
import { formatCtIso, formatPercent } from "@/lib/ui/format";
import { StatusBadge } from "@/lib/ui/status-badge";

const isActive = (run: RunDto) => ACTIVE_STATUSES.includes(run.status);

/** The caller's latest runs; polls every 2 s while any of them is queued or running. */
export function RecentRuns({ labelledBy }: { labelledBy: string }) {
  const query = useQuery({
    queryKey: queryKeys.runs,
    queryFn: api.runs,
    refetchInterval: (q) => (q.state.data?.runs.some(isActive) ? 2000 : false),
  });

  if (query.isPending) return <p className="px-3 py-6 text-sm text-zinc-500">Loading runs…</p>;
  if (query.isError) return <div className="p-3"><ErrorAlert error={query.error} title="Could not load runs" /></div>;
  const runs = query.data.runs;
  if (runs.length === 0) {
    return (
      <p className="px-3 py-10 text-center text-sm text-zinc-500" data-testid="runs-empty">
        No runs yet. Configure a backtest and press <span className="text-zinc-300">Run backtest</span>.
      </p>
    );
  }

  return (
    <div className="overflow-x-auto">
      <table className="data-table" aria-labelledby={labelledBy} data-testid="runs-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col" className="cell-num">Progress</th>
            <th scope="col">Dataset</th>
            <th scope="col">Queued (CT)</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-testid="run-row" data-run-id={run.id} data-status={run.status}>
              <td className="max-w-[22rem] truncate">
                <Link href={`/runs/${run.id}`} className="font-medium text-zinc-100 hover:text-accent hover:underline">
                  {run.name}
                </Link>
              </td>
              <td>
                <StatusBadge status={run.status} stalled={run.stalled} />
              </td>
              <td className="cell-num">
                <span className="inline-flex items-center justify-end gap-2">
                  <span aria-hidden className="h-1 w-16 overflow-hidden rounded-full bg-zinc-800">
                    <span
                      className={`block h-full ${run.status === "failed" ? "bg-down" : run.status === "succeeded" ? "bg-up" : "bg-accent"}`}
                      style={{ width: `${Math.min(100, Math.max(0, run.progress * 100))}%` }}
                    />
                  </span>
                  <span className="w-10" data-testid="run-progress">
                    {formatPercent(run.progress)}
                  </span>
                </span>
              </td>
              <td className="text-zinc-400">
                {run.datasetName} <span className="text-zinc-500">v{run.datasetVersion}</span>
                {run.datasetDeleted && <span className="ml-1 text-xs text-amber-400">(deleted)</span>}
              </td>
              <td className="text-zinc-400">{formatCtIso(run.queuedAt, { zone: false })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
