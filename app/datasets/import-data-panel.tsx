"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useRef, useState, type DragEvent, type FormEvent } from "react";
import { api, queryKeys, uploadImport, type ImportJob } from "@/lib/ui/api";
import { ErrorAlert } from "@/lib/ui/error-alert";
import { formatInt, formatPercent } from "@/lib/ui/format";
import { Panel } from "@/lib/ui/panel";
import { formatBytes, ImportProgress } from "../imports/import-progress";
import { useLiveImport } from "../imports/use-live-import";
import type { ValidationRules } from "@/lib/data/import/trade-validation";
import { RulesFields } from "./rules-fields";

/** Formats the browser offers. Generic CSV needs a column mapping: CLI only (`--columns`). */
const FORMATS: Array<[string, string]> = [
  ["auto", "Auto-detect"],
  ["dbn", "Databento DBN (.dbn, .dbn.zst)"],
  ["databento-csv", "Databento CSV"],
  ["databento-json", "Databento JSON lines"],
  ["ninjatrader", "NinjaTrader 8 tick export"],
  ["scid", "Sierra Chart .scid"],
];

/** The defaults of trade-validation.ts (the server fills the same in when `rules` is omitted). */
const DEFAULT_RULES: ValidationRules = { outsideSession: "reject", afterExpiry: "reject", priceBand: { percent: 7, reference: "prior-session-last" } };

type Phase = { kind: "form" } | { kind: "uploading"; loaded: number; total: number; bytesPerSec: number } | { kind: "importing"; job: ImportJob };

/**
 * Admins import files from the browser: choose or drop files, name a new or existing dataset,
 * pick the format (auto by default), an optional instrument and - for a new dataset - its
 * validation rules. The files are uploaded in one streamed request (upload progress from the
 * browser), then a worker imports them with live progress over Socket.IO.
 */
