/**
 * Seeded synthetic CME-like MBO stream for the book benchmark and for long consistency tests.
 * It is always VALID input (no data-quality events): the generator keeps its own simple model of
 * the book (per-price FIFO arrays) and only cancels, modifies or fills orders that rest.
 *
 * Shape, loosely after the ESH4 sample (11k resting orders over ~1,500 levels, ES tick 0.25):
 * - a snapshot first (SNAPSHOT flag, LAST on its final record) with levels around the start price
 *   and two far-out orders like real ES data: a bid at 100.00 and an ask at 5792.50;
 * - then one-record events (LAST set): adds (88% at a geometric distance from the same side's best,
 *   sometimes inside the spread, 12% uniform over 800 ticks), cancels of random resting orders
 *   (full or partial), modifies (size down keeps priority, size up, price moves);
 * - and trade events: T (aggressor side) per price level swept, F per passive order filled, then
 *   the C records that take the filled size out of the book, LAST on the final record.
 * The cancel rate follows the number of resting orders so the book stays near `targetOrders`.
 */
import { allocateMboColumns, ACTION, MBO_FLAG, SIDE, type MboColumns } from "../../market/mbo-columns";
import { SeededRandom } from "../../market/random";

export interface SyntheticMboOptions {
  readonly records: number;
  readonly seed?: number;
  /** Tick size in 1e-9 units (ES/MES/NQ/MNQ 0.25 = 250,000,000). */
  readonly tickNano?: number;
  readonly startPriceTicks?: number;
  /** Resting orders the stream hovers around (both sides). */
  readonly targetOrders?: number;
  readonly baseNs?: bigint;
}

const TWO_POW_32 = 4294967296;
const FIRST_ORDER_ID = 6_412_777_162_812;
const FAR_BID_TICKS = 400; // 100.00
const FAR_ASK_TICKS = 23_170; // 5792.50
const BID = 0;
const ASK = 1;

