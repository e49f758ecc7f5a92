"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { RunStatus } from "@/lib/runs/run-dto";
import { api, queryKeys } from "@/lib/ui/api";
import { ErrorAlert } from "@/lib/ui/error-alert";
import { formatCtIso, formatInt } from "@/lib/ui/format";
import { Panel } from "@/lib/ui/panel";
import { StatusBadge } from "@/lib/ui/status-badge";

/** The imports of a dataset, newest first, each linking to its report; uploads in progress first. */
export function ImportsPanel({ name }: { name: string }) {
  const query = useQuery({ queryKey: queryKeys.datasetImports(name), queryFn: () => api.datasetImports(name) });
  const active = useQuery({
    queryKey: [...queryKeys.importJobs(name), "active"],
    queryFn: () => api.importJobs({ dataset: name, active: true }),
    refetchInterval: (q) => ((q.state.data?.jobs.length ?? 0) > 0 ? 3_000 : false),
  });
  return (
    <Panel id="imports-heading" title="Imports" testId="imports-panel">
      {active.data && active.data.jobs.length > 0 && (
        <ul className="border-b border-zinc-800 px-3 py-2 text-sm" data-testid="active-imports">
          {active.data.jobs.map((job) => (
            <li key={job.id} className="flex items-center gap-2">
              <StatusBadge status={job.status as RunStatus} stalled={job.stalled} />
              <Link href={`/imports/${job.id}`} className="link">
                Upload of {job.files.length} file{job.files.length === 1 ? "" : "s"}: {formatInt(job.read)} records read ({Math.round(job.progress * 100)}%)
              </Link>
            </li>
          ))}
        </ul>
      )}
      {query.isPending && <p className="px-3 py-4 text-sm text-zinc-500">Loading imports…</p>}
      {query.isError && (
        <div className="p-3">
          <ErrorAlert error={query.error} title="Could not load the imports" />
        </div>
      )}
      {query.data && query.data.imports.length === 0 && (
        <p className="px-3 py-4 text-sm text-zinc-500">No imports: this dataset was generated, not imported.</p>
      )}
      {query.data && query.data.imports.length > 0 && (
        <div className="overflow-x-auto">
          <table className="data-table" aria-labelledby="imports-heading" data-testid="imports-table">
            <thead>
              <tr>
                <th scope="col">Started (CT)</th>
                <th scope="col">Status</th>
                <th scope="col" className="cell-num">Read</th>
                <th scope="col" className="cell-num">Accepted</th>
                <th scope="col" className="cell-num">Rejected</th>
                <th scope="col">Files</th>
              </tr>
            </thead>
            <tbody>
              {query.data.imports.map((run) => (
                <tr key={run.id} data-testid="import-row">
                  <td>
                    <Link href={`/imports/${run.id}`} className="hover:text-accent hover:underline">
                      {formatCtIso(run.startedAt, { zone: false })}
                    </Link>
                  </td>
                  <td>
                    {/* Import statuses (running, succeeded, failed) are a subset of a run's. */}
                    <StatusBadge status={run.status as RunStatus} />
                  </td>
                  <td className="cell-num">{formatInt(run.read)}</td>
                  <td className="cell-num">{formatInt(run.accepted)}</td>
                  <td className={`cell-num ${run.rejected > 0 ? "text-down" : ""}`}>{formatInt(run.rejected)}</td>
                  <td className="max-w-48 truncate font-mono text-zinc-400" title={run.sourceFiles.join(", ")}>
                    {run.sourceFiles.join(", ") || "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
