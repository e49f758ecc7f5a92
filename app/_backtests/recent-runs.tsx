"use client";
import { useQuery, type UseQueryResult } from "@tanstack/react-query";
import { useState } from "react";
import Link from "next/link";
import { ACTIVE_STATUSES, type RunDto } from "@/lib/runs/run-dto";
import { api, queryKeys } from "@/lib/ui/api";
import { ErrorAlert } from "@/lib/ui/error-alert";
import { formatCtIso, formatPercent } from "@/lib/ui/format";
import { StatusBadge } from "@/lib/ui/status-badge";

const isActive = (run: RunDto) => ACTIVE_STATUSES.includes(run.status);
const MIN_COMPARE = 2;
const MAX_COMPARE = 10;

/** The caller's latest runs; polls every 2 s while any of them is queued or running. */
export function RecentRuns({ labelledBy }: { labelledBy: string }) {
  const [filters, setFilters] = useState({ q: "", status: "", tag: "" });
  const query = useQuery({
    queryKey: [...queryKeys.runs, filters],
    queryFn: () => api.runs(filters),
    refetchInterval: (q) => (q.state.data?.runs.some(isActive) ? 2000 : false),
  });
  const filtered = filters.q !== "" || filters.status !== "" || filters.tag !== "";
  // Selected run ids for comparison, in selection order (the comparison keeps that order).
  const [selected, setSelected] = useState<string[]>([]);
  const toggle = (id: string) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));

  return (
    <div>
      <form className="flex flex-wrap items-end gap-2 border-b border-line px-3 py-2" role="search" aria-label="Search runs" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label htmlFor="runs-q" className="block text-[11px] text-zinc-500">
            Search name or notes
          </label>
          <input id="runs-q" className="input h-7 w-48" value={filters.q} onChange={(e) => setFilters({ ...filters, q: e.target.value })} />
        </div>
        <div>
          <label htmlFor="runs-status" className="block text-[11px] text-zinc-500">
            Status
          </label>
          <select id="runs-status" className="input h-7 w-32" value={filters.status} onChange={(e) => setFilters({ ...filters, status: e.target.value })}>
            <option value="">any</option>
            {["queued", "running", "succeeded", "failed", "cancelled"].map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="runs-tag" className="block text-[11px] text-zinc-500">
            Tag
          </label>
          <input id="runs-tag" className="input h-7 w-28" value={filters.tag} onChange={(e) => setFilters({ ...filters, tag: e.target.value.trim() })} />
        </div>
        <CompareLink ids={selected} />
      </form>
      <RunsTable query={query} labelledBy={labelledBy} filtered={filtered} selected={selected} onToggle={toggle} />
    </div>
  );
}

/** "Compare (n)": a link to /compare for 2..10 selected runs, shown disabled otherwise. */
function CompareLink({ ids }: { ids: string[] }) {
  const enabled = ids.length >= MIN_COMPARE && ids.length <= MAX_COMPARE;
  const label = `Compare (${ids.length})`;
  const hint = enabled ? "Compare the selected runs" : `Select ${MIN_COMPARE} to ${MAX_COMPARE} succeeded runs to compare`;
  return enabled ? (
    <Link href={`/compare?ids=${ids.join(",")}`} className="btn btn-primary ml-auto h-7 px-3 text-xs" title={hint} data-testid="compare-link">
      {label}
    </Link>
  ) : (
    <a role="link" aria-disabled="true" className="btn btn-ghost ml-auto h-7 cursor-not-allowed px-3 text-xs opacity-50" title={hint} data-testid="compare-link">
      {label}
    </a>
  );
}

function RunsTable({
  query,
  labelledBy,
  filtered,
  selected,
  onToggle,
}: {
  query: UseQueryResult<{ runs: RunDto[] }>;
  labelledBy: string;
  filtered: boolean;
  selected: string[];
  onToggle: (id: string) => void;
}) {
  if (query.isPending) return <p className="px-3 py-6 text-sm text-zinc-500">Loading runs…</p>;
  if (query.isError) return <div className="p-3"><ErrorAlert error={query.error} title="Could not load runs" /></div>;
  const runs = query.data.runs;
  if (runs.length === 0) {
    return (
      <p className="px-3 py-10 text-center text-sm text-zinc-500" data-testid="runs-empty">
        {filtered ? "No run matches these filters." : <>No runs yet. Configure a backtest and press <span className="text-zinc-300">Run backtest</span>.</>}
      </p>
    );
  }

  return (
    <div className="overflow-x-auto">
      <table className="data-table" aria-labelledby={labelledBy} data-testid="runs-table">
        <thead>
          <tr>
            <th scope="col" className="w-8">
              <span className="sr-only">Compare</span>
            </th>
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
              <td className="w-8">
                {run.status === "succeeded" && (
                  <input
                    type="checkbox"
                    className="accent-accent"
                    checked={selected.includes(run.id)}
                    onChange={() => onToggle(run.id)}
                    aria-label={`Select ${run.name} for comparison`}
                  />
                )}
              </td>
              <td className="max-w-[22rem] truncate">
                <Link href={`/runs/${run.id}`} className="font-medium text-zinc-100 hover:text-accent hover:underline">
                  {run.name}
                </Link>
                {run.tags.map((t) => (
                  <span key={t} className="ml-1.5 rounded bg-zinc-800 px-1 py-px font-mono text-[10px] text-zinc-400">
                    {t}
                  </span>
                ))}
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
