"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { RunStatus } from "@/lib/runs/run-dto";
import { api, quarantineCsvPath, queryKeys, type ImportRun } from "@/lib/ui/api";
import { ErrorAlert } from "@/lib/ui/error-alert";
import { formatCtIso, formatInt, formatRatio } from "@/lib/ui/format";
import { Panel } from "@/lib/ui/panel";
import { QueryFallback } from "@/lib/ui/query-fallback";
import { StatusBadge } from "@/lib/ui/status-badge";
import { ImportPageHeader } from "./import-page-header";

const PAGE_SIZE = 100;

/** The report of an import run; `embedded` (in an import job's page) leaves out the page header. */
export function ImportView({ id, embedded = false }: { id: string; embedded?: boolean }) {
  const query = useQuery({ queryKey: queryKeys.importReport(id), queryFn: () => api.importReport(id) });
  if (query.isPending || query.isError) return <QueryFallback isPending={query.isPending} error={query.error} noun="import" back={{ href: "/datasets", label: "Back to datasets" }} />;
  const run = query.data;
  const report = (
    <>
      <Counts run={run} />
      {run.warnings.length > 0 && (
        <ul className="rounded border border-amber-800 bg-amber-950/30 px-3 py-2 text-sm text-amber-200" aria-label="Warnings" data-testid="import-warnings">
          {run.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      <div className="grid items-start gap-4 xl:grid-cols-[340px_minmax(0,1fr)]">
        <ReasonCounts run={run} />
        <QuarantineTable run={run} />
      </div>
    </>
  );
  if (embedded) {
    return (
      <div className="space-y-4" data-testid="import-view" data-import-id={run.id}>
        {report}
      </div>
    );
  }
  return (
    <div className="space-y-4" data-testid="import-view" data-import-id={run.id}>
      <ImportPageHeader dataset={run.dataset} id={run.id}>
        {/* Import statuses (running, succeeded, failed) are a subset of a run's. */}
        <StatusBadge status={run.status as RunStatus} />
        <span className="font-mono text-xs text-zinc-500">
          {[run.format, run.instrument, run.sourceFiles.join(", ")].filter(Boolean).join(" · ")}
        </span>
        <span className="text-xs text-zinc-500">
          started {formatCtIso(run.startedAt)} · finished {formatCtIso(run.finishedAt)}
        </span>
      </ImportPageHeader>
      {run.error && <ErrorAlert error={run.error} title="The import failed" />}
      {report}
    </div>
  );
}

function Counts({ run }: { run: ImportRun }) {
  const cards: Array<[string, number, string]> = [
    ["Read", run.read, "text-zinc-100"],
    ["Accepted", run.accepted, "text-up"],
    ["Rejected", run.rejected, run.rejected > 0 ? "text-down" : "text-zinc-100"],
  ];
  return (
    <dl className="grid grid-cols-3 gap-4" data-testid="import-counts">
      {cards.map(([label, value, tone]) => (
        <div key={label} className="panel px-3 py-2">
          <dt className="text-xs text-zinc-500">{label}</dt>
          <dd className={`num text-xl font-semibold ${tone}`} data-testid={`import-${label.toLowerCase()}`}>
            {formatInt(value)}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function ReasonCounts({ run }: { run: ImportRun }) {
  const reasons = Object.entries(run.rejectedByReason).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  return (
    <Panel id="reasons-heading" title="Rejected by reason">
      {reasons.length === 0 ? (
        <p className="px-3 py-4 text-sm text-zinc-500">No record was rejected.</p>
      ) : (
        <table className="data-table" aria-labelledby="reasons-heading" data-testid="reason-counts">
          <thead>
            <tr>
              <th scope="col">Reason</th>
              <th scope="col" className="cell-num">Records</th>
              <th scope="col" className="cell-num">Of read</th>
            </tr>
          </thead>
          <tbody>
            {reasons.map(([reason, n]) => (
              <tr key={reason}>
                <td className="font-mono">{reason}</td>
                <td className="cell-num">{formatInt(n)}</td>
                <td className="cell-num text-zinc-400">{formatRatio(n, run.read)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

/** Quarantined records, paged on the server; the filter and the page live in component state. */
function QuarantineTable({ run }: { run: ImportRun }) {
  const [page, setPage] = useState(1);
  const [reason, setReason] = useState("");
  const query = useQuery({
    queryKey: queryKeys.quarantine(run.id, page, PAGE_SIZE, reason),
    queryFn: () => api.quarantine(run.id, { page, pageSize: PAGE_SIZE, reason }),
    placeholderData: keepPreviousData,
  });
  const data = query.data;
  const pages = Math.max(data?.pages ?? 1, 1);
  return (
    <Panel
      id="quarantine-heading"
      title="Quarantined records"
      testId="quarantine-panel"
      actions={
        <div className="flex items-center gap-2">
          <label htmlFor="quarantine-reason" className="sr-only">
            Reason
          </label>
          <select
            id="quarantine-reason"
            className="input py-0.5 text-xs"
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
              setPage(1);
            }}
          >
            <option value="">All reasons</option>
            {Object.keys(run.rejectedByReason)
              .sort()
              .map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
          </select>
          <a href={quarantineCsvPath(run.id)} download className="btn btn-ghost text-xs" data-testid="quarantine-csv">
            Export CSV
          </a>
        </div>
      }
    >
      {query.isError && (
        <div className="p-3">
          <ErrorAlert error={query.error} title="Could not load the quarantined records" />
        </div>
      )}
      {query.isPending && <p className="px-3 py-6 text-sm text-zinc-500">Loading records…</p>}
      {data && data.total === 0 && <p className="px-3 py-6 text-sm text-zinc-500">No quarantined records.</p>}
      {data && data.total > 0 && (
        <div className="overflow-x-auto">
          <table className="data-table" aria-labelledby="quarantine-heading" data-testid="quarantine-table" aria-busy={query.isFetching}>
            <thead>
              <tr>
                <th scope="col" className="cell-num">Record</th>
                <th scope="col">Reason</th>
                <th scope="col">ts_recv (UTC)</th>
                <th scope="col">Payload</th>
              </tr>
            </thead>
            <tbody>
              {data.records.map((r) => (
                <tr key={`${r.recordIndex}-${r.tsRecvNs}`} data-testid="quarantine-row">
                  <td className="cell-num">{r.recordIndex}</td>
                  <td className="font-mono">{r.reason}</td>
                  <td className="font-mono text-zinc-400" title={r.tsRecv ? formatCtIso(r.tsRecv) : undefined}>
                    {r.tsRecv ?? "—"}
                  </td>
                  <td className="font-mono text-[11px] text-zinc-400">{JSON.stringify(r.payload)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && data.total > 0 && (
        <div className="flex items-center gap-3 border-t border-zinc-800 px-3 py-2 text-xs text-zinc-400">
          <button type="button" className="btn btn-ghost" disabled={page <= 1} onClick={() => setPage((p) => Math.max(p - 1, 1))}>
            Previous
          </button>
          <span data-testid="quarantine-page">
            Page {formatInt(Math.min(page, pages))} of {formatInt(pages)} · {formatInt(data.total)} records
          </span>
          <button type="button" className="btn btn-ghost" disabled={page >= pages} onClick={() => setPage((p) => Math.min(p + 1, pages))}>
            Next
          </button>
        </div>
      )}
    </Panel>
  );
}
