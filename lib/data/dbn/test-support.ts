/**
 * Test helpers (not used by production code): paths of the real Databento fixtures and a tiny
 * DBN encoder to synthesise edge cases (ts_out, continuous-symbol mappings, corrupt lengths...).
 * Fixtures are read in place from ../shared/fixtures/databento (relative to the repository root).
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import type { SymbolMapping } from "./metadata";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");
export const FIXTURES_DIR = path.resolve(REPO_ROOT, "../shared/fixtures/databento");

export function fixture(relative: string): string {
  return path.join(FIXTURES_DIR, relative);
}

/** Every .dbn / .dbn.zst file under the fixtures folder, relative paths, sorted. */
export function listDbnFixtures(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith(".dbn") || name.endsWith(".dbn.zst")) out.push(path.relative(FIXTURES_DIR, full));
    }
  };
  walk(FIXTURES_DIR);
  return out.sort();
}

export const ESH4_1224 = "nautilus_trader/tests/test_data/databento/esh4-glbx-mdp3-20231224.mbo.dbn.zst";
export const ESH4_1225 = "nautilus_trader/tests/test_data/databento/esh4-glbx-mdp3-20231225.mbo.dbn.zst";

export interface MetadataSpec {
  version: 1 | 2 | 3;
  dataset?: string;
  schema?: number;
  startNs?: bigint;
  endNs?: bigint;
  limit?: bigint;
  stypeIn?: number;
  stypeOut?: number;
  tsOut?: boolean;
  symbols?: string[];
  partial?: string[];
  notFound?: string[];
  mappings?: SymbolMapping[];
}

/** Encodes a metadata block (prelude included) like Databento's encoder. */
export function encodeMetadata(spec: MetadataSpec): Uint8Array {
  const v = spec.version;
  const symLen = v === 1 ? 22 : 71;
  const parts: number[] = [];
  const u8 = (x: number) => parts.push(x & 0xff);
  const u16 = (x: number) => { u8(x); u8(x >> 8); };
  const u32 = (x: number) => { u16(x & 0xffff); u16(x >>> 16); };
  const u64 = (x: bigint) => { u32(Number(x & 0xffffffffn)); u32(Number(x >> 32n)); };
  const str = (s: string, len: number) => { for (let i = 0; i < len; i++) u8(i < s.length ? s.charCodeAt(i) : 0); };
  str(spec.dataset ?? "GLBX.MDP3", 16);
  u16(spec.schema ?? 0);
  u64(spec.startNs ?? 0n);
  u64(spec.endNs ?? 0xffffffffffffffffn);
  u64(spec.limit ?? 0n);
  if (v === 1) u64(0xffffffffffffffffn);
  u8(spec.stypeIn ?? 1);
  u8(spec.stypeOut ?? 0);
  u8(spec.tsOut ? 1 : 0);
  if (v >= 2) u16(symLen);
  while (parts.length < 100) u8(0);
  u32(0); // schema definition length
  for (const list of [spec.symbols ?? [], spec.partial ?? [], spec.notFound ?? []]) {
    u32(list.length);
    for (const s of list) str(s, symLen);
  }
  const mappings = spec.mappings ?? [];
  u32(mappings.length);
  for (const m of mappings) {
    str(m.rawSymbol, symLen);
    u32(m.intervals.length);
    for (const iv of m.intervals) {
      u32(iv.startDate);
      u32(iv.endDate);
      str(iv.symbol, symLen);
    }
  }
  if (v === 3) while (parts.length % 8 !== 0) u8(0);
  const out = new Uint8Array(8 + parts.length);
  out.set([0x44, 0x42, 0x4e, v]);
  new DataView(out.buffer).setUint32(4, parts.length, true);
  out.set(parts, 8);
  return out;
}

export interface MboSpec {
  instrumentId?: number;
  tsEventNs: bigint;
  tsRecvNs: bigint;
  orderId?: bigint;
  priceNano: bigint;
  size: number;
  flags?: number;
  action: string;
  side: string;
  sequence?: number;
  tsOutNs?: bigint;
}

export function encodeMbo(r: MboSpec): Uint8Array {
  const len = 56 + (r.tsOutNs === undefined ? 0 : 8);
  const out = new Uint8Array(len);
  const dv = new DataView(out.buffer);
  out[0] = len / 4;
  out[1] = 0xa0;
  dv.setUint16(2, 1, true);
  dv.setUint32(4, r.instrumentId ?? 17077, true);
  dv.setBigUint64(8, r.tsEventNs, true);
  dv.setBigUint64(16, r.orderId ?? 1n, true);
  dv.setBigInt64(24, r.priceNano, true);
  dv.setUint32(32, r.size, true);
  out[36] = r.flags ?? 128;
  out[38] = r.action.charCodeAt(0);
  out[39] = r.side.charCodeAt(0);
  dv.setBigUint64(40, r.tsRecvNs, true);
  dv.setInt32(48, 1000, true);
  dv.setUint32(52, r.sequence ?? 1, true);
  if (r.tsOutNs !== undefined) dv.setBigUint64(56, r.tsOutNs, true);
  return out;
}

export interface TradeSpec {
  rtype?: number;
  instrumentId?: number;
  tsEventNs: bigint;
  tsRecvNs: bigint;
  priceNano: bigint;
  size: number;
  action?: string;
  side: string;
  sequence?: number;
}

/** A trades (48-byte) record, or an mbp-1 (80-byte) one with `rtype: 1`. */
export function encodeTrade(r: TradeSpec): Uint8Array {
  const rtype = r.rtype ?? 0;
  const len = rtype === 1 ? 80 : 48;
  const out = new Uint8Array(len);
  const dv = new DataView(out.buffer);
  out[0] = len / 4;
  out[1] = rtype;
  dv.setUint16(2, 1, true);
  dv.setUint32(4, r.instrumentId ?? 118, true);
  dv.setBigUint64(8, r.tsEventNs, true);
  dv.setBigInt64(16, r.priceNano, true);
  dv.setUint32(24, r.size, true);
  out[28] = (r.action ?? "T").charCodeAt(0);
  out[29] = r.side.charCodeAt(0);
  out[30] = 130;
  dv.setBigUint64(32, r.tsRecvNs, true);
  dv.setInt32(40, 1000, true);
  dv.setUint32(44, r.sequence ?? 1, true);
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Splits `bytes` into chunks of the given sizes (cycled), to exercise chunk boundaries. */
export function* chunked(bytes: Uint8Array, sizes: number[]): Generator<Uint8Array> {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length];
    yield bytes.subarray(at, at + n);
    at += n;
  }
}
