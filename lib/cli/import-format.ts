/** Format detection for `tickbench import`: DBN (plain or zstd) today; a clear error otherwise. */
import { open } from "node:fs/promises";
import { AppError, badRequest } from "../errors";

const SUPPORTED = ["auto", "dbn"];
const LATER = ["databento-csv", "databento-json", "ninjatrader", "scid", "csv"];

export async function detectFormat(file: string): Promise<"dbn" | null> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch {
    throw new AppError("not_found", `File not found: ${file}`);
  }
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    if (bytesRead >= 3 && head.toString("latin1", 0, 3) === "DBN") return "dbn";
    if (bytesRead === 4 && head.readUInt32LE(0) === 0xfd2fb528) return "dbn"; // zstd frame (Databento's .dbn.zst)
    return null;
  } finally {
    await handle.close();
  }
}

export async function assertImportFormat(files: string[], format: string): Promise<void> {
  if (LATER.includes(format)) throw badRequest(`The ${format} importer is not available yet; supported today: Databento DBN (--format dbn)`);
  if (!SUPPORTED.includes(format)) throw badRequest(`Unknown format "${format}"; use auto or dbn`);
  for (const file of files) {
    const detected = await detectFormat(file);
    if (!detected) throw badRequest(`Cannot recognise the format of ${file}: not a Databento DBN file (plain or zstd)`);
  }
}
