"use client";
import { useMutation, useQuery, useQueryClient, type UseQueryResult } from "@tanstack/react-query";
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
  const [filters, setFilters] = useState({ q: "", status: "", tag: "", strategy: "", dataset: "", from: "", to: "" });
  const strategies = useQuery({ queryKey: queryKeys.strategies, queryFn: api.strategies, staleTime: 5 * 60_000 });
  const datasets = useQuery({ queryKey: queryKeys.datasets, queryFn: api.datasets });
  const query = useQuery({
    queryKey: [...queryKeys.runs, filters],
    queryFn: () => api.runs(filters),
    refetchInterval: (q) => (q.state.data?.runs.some(isActive) ? 2000 : false),
  });
  const filtered = Object.values(filters).some((v) => v !== "");
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
        <div>
          <label htmlFor="runs-strategy" className="block text-[11px] text-zinc-500">
            Strategy
          </label>
          <select id="runs-strategy" className="input h-7 w-32" value={filters.strategy} onChange={(e) => setFilters({ ...filters, strategy: e.target.value })}>
            <option value="">any</option>
            {(strategies.data?.strategies ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.id}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="runs-dataset" className="block text-[11px] text-zinc-500">
            Dataset
          </label>
          <select id="runs-dataset" className="input h-7 w-32" value={filters.dataset} onChange={(e) => setFilters({ ...filters, dataset: e.target.value })}>
            <option value="">any</option>
            {(datasets.data?.datasets ?? []).map((d) => (
              <option key={d.id} value={d.name}>
                {d.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="runs-from" className="block text-[11px] text-zinc-500">
            Queued from (CT)
          </label>
          <input id="runs-from" type="date" className="input h-7 w-36" value={filters.from} onChange={(e) => setFilters({ ...filters, from: e.target.value })} />
        </div>
        <div>
          <label htmlFor="runs-to" className="block text-[11px] text-zinc-500">
            Queued to (CT)
          </label>
          <input id="runs-to" type="date" className="input h-7 w-36" value={filters.to} onChange={(e) => setFilters({ ...filters, to: e.target.value })} />
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
  // Hooks before the early returns: the row being renamed inline.
  const [renaming, setRenaming] = useState<string | null>(null);
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
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
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
                {renaming === run.id ? (
                  <RenameForm run={run} onDone={() => setRenaming(null)} />
                ) : (
                  <Link href={`/runs/${run.id}`} className="font-medium text-zinc-100 hover:text-accent hover:underline">
                    {run.name}
                  </Link>
                )}
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
              <td className="whitespace-nowrap text-right">
                <RowActions run={run} onRename={() => setRenaming(run.id)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Inline rename of one run (PATCH name); Escape cancels. */
function RenameForm({ run, onDone }: { run: RunDto; onDone: () => void }) {
  const [name, setName] = useState(run.name);
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: () => api.updateRun(run.id, { name: name.trim() }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.runs });
      onDone();
    },
  });
  return (
    <form
      className="flex items-center gap-1"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim()) save.mutate();
      }}
      onKeyDown={(e) => e.key === "Escape" && onDone()}
    >
      <input
        className="input h-7 w-48"
        value={name}
        onChange={(e) => setName(e.target.value)}
        maxLength={200}
        aria-label={`New name for ${run.name}`}
        autoFocus
      />
      <button type="submit" className="btn btn-primary h-7 px-2 text-xs" disabled={save.isPending}>
        Save
      </button>
      <button type="button" className="btn btn-ghost h-7 px-2 text-xs" onClick={onDone}>
        Cancel
      </button>
      {save.isError && <span className="text-[11px] text-down" role="alert">{save.error.message}</span>}
    </form>
  );
}

/** Rename, and delete a finished run after a confirmation click. */
function RowActions({ run, onRename }: { run: RunDto; onRename: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api.deleteRun(run.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.runs }),
  });
  return (
    <span className="inline-flex items-center gap-1">
      <button type="button" className="btn btn-ghost h-6 px-2 text-[11px]" onClick={onRename} aria-label={`Rename ${run.name}`}>
        Rename
      </button>
      {!isActive(run) &&
        (confirming ? (
          <>
            <button type="button" className="btn btn-danger h-6 px-2 text-[11px]" onClick={() => remove.mutate()} disabled={remove.isPending}>
              Confirm delete
            </button>
            <button type="button" className="btn btn-ghost h-6 px-2 text-[11px]" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" className="btn btn-ghost h-6 px-2 text-[11px]" onClick={() => setConfirming(true)} aria-label={`Delete ${run.name}`}>
            Delete
          </button>
        ))}
      {remove.isError && <span className="text-[11px] text-down" role="alert">{remove.error.message}</span>}
    </span>
  );
}