export function generateSyntheticMbo(options: SyntheticMboOptions): MboColumns {
  const { records, seed = 1, tickNano = 250_000_000, startPriceTicks = 19_200, targetOrders = 10_000, baseNs = 1_703_462_400_000_000_000n } = options;
  const random = new SeededRandom(seed);
  const out = allocateMboColumns(records, baseNs);
  // Generator's own book: order fields by generator slot, FIFO queues per (side, tick).
  const idOf: number[] = [];
  const sideOf: number[] = [];
  const tickOf: number[] = [];
  const sizeOf: number[] = [];
  const live: number[] = []; // resting slots, for uniform random picks
  const livePos: number[] = [];
  const queues = [new Map<number, number[]>(), new Map<number, number[]>()];
  const best = [startPriceTicks - 1, startPriceTicks + 1];
  let nextId = FIRST_ORDER_ID;
  let ts = 0;
  let sequence = 1000;
  let n = 0;

  const emit = (action: number, side: number, tick: number, size: number, id: number, flags: number) => {
    if (n >= records) return;
    out.tsRecvOffsetNs[n] = ts;
    out.tsEventDeltaNs[n] = -2_000 - (n % 7) * 100;
    out.instrumentId[n] = 17077;
    out.orderIdHi[n] = Math.floor(id / TWO_POW_32);
    out.orderIdLo[n] = id >>> 0;
    out.priceNano[n] = tick * tickNano;
    out.size[n] = size;
    out.flags[n] = flags;
    out.action[n] = action;
    out.side[n] = side === BID ? SIDE.BID : side === ASK ? SIDE.ASK : SIDE.NONE;
    out.sequence[n] = sequence;
    n++;
  };
  const bestOf = (side: number): number => {
    const q = queues[side];
    const step = side === BID ? -1 : 1;
    let t = best[side];
    for (let k = 0; k < 400 && !(q.get(t)?.length); k++) t += step;
    if (q.get(t)?.length) best[side] = t;
    return best[side];
  };
  const rest = (side: number, tick: number, size: number, flags: number): void => {
    const slot = idOf.length;
    idOf.push(nextId++);
    sideOf.push(side);
    tickOf.push(tick);
    sizeOf.push(size);
    if (tick !== FAR_BID_TICKS && tick !== FAR_ASK_TICKS) {
      livePos[slot] = live.length;
      live.push(slot);
    }
    const q = queues[side].get(tick);
    if (q) q.push(slot);
    else queues[side].set(tick, [slot]);
    if (side === BID ? tick > best[BID] : tick < best[ASK]) best[side] = tick;
    emit(ACTION.ADD, side, tick, size, idOf[slot], flags);
  };
  const unqueue = (slot: number): void => {
    const q = queues[sideOf[slot]].get(tickOf[slot])!;
    q.splice(q.indexOf(slot), 1);
  };
  const forget = (slot: number): void => {
    unqueue(slot);
    const at = livePos[slot];
    const moved = live[live.length - 1];
    live[at] = moved;
    livePos[moved] = at;
    live.pop();
  };
  const geometric = (p: number): number => Math.floor(Math.log(random.nextPositive()) / Math.log(1 - p));

  // Snapshot: 60 levels a side, 1-12 orders each, then the far-out orders.
  const snapshot = MBO_FLAG.SNAPSHOT | MBO_FLAG.BAD_TS_RECV;
  for (let level = 0; level < 60; level++) {
    for (const side of [BID, ASK]) {
      const tick = side === BID ? startPriceTicks - 1 - level : startPriceTicks + 1 + level;
      for (let k = 1 + random.int(12); k > 0; k--) rest(side, tick, 1 + geometric(0.3), snapshot);
    }
  }
  rest(BID, FAR_BID_TICKS, 1, snapshot);
  rest(ASK, FAR_ASK_TICKS, 2, snapshot | MBO_FLAG.LAST);

  const last = MBO_FLAG.LAST | MBO_FLAG.PUBLISHER_SPECIFIC;
  while (n < records) {
    ts += 1 + Math.floor(random.exponential(4_000));
    sequence++;
    const u = random.next();
    const cancelWeight = 0.36 * (live.length / targetOrders);
    const total = 0.44 + cancelWeight + 0.12 + 0.08;
    const x = u * total;
    if (x < 0.44 || live.length < 50) {
      const side = random.int(2);
      const own = bestOf(side);
      const other = bestOf(1 - side);
      const dir = side === BID ? -1 : 1;
      let tick: number;
      if (other - own > dir * 1 && random.next() < 0.15) tick = own - dir; // improve inside the spread
      else if (random.next() < 0.88) tick = own + dir * geometric(0.3);
      else tick = own + dir * random.int(800);
      if (side === BID ? tick >= other : tick <= other) tick = other + dir;
      rest(side, tick, 1 + geometric(0.35), last);
    } else if (x < 0.44 + cancelWeight) {
      const slot = live[random.int(live.length)];
      const partial = sizeOf[slot] > 1 && random.next() < 0.1 ? 1 + random.int(sizeOf[slot] - 1) : sizeOf[slot];
      emit(ACTION.CANCEL, sideOf[slot], tickOf[slot], partial, idOf[slot], last);
      sizeOf[slot] -= partial;
      if (sizeOf[slot] === 0) forget(slot);
    } else if (x < 0.44 + cancelWeight + 0.12) {
      const slot = live[random.int(live.length)];
      const side = sideOf[slot];
      const v = random.next();
      if (v < 0.5 && sizeOf[slot] > 1) {
        sizeOf[slot] -= 1 + random.int(sizeOf[slot] - 1); // size down: keeps its place
      } else if (v < 0.8) {
        sizeOf[slot] += 1 + random.int(3); // size up: back of the queue
        unqueue(slot);
        queues[side].get(tickOf[slot])!.push(slot);
      } else {
        const dir = side === BID ? -1 : 1;
        let tick = tickOf[slot] + (random.next() < 0.5 ? 1 : -1) * (1 + random.int(2));
        const other = bestOf(1 - side);
        if (side === BID ? tick >= other : tick <= other) tick = other + dir;
        unqueue(slot);
        tickOf[slot] = tick;
        const q = queues[side].get(tick);
        if (q) q.push(slot);
        else queues[side].set(tick, [slot]);
        if (side === BID ? tick > best[BID] : tick < best[ASK]) best[side] = tick;
      }
      emit(ACTION.MODIFY, side, tickOf[slot], sizeOf[slot], idOf[slot], last);
    } else {
      // A marketable order of `qty` sweeps up to 3 levels of the other side.
      const aggressor = random.int(2);
      const passive = 1 - aggressor;
      let qty = 1 + geometric(0.25);
      const fills: number[] = [];
      const fillSizes: number[] = [];
      for (let levels = 0; levels < 3 && qty > 0; levels++) {
        const tick = bestOf(passive);
        const q = queues[passive].get(tick);
        if (!q || q.length === 0) break;
        let traded = 0;
        const start = fills.length;
        for (let k = 0; k < q.length && qty > 0; k++) {
          const fill = Math.min(qty, sizeOf[q[k]]);
          fills.push(q[k]);
          fillSizes.push(fill);
          qty -= fill;
          traded += fill;
        }
        emit(ACTION.TRADE, aggressor, tick, traded, 0, 0);
        for (let k = start; k < fills.length; k++) emit(ACTION.FILL, passive, tick, fillSizes[k], idOf[fills[k]], 0);
        for (let k = start; k < fills.length; k++) {
          const slot = fills[k];
          sizeOf[slot] -= fillSizes[k];
          if (sizeOf[slot] === 0) forget(slot);
        }
        for (let k = start; k < fills.length; k++) emit(ACTION.CANCEL, passive, tick, fillSizes[k], idOf[fills[k]], 0);
      }
      if (n > 0) out.flags[n - 1] |= last; // the event's final record
    }
  }
  out.flags[records - 1] |= MBO_FLAG.LAST;
  out.length = records;
  return out;
}
