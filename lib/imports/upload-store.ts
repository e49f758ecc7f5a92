/**
 * Uploaded files on disk. A browser upload is one multipart/form-data request whose file parts
 * are streamed straight to `<UPLOAD_DIR>/<importJobId>/<index>/<file name>`: never buffered in
 * memory (stream.pipeline carries the disk's back-pressure back to the socket), with a limit on
 * the total size of the files. A rejected, failed or interrupted upload leaves nothing behind.
 *
 * The original file name is kept (made safe) because importers tell formats by extension
 * (`.dbn.zst`, `.csv`, `.scid`); the index directory keeps two files of the same name apart.
 */
import { createWriteStream } from "node:fs";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import Busboy from "@fastify/busboy";
import { AppError, badRequest } from "../errors";

/** Files of one import, at most. */
export const MAX_UPLOAD_FILES = 100;

export interface StoredFile {
  /** The file's name as uploaded, made safe for the file system. */
  name: string;
  size: number;
  /** Absolute path on this machine. */
  path: string;
}

export interface ReceivedUpload {
  /** The form's text fields (the last value of a repeated field). */
  fields: Record<string, string>;
  files: StoredFile[];
  totalBytes: number;
}

/** The upload directory: `UPLOAD_DIR`, or `<TICKBENCH_DATA_DIR>/uploads`, absolute. */
export function uploadRoot(env: { UPLOAD_DIR?: string; TICKBENCH_DATA_DIR: string }): string {
  // A run-time directory, not a source path: keep the bundler from tracing the project through it.
  return path.resolve(/*turbopackIgnore: true*/ env.UPLOAD_DIR ?? path.join(env.TICKBENCH_DATA_DIR, "uploads"));
}

export const jobUploadDir = (root: string, importJobId: string) => path.join(root, importJobId);

/** The stored path of file `index` of an import job (see the module comment). */
export const storedFilePath = (root: string, importJobId: string, index: number, name: string) => path.join(root, importJobId, String(index), name);

/** A base name without directories or unusual characters; keeps the extension. */
export function safeFileName(raw: string): string {
  const base = raw.replaceAll("\\", "/").split("/").pop() ?? "";
  const cleaned = base.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "");
  const limited = cleaned.length > 180 ? cleaned.slice(cleaned.length - 180) : cleaned;
  return limited || "upload";
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${n.toLocaleString("en-US")} bytes`;
}

const tooLarge = (maxBytes: number) => new AppError("payload_too_large", `The upload exceeds the limit of ${formatBytes(maxBytes)} (UPLOAD_MAX_BYTES)`);

/**
 * Streams the file parts of a multipart request into `dir` (created) and returns the fields and
 * the stored files. On any failure the directory is removed before the error is thrown.
 */
export async function receiveUpload(req: Request, options: { dir: string; maxBytes: number }): Promise<ReceivedUpload> {
  const contentType = req.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data/i.test(contentType)) throw badRequest("Send the files as multipart/form-data");
  if (!req.body) throw badRequest("No files were sent");
  // Refuse an announced oversize body at once (the multipart framing adds a little).
  const declared = Number(req.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > options.maxBytes + 1024 * 1024) throw tooLarge(options.maxBytes);
  await mkdir(options.dir, { recursive: true });
  try {
    return await parseInto(req.body, contentType, options);
  } catch (error) {
    await rm(options.dir, { recursive: true, force: true });
    throw error;
  }
}

function parseInto(body: ReadableStream<Uint8Array>, contentType: string, { dir, maxBytes }: { dir: string; maxBytes: number }): Promise<ReceivedUpload> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    const files: StoredFile[] = [];
    const writes: Promise<void>[] = [];
    const active = new Set<Transform>();
    let totalBytes = 0;
    let failed: unknown = null;
    const source = Readable.fromWeb(body as unknown as NodeWebReadableStream<Uint8Array>);
    const busboy = Busboy({
      headers: { "content-type": contentType },
      limits: { fileSize: maxBytes, files: MAX_UPLOAD_FILES, fields: 50, fieldSize: 64 * 1024 },
    });

    // Stops reading, ends the file writes, and rejects once every write has settled (so the
    // caller's cleanup does not race an open file).
    const fail = (error: unknown) => {
      if (failed) return;
      failed = error;
      source.unpipe(busboy);
      source.destroy();
      for (const counter of active) if (!counter.destroyed) counter.destroy(error as Error);
      void Promise.allSettled(writes).then(() => reject(error));
    };

    busboy.on("file", (_field, stream, filename) => {
      if (failed || !filename) {
        stream.resume(); // an empty file input, or after a failure: discard
        return;
      }
      const index = files.length;
      const name = safeFileName(filename);
      const file: StoredFile = { name, size: 0, path: path.join(dir, String(index), name) };
      files.push(file);
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          file.size += chunk.length;
          totalBytes += chunk.length;
          if (totalBytes > maxBytes) callback(tooLarge(maxBytes));
          else callback(null, chunk);
        },
      });
      // A failure may destroy the counter before its pipeline is set up (the directory is being
      // created): the pipeline then reports it; until then the error must not go unhandled.
      counter.on("error", () => {});
      active.add(counter);
      // The file alone is over the limit: busboy truncated it.
      stream.on("limit", () => fail(tooLarge(maxBytes)));
      writes.push(
        mkdir(path.dirname(file.path), { recursive: true })
          .then(() => pipeline(stream, counter, createWriteStream(file.path)))
          .catch((error: unknown) => fail(error))
          .finally(() => active.delete(counter)),
      );
    });
    busboy.on("field", (name, value, _nameTruncated, valueTruncated) => {
      if (valueTruncated) return fail(badRequest(`The form field "${name}" is too long`));
      fields[name] = value;
    });
    busboy.on("filesLimit", () => fail(badRequest(`At most ${MAX_UPLOAD_FILES} files per import`)));
    busboy.on("fieldsLimit", () => fail(badRequest("Too many form fields")));
    busboy.on("error", (error: unknown) => fail(badRequest(`Malformed upload: ${(error as Error)?.message ?? String(error)}`)));
    busboy.on("finish", () => {
      void Promise.allSettled(writes).then(() => {
        if (!failed) resolve({ fields, files, totalBytes });
      });
    });
    source.on("error", () => fail(badRequest("The upload was interrupted")));
    source.pipe(busboy);
  });
}

export async function deleteUploadDir(root: string, importJobId: string): Promise<void> {
  await rm(jobUploadDir(root, importJobId), { recursive: true, force: true });
}

/** Latest modification time in a directory tree (an upload in progress keeps writing its file). */
async function latestMtimeMs(dir: string): Promise<number> {
  const info = await stat(dir).catch(() => null);
  if (!info) return 0;
  let latest = info.mtimeMs;
  if (info.isDirectory()) {
    for (const entry of await readdir(dir).catch(() => [] as string[])) latest = Math.max(latest, await latestMtimeMs(path.join(dir, entry)));
  }
  return latest;
}

/** Job directories under the upload root with their last write (for sweeping abandoned uploads). */
export async function listUploadDirs(root: string): Promise<Array<{ importJobId: string; mtimeMs: number }>> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const out: Array<{ importJobId: string; mtimeMs: number }> = [];
  for (const name of names) {
    if (!/^[0-9a-f-]{36}$/.test(name)) continue;
    const dir = path.join(root, name);
    if ((await stat(dir).catch(() => null))?.isDirectory()) out.push({ importJobId: name, mtimeMs: await latestMtimeMs(dir) });
  }
  return out;
}
