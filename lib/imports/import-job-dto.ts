/**
 * Explicit output shapes of import jobs (files uploaded from the browser and imported by a
 * worker). Rows never reach the browser as they are: server paths stay on the server, only the
 * uploaded files' names and sizes are shown.
 */
import type { ImportJob } from "../generated/prisma/client.ts";

export type ImportJobStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";
export const ACTIVE_IMPORT_STATUSES: ImportJobStatus[] = ["queued", "running"];

/** What changes while an import runs: sent over Socket.IO on every (throttled) update. */
export interface ImportJobProgressDto {
  importJobId: string;
  status: ImportJobStatus;
  /** Bytes of the uploaded files read so far / in total (compressed bytes for .zst files). */
  bytesRead: number;
  totalBytes: number;
  /** Fraction of the bytes read, 0..1 (1 once succeeded). */
  progress: number;
  read: number;
  accepted: number;
  rejected: number;
  /** Records read per second over the last interval. */
  recordsPerSec: number;
  attempt: number;
  heartbeatAt: string | null;
  /** Running without a heartbeat for longer than the stall threshold. */
  stalled: boolean;
  /** The committed import (report and quarantine), once succeeded. */
  importRunId: string | null;
  /** The same content had already been imported into the dataset: nothing changed. */
  skipped: boolean;
  error: string | null;
  finishedAt: string | null;
}

export interface UploadedFileDto {
  name: string;
  size: number;
}

export interface ImportJobDto extends ImportJobProgressDto {
  id: string;
  dataset: string;
  format: string;
  instrument: string | null;
  /** Rules given for a dataset the import creates; null: the existing dataset's own rules. */
  rules: unknown;
  files: UploadedFileDto[];
  cancelRequested: boolean;
  queuedAt: string;
  startedAt: string | null;
}

export function isImportStalled(status: string, heartbeatAt: Date | null, stallAfterSec: number, now = Date.now()): boolean {
  return status === "running" && heartbeatAt !== null && now - heartbeatAt.getTime() > stallAfterSec * 1000;
}

/** Fraction of bytes read; a succeeded import is complete even when a decoder reads ahead. */
export function importProgress(status: string, bytesRead: number, totalBytes: number): number {
  if (status === "succeeded") return 1;
  return totalBytes > 0 ? Math.min(1, Math.max(0, bytesRead / totalBytes)) : 0;
}

export function toImportProgressDto(job: ImportJob, stallAfterSec: number): ImportJobProgressDto {
  const bytesRead = Number(job.bytesRead);
  const totalBytes = Number(job.totalBytes);
  return {
    importJobId: job.id,
    status: job.status as ImportJobStatus,
    bytesRead,
    totalBytes,
    progress: importProgress(job.status, bytesRead, totalBytes),
    read: Number(job.readCount),
    accepted: Number(job.acceptedCount),
    rejected: Number(job.rejectedCount),
    recordsPerSec: job.recordsPerSec,
    attempt: job.attempt,
    heartbeatAt: job.heartbeatAt?.toISOString() ?? null,
    stalled: isImportStalled(job.status, job.heartbeatAt, stallAfterSec),
    importRunId: job.importRunId,
    skipped: job.skipped,
    error: job.error,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

function toFiles(files: unknown): UploadedFileDto[] {
  if (!Array.isArray(files)) return [];
  return files
    .filter((f): f is { name: unknown; size: unknown } => !!f && typeof f === "object")
    .map((f) => ({ name: String(f.name), size: Number(f.size) }));
}

export function toImportJobDto(job: ImportJob, stallAfterSec: number): ImportJobDto {
  return {
    ...toImportProgressDto(job, stallAfterSec),
    id: job.id,
    dataset: job.datasetName,
    format: job.format,
    instrument: job.instrument,
    rules: job.rules,
    files: toFiles(job.files),
    cancelRequested: job.cancelRequested,
    queuedAt: job.queuedAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
  };
}
