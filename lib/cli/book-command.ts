/**
 * `tickbench book FILES...`: replays Databento MBO files through the L3 book and prints the book at
 * a time (default: end of data), read at the last event boundary at or before that time.
 */
import { badRequest } from "../errors";
import { OrderBook } from "../book/order-book";
import { decodeMboFile } from "../data/dbn/dbn-file";
import { allocateMboColumns, SIDE, type MboColumns } from "../market/mbo-columns";

export interface BookCommandOptions {
  instrumentId?: string;
  at?: string;
  depth?: string;
}

/** The records of one instrument (a copy; files requested by parent symbol mix contracts). */
function onlyInstrument(columns: MboColumns, id: number): MboColumns {
  const out = allocateMboColumns(columns.length, columns.baseNs);
  for (let i = 0; i < columns.length; i++) {
    if (columns.instrumentId[i] !== id) continue;
    const j = out.length++;
    out.tsRecvOffsetNs[j] = columns.tsRecvOffsetNs[i];
    out.tsEventDeltaNs[j] = columns.tsEventDeltaNs[i];
    out.instrumentId[j] = id;
    out.orderIdHi[j] = columns.orderIdHi[i];
    out.orderIdLo[j] = columns.orderIdLo[i];
    out.priceNano[j] = columns.priceNano[i];
    out.size[j] = columns.size[i];
    out.flags[j] = columns.flags[i];
    out.channelId[j] = columns.channelId[i];
    out.action[j] = columns.action[i];
    out.side[j] = columns.side[i];
    out.sequence[j] = columns.sequence[i];
  }
  return out;
}

export async function bookCommand(files: string[], o: BookCommandOptions) {
  const depth = o.depth === undefined ? 10 : Number(o.depth);
  if (!Number.isInteger(depth) || depth < 1 || depth > 1000) throw badRequest("--depth must be an integer between 1 and 1000");
  let atNs: bigint | null = null;
  if (o.at !== undefined) {
    const ms = Date.parse(o.at);
    if (Number.isNaN(ms)) throw badRequest(`--at must be an ISO-8601 time, got "${o.at}"`);
    atNs = BigInt(ms) * 1_000_000n;
  }
  let instrument = o.instrumentId === undefined ? null : Number(o.instrumentId);
  if (instrument !== null && !Number.isInteger(instrument)) throw badRequest("--instrument-id must be an integer");

  const book = new OrderBook();
  let lastTsRecv: bigint | null = null;
  let lastSequence: number | null = null;
  let records = 0;
  replay: for (const file of files) {
    for await (const raw of decodeMboFile(file)) {
      if (raw.length === 0) continue;
      instrument ??= raw.instrumentId[0];
      const columns = onlyInstrument(raw, instrument);
      if (columns.length !== raw.length && o.instrumentId === undefined) {
        throw badRequest(`${file} holds several instruments; choose one with --instrument-id`);
      }
      let i = 0;
      let stuck = 0;
      while (i < columns.length) {
        const tsRecv = columns.baseNs + BigInt(columns.tsRecvOffsetNs[i]);
        if (atNs !== null && tsRecv > atNs && !book.inEvent) break replay;
        const next = book.applyEvent(columns, i);
        if (next === i) {
          // A snapshot closed by this live record: the book ended the snapshot, apply it next.
          if (++stuck > 1) throw new Error(`order book made no progress at record ${i} of ${file}`);
          continue;
        }
        stuck = 0;
        records += next - i;
        lastTsRecv = columns.baseNs + BigInt(columns.tsRecvOffsetNs[next - 1]);
        lastSequence = columns.sequence[next - 1];
        i = next;
      }
    }
  }
  const side = (s: number) => {
    const n = Math.min(depth, book.levelCount(s as typeof SIDE.BID));
    const px = new Float64Array(n);
    const sz = new Float64Array(n);
    const ct = new Uint32Array(n);
    book.depth(s as typeof SIDE.BID, n, px, sz, ct);
    return Array.from({ length: n }, (_, k) => ({ price: px[k] / 1e9, size: sz[k], count: ct[k] }));
  };
  return {
    instrumentId: instrument,
    records,
    tsRecv: lastTsRecv === null ? null : new Date(Number(lastTsRecv / 1_000_000n)).toISOString(),
    tsRecvNs: lastTsRecv?.toString() ?? null,
    sequence: lastSequence,
    bidLevels: book.levelCount(SIDE.BID),
    askLevels: book.levelCount(SIDE.ASK),
    orders: book.orderCount,
    bids: side(SIDE.BID),
    asks: side(SIDE.ASK),
    dataQuality: book.dataQuality(),
  };
}