export function ImportDataPanel() {
  const ids = useId();
  const queryClient = useQueryClient();
  const datasets = useQuery({ queryKey: queryKeys.datasets, queryFn: api.datasets });
  const [files, setFiles] = useState<File[]>([]);
  const [dataset, setDataset] = useState("");
  const [format, setFormat] = useState("auto");
  const [instrument, setInstrument] = useState("");
  const [rules, setRules] = useState<ValidationRules>(DEFAULT_RULES);
  const [phase, setPhase] = useState<Phase>({ kind: "form" });
  const [error, setError] = useState<unknown>(null);
  const [dragging, setDragging] = useState(false);
  const abortRef = useRef<(() => void) | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  const existing = datasets.data?.datasets.find((d) => d.name === dataset.trim());
  const totalBytes = files.reduce((a, f) => a + f.size, 0);
  const busy = phase.kind === "uploading";

  const addFiles = (list: FileList | null) => {
    // Copy now: the input's FileList is emptied when the input is reset right after.
    const added = Array.from(list ?? []);
    setFiles((current) => [...current, ...added.filter((f) => !current.some((c) => c.name === f.name && c.size === f.size))]);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (!busy) addFiles(e.dataTransfer.files);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const form = new FormData();
    // Fields first, then the files (the server validates after streaming them to disk either way).
    form.append("dataset", dataset.trim());
    form.append("format", format);
    if (instrument.trim()) form.append("instrument", instrument.trim());
    if (!existing) form.append("rules", JSON.stringify(rules));
    for (const file of files) form.append("files", file, file.name);
    setPhase({ kind: "uploading", loaded: 0, total: totalBytes, bytesPerSec: 0 });
    const startedMs = Date.now();
    const upload = uploadImport(form, (loaded, total) => {
      const bytesPerSec = (loaded * 1000) / Math.max(1, Date.now() - startedMs);
      setPhase((p) => (p.kind === "uploading" ? { ...p, loaded, total: total || p.total, bytesPerSec } : p));
    });
    abortRef.current = upload.abort;
    try {
      const job = await upload.done;
      queryClient.setQueryData(queryKeys.importJob(job.id), job);
      setPhase({ kind: "importing", job });
    } catch (err) {
      setError(err);
      setPhase({ kind: "form" });
    } finally {
      abortRef.current = null;
    }
  };

  const reset = () => {
    setFiles([]);
    setPhase({ kind: "form" });
    setError(null);
    void queryClient.invalidateQueries({ queryKey: queryKeys.datasets });
  };

  return (
    <Panel id="import-data-heading" title="Import data" testId="import-data-panel">
      {phase.kind === "importing" ? (
        <ImportRunning jobId={phase.job.id} onAnother={reset} />
      ) : (
        <form className="grid gap-4 p-3 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]" onSubmit={submit} aria-describedby={`${ids}-help`}>
          <div className="space-y-2">
            <div
              onDragOver={(e) => {
                e.preventDefault();
                setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={onDrop}
              className={`flex min-h-28 flex-col items-center justify-center gap-2 rounded border border-dashed px-3 py-4 text-center text-sm ${dragging ? "border-accent bg-accent-soft" : "border-zinc-700"}`}
              data-testid="import-dropzone"
            >
              <p className="text-zinc-400">Drop files here, or</p>
              <button type="button" className="btn" onClick={() => inputRef.current?.click()} disabled={busy}>
                Choose files…
              </button>
              <input
                ref={inputRef}
                id={`${ids}-files`}
                type="file"
                multiple
                className="sr-only"
                aria-label="Files to import"
                data-testid="import-files-input"
                onChange={(e) => {
                  addFiles(e.target.files);
                  e.target.value = "";
                }}
              />
              <p id={`${ids}-help`} className="field-help">
                Databento DBN (plain or .zst), Databento CSV/JSON, NinjaTrader exports, Sierra Chart .scid. Several files of one instrument form one import.
              </p>
            </div>
            {files.length > 0 && (
              <ul className="divide-y divide-zinc-800 rounded border border-zinc-800 text-sm" data-testid="import-selected-files">
                {files.map((f) => (
                  <li key={`${f.name}-${f.size}`} className="flex items-center justify-between gap-2 px-2 py-1">
                    <span className="truncate font-mono text-zinc-300" title={f.name}>
                      {f.name}
                    </span>
                    <span className="flex shrink-0 items-center gap-2">
                      <span className="num text-zinc-500">{formatBytes(f.size)}</span>
                      <button
                        type="button"
                        className="btn btn-ghost h-6 px-1.5 text-xs"
                        aria-label={`Remove ${f.name}`}
                        disabled={busy}
                        onClick={() => setFiles((c) => c.filter((x) => x !== f))}
                      >
                        ✕
                      </button>
                    </span>
                  </li>
                ))}
                <li className="flex justify-between px-2 py-1 text-xs text-zinc-500">
                  <span>
                    {files.length} file{files.length === 1 ? "" : "s"}
                  </span>
                  <span className="num">{formatBytes(totalBytes)}</span>
                </li>
              </ul>
            )}
          </div>

          <div className="space-y-3">
            <div>
              <label htmlFor={`${ids}-dataset`} className="field-label">
                Dataset
              </label>
              <input
                id={`${ids}-dataset`}
                className="input"
                list={`${ids}-datasets`}
                value={dataset}
                onChange={(e) => setDataset(e.target.value)}
                placeholder="new-dataset-name or an existing one"
                required
                pattern="[A-Za-z0-9._\-]+"
                maxLength={100}
                disabled={busy}
                data-testid="import-dataset"
              />
              <datalist id={`${ids}-datasets`}>
                {datasets.data?.datasets.map((d) => (
                  <option key={d.id} value={d.name} />
                ))}
              </datalist>
              <span className="field-help" data-testid="import-dataset-hint">
                {dataset.trim() === ""
                  ? "Letters, digits, '.', '_' or '-'."
                  : existing
                    ? `Adds to ${existing.name} (${existing.instrument}, ${formatInt(existing.recordCount)} records), with its validation rules.`
                    : "A new dataset."}
              </span>
            </div>
            <div className="grid grid-cols-2 gap-3">
              <div>
                <label htmlFor={`${ids}-format`} className="field-label">
                  Format
                </label>
                <select id={`${ids}-format`} className="input" value={format} onChange={(e) => setFormat(e.target.value)} disabled={busy} data-testid="import-format">
                  {FORMATS.map(([value, label]) => (
                    <option key={value} value={value}>
                      {label}
                    </option>
                  ))}
                </select>
              </div>
              <div>
                <label htmlFor={`${ids}-instrument`} className="field-label">
                  Instrument (optional)
                </label>
                <input
                  id={`${ids}-instrument`}
                  className="input font-mono"
                  value={instrument}
                  onChange={(e) => setInstrument(e.target.value)}
                  placeholder="from the files, e.g. MNQZ5"
                  maxLength={32}
                  disabled={busy}
                  data-testid="import-instrument"
                />
              </div>
            </div>
            {!existing && (
              <fieldset className="space-y-2 rounded border border-zinc-800 p-2" data-testid="import-rules">
                <legend className="px-1 text-xs font-medium text-zinc-400">Validation rules of the new dataset</legend>
                <RulesFields idPrefix={`${ids}-rules`} value={rules} onChange={setRules} disabled={busy} />
              </fieldset>
            )}
            {phase.kind === "uploading" ? (
              <UploadProgress loaded={phase.loaded} total={phase.total} bytesPerSec={phase.bytesPerSec} onCancel={() => abortRef.current?.()} />
            ) : (
              <button type="submit" className="btn btn-primary" disabled={files.length === 0 || dataset.trim() === ""} data-testid="import-submit">
                Upload and import
              </button>
            )}
            {error !== null && <ErrorAlert error={error} title="The upload was not accepted" testId="import-upload-error" />}
          </div>
        </form>
      )}
    </Panel>
  );
}

function UploadProgress({ loaded, total, bytesPerSec, onCancel }: { loaded: number; total: number; bytesPerSec: number; onCancel: () => void }) {
  const fraction = total > 0 ? Math.min(1, loaded / total) : 0;
  return (
    <div className="space-y-1" data-testid="upload-progress">
      <div className="flex items-center gap-3">
        <div role="progressbar" aria-label="Upload progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)} className="h-2 flex-1 overflow-hidden rounded-full bg-zinc-800">
          <div className="h-full rounded-full bg-accent transition-[width] duration-200" style={{ width: `${fraction * 100}%` }} />
        </div>
        <span className="num w-12 text-right text-sm text-zinc-100">{formatPercent(fraction)}</span>
        <button type="button" className="btn btn-ghost h-7 text-xs" onClick={onCancel}>
          Cancel upload
        </button>
      </div>
      <p className="num text-[11px] text-zinc-500">
        Uploading {formatBytes(loaded)} of {formatBytes(total)} · {formatBytes(Math.round(bytesPerSec))}/s
      </p>
    </div>
  );
}

function ImportRunning({ jobId, onAnother }: { jobId: string; onAnother: () => void }) {
  const { job, error, connection } = useLiveImport(jobId);
  if (!job) return <div className="p-3">{error ? <ErrorAlert error={error} title="Could not load the import" /> : <p className="text-sm text-zinc-500">Queued…</p>}</div>;
  const finished = job.status !== "queued" && job.status !== "running";
  return (
    <div className="space-y-3 p-3" data-testid="import-running" data-import-job-id={job.id}>
      <p className="text-sm text-zinc-300">
        {finished ? "Import of" : "Importing"} {job.files.length} file{job.files.length === 1 ? "" : "s"} ({formatBytes(job.totalBytes)}) into{" "}
        <Link href={`/datasets/${encodeURIComponent(job.dataset)}`} className="link font-mono">
          {job.dataset}
        </Link>{" "}
        · <Link href={`/imports/${job.id}`} className="link">import page</Link>
      </p>
      <ImportProgress job={job} connection={connection} canCancel />
      {finished && (
        <div className="flex flex-wrap gap-2">
          {job.status === "succeeded" && (
            <Link href={`/imports/${job.id}`} className="btn btn-primary" data-testid="import-report-link">
              View the import report
            </Link>
          )}
          <button type="button" className="btn" onClick={onAnother} data-testid="import-another">
            Import more files
          </button>
        </div>
      )}
    </div>
  );
}
