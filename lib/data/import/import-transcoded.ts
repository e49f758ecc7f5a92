/**
 * Databento CSV / JSON-lines imports of every schema but trades (those keep the direct text path,
 * lib/data/formats/databento-text.ts): each file is transcoded into a temporary DBN file
 * (lib/data/formats/databento-transcode.ts) and the DBN importer of its schema imports those
 * files as if they were the user's (import-files.ts `TranscodedImport`): one validation path for
 * every encoding, so a text file stores exactly what the DBN file of the same data stores.
 *
 * - The report is the DBN importer's with the text format, and the lines the transcoder rejected
 *   (`malformed`) counted as read and rejected; they are quarantined in the same import run with
 *   their line number and raw line, and the importer's own quarantine rows point at lines too.
 * - Idempotent by the user's files' hash. An import the dataset already holds transcodes only the
 *   head of each file (enough for the importer to answer "skipped"); should the dataset have lost
 *   it meanwhile, the import starts over with the whole files (PartialTranscodingError).
 * - Cancellation (`signal`) is checked after every chunk of input; progress covers the text read
 *   (first half) then the import of the DBN files (second half).
 * - A failure while transcoding leaves the dataset as it was and is recorded like an importer's
 *   failure (failed import run, or failed_imports for a dataset the import would have created).
 * - The temporary files (in the OS temp directory: TMPDIR) are deleted whatever happens.
 */
import { mkdir, mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Db } from "../../db/prisma";
import { AppError } from "../../errors";
import { transcodeFile, type DatabentoTextFormat, type LineMap } from "../formats/databento-transcode";
import { baseName } from "../formats/file-chunks";
import type { ByteCounter, ImportFormat } from "../formats/types";
import { fileSizes, hashFiles, PartialTranscodingError, registerTranscodedImport, throwIfCancelled, type TranscodedImport } from "./import-files";
import { previousImportRunId, recordFailedImport, withTextRejects, type ImportProgress, type ImportReport } from "./import-run";

/** The options of an import that this module reads (the rest goes to the DBN import unchanged). */
export interface TranscodableImportOptions {
  files: string[];
  dataset: string;
  format?: ImportFormat | "auto";
  instrument?: string;
  createdBy?: string;
  onProgress?: (p: ImportProgress) => void;
  signal?: AbortSignal;
}

/** Lines read of each file for an import the dataset holds already (its skip needs only the metadata). */
const HEAD_LINES = 1000;
const PROGRESS_EVERY_MS = 250;

export async function importTranscoded<O extends TranscodableImportOptions, R extends ImportReport>(
  db: Db,
  options: O,
  format: DatabentoTextFormat,
  importDbn: (dbnOptions: O) => Promise<R>,
): Promise<R> {
  const started = Date.now();
  const { signal } = options;
  throwIfCancelled(signal);
  const totalBytes = await fileSizes(options.files);
  const contentHash = await hashFiles(options.files, signal);
  const dir = await mkdtemp(path.join(tmpdir(), "tickbench-transcode-"));
  try {
    const held = await datasetHolds(db, options.dataset, contentHash);
    for (const partial of held ? [true, false] : [false]) {
      let transcoded: TranscodedImport;
      try {
        transcoded = await transcodeAll(options, format, { dir, contentHash, totalBytes, partial });
      } catch (error) {
        if (partial && !(error instanceof AppError && error.code === "cancelled")) continue; // the head alone is not enough: read the files whole
        const existing = await db.dataset.findUnique({ where: { name: options.dataset }, select: { id: true } });
        const source = { files: options.files, format, ...(options.instrument ? { instrument: options.instrument } : {}) };
        await recordFailedImport(db, { error, existing, datasetName: options.dataset, source, contentHash, createdBy: options.createdBy, started });
        throw error;
      }
      const unregister = registerTranscodedImport(transcoded);
      try {
        const report = await importDbn({ ...options, files: [...transcoded.dbnFiles], format: "dbn", onProgress: importProgress(options, totalBytes, transcoded) });
        const withFormat = { ...report, format, ms: Date.now() - started };
        return report.skipped ? withFormat : withTextRejects(withFormat, transcoded);
      } catch (error) {
        if (error instanceof PartialTranscodingError) continue;
        throw error;
      } finally {
        unregister();
      }
    }
    throw new Error("unreachable: a full transcoding never raises PartialTranscodingError");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** True when the dataset exists and holds a succeeded import of this content. */
async function datasetHolds(db: Db, name: string, contentHash: string): Promise<boolean> {
  const dataset = await db.dataset.findUnique({ where: { name }, select: { id: true } });
  return dataset !== null && (await previousImportRunId(db, dataset.id, contentHash)) !== null;
}

/** Transcodes every file into `dir`; the rejected lines go to a JSON-lines file there. */
async function transcodeAll(
  options: TranscodableImportOptions,
  format: DatabentoTextFormat,
  run: { dir: string; contentHash: string; totalBytes: number; partial: boolean },
): Promise<TranscodedImport> {
  const { dir, partial } = run;
  const prefix = partial ? "head-" : "";
  const rejectsFile = path.join(dir, `${prefix}rejects.jsonl`);
  const counter: ByteCounter = { bytesRead: 0 };
  const rejectedByReason: Record<string, number> = {};
  let rejected = 0;
  let lastProgressAt = Date.now();
  const progress = () => {
    if (!options.onProgress || Date.now() - lastProgressAt < PROGRESS_EVERY_MS) return;
    lastProgressAt = Date.now();
    options.onProgress({ bytesRead: Math.floor(counter.bytesRead / 2), totalBytes: run.totalBytes, read: 0, accepted: 0, rejected: 0 });
  };
  const dbnFiles: string[] = [];
  const lineMaps: LineMap[] = [];
  const rejectsOut = await open(rejectsFile, "w");
  try {
    for (const [i, file] of options.files.entries()) {
      // Named as the user's file (in a folder of its own): an importer's message naming the file names theirs.
      const folder = path.join(dir, `${prefix}${i}`);
      await mkdir(folder);
      const output = path.join(folder, baseName(file));
      const done = await transcodeFile(file, output, format, {
        counter,
        assumeSymbol: options.instrument,
        maxLines: partial ? HEAD_LINES : undefined,
        onChunk: () => {
          throwIfCancelled(options.signal);
          progress();
        },
        onRejects: async (rejects) => {
          for (const r of rejects) rejectedByReason[r.reason] = (rejectedByReason[r.reason] ?? 0) + 1;
          rejected += rejects.length;
          await rejectsOut.write(`${rejects.map((r) => JSON.stringify({ ...r, file: baseName(file) })).join("\n")}\n`);
        },
      });
      throwIfCancelled(options.signal);
      dbnFiles.push(output);
      lineMaps.push(done.lineMap);
    }
  } finally {
    await rejectsOut.close();
  }
  return { format, files: options.files, dbnFiles, contentHash: run.contentHash, rejectsFile, rejected, rejectedByReason, lineMaps, partial };
}

/** The DBN import's progress as the second half of the text import's, its counts with the rejected lines. */
function importProgress(options: TranscodableImportOptions, totalBytes: number, t: TranscodedImport): ((p: ImportProgress) => void) | undefined {
  const report = options.onProgress;
  if (!report) return undefined;
  const half = totalBytes / 2;
  return (p) => {
    const done = p.totalBytes > 0 ? Math.min(1, p.bytesRead / p.totalBytes) : 1;
    report({ bytesRead: Math.round(half + done * half), totalBytes, read: p.read + t.rejected, accepted: p.accepted, rejected: p.rejected + t.rejected });
  };
}
