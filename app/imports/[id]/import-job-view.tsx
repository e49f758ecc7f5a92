"use client";
import { ApiError } from "@/lib/ui/api";
import { ErrorAlert } from "@/lib/ui/error-alert";
import { formatCtIso } from "@/lib/ui/format";
import { Panel } from "@/lib/ui/panel";
import { formatBytes, ImportProgress } from "../import-progress";
import { useLiveImport } from "../use-live-import";
import { ImportPageHeader } from "./import-page-header";
import { ImportView } from "./import-view";

/**
 * An import started from the browser: live progress while it is queued or running, the error if
 * it failed, and the full import report (counts by reason, quarantine) once it succeeded.
 */
export function ImportJobView({ id, canCancel }: { id: string; canCancel: boolean }) {
  const { job, error, isPending, connection } = useLiveImport(id);
  if (isPending) return <p className="text-sm text-zinc-500">Loading import…</p>;
  if (error || !job) {
    if (error instanceof ApiError && error.status === 404) return <p className="text-sm text-zinc-400">Import not found.</p>;
    return <ErrorAlert error={error} title="Could not load the import" />;
  }
  return (
    <div className="space-y-4" data-testid="import-job-view" data-import-job-id={job.id}>
      <ImportPageHeader dataset={job.dataset} id={job.id}>
        <span className="font-mono text-xs text-zinc-500">{[job.format, job.instrument ?? "instrument from the files"].join(" · ")}</span>
        <span className="text-xs text-zinc-500">
          queued {formatCtIso(job.queuedAt)} · finished {formatCtIso(job.finishedAt)}
        </span>
      </ImportPageHeader>
      <div className="grid items-start gap-4 xl:grid-cols-[minmax(0,1fr)_340px]">
        <Panel id="import-progress-heading" title="Progress">
          <div className="p-3">
            <ImportProgress job={job} connection={connection} canCancel={canCancel} />
          </div>
        </Panel>
        <Panel id="import-files-heading" title={`Files (${job.files.length})`}>
          <ul className="divide-y divide-zinc-800 text-sm" data-testid="import-files">
            {job.files.map((f, i) => (
              <li key={`${i}-${f.name}`} className="flex justify-between gap-3 px-3 py-1.5">
                <span className="truncate font-mono text-zinc-300" title={f.name}>
                  {f.name}
                </span>
                <span className="num shrink-0 text-zinc-500">{formatBytes(f.size)}</span>
              </li>
            ))}
          </ul>
        </Panel>
      </div>
      {job.status === "succeeded" && job.importRunId && (
        <section aria-label="Import report" className="space-y-2" data-testid="import-report">
          <h2 className="text-sm font-semibold text-zinc-200">Report</h2>
          <ImportView id={job.importRunId} embedded />
        </section>
      )}
    </div>
  );
}
