/** A hand-written Sierra Chart .scid encoder for tests (layout in scid.ts). */
export interface ScidTestRecord {
  /** ISO time (ms precision) plus extra microseconds, or days for the old float64 layout. */
  us?: bigint;
  days?: number;
  close: number;
  numTrades?: number;
  volume: number;
  bidVolume?: number;
  askVolume?: number;
}

/** Microseconds since 1899-12-30 of an ISO instant plus `extraUs`. */
export function scidUs(iso: string, extraUs = 0n): bigint {
  return (BigInt(Date.parse(iso)) + 25_569n * 86_400_000n) * 1000n + extraUs;
}

export function encodeScid(records: ScidTestRecord[]): Uint8Array {
  const bytes = new Uint8Array(56 + 40 * records.length);
  const view = new DataView(bytes.buffer);
  bytes.set([0x53, 0x43, 0x49, 0x44]);
  view.setUint32(4, 56, true);
  view.setUint32(8, 40, true);
  view.setUint16(12, 1, true);
  records.forEach((r, i) => {
    const o = 56 + 40 * i;
    if (r.days !== undefined) view.setFloat64(o, r.days, true);
    else view.setBigInt64(o, r.us ?? 0n, true);
    view.setFloat32(o + 8, 0, true);
    view.setFloat32(o + 12, r.close, true);
    view.setFloat32(o + 16, r.close, true);
    view.setFloat32(o + 20, r.close, true);
    view.setUint32(o + 24, r.numTrades ?? 1, true);
    view.setUint32(o + 28, r.volume, true);
    view.setUint32(o + 32, r.bidVolume ?? 0, true);
    view.setUint32(o + 36, r.askVolume ?? 0, true);
  });
  return bytes;
}
