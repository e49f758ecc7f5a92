/**
 * A slow, obviously correct L3 book for differential tests: a Map of order id -> order, and every
 * read groups and sorts. It implements the rules of order-book.ts's header from scratch (same
 * data-quality kinds, same snapshot rule, same priority clock: +1 each time an order takes a queue
 * place) and shares no code with it.
 */
import { ACTION, MBO_FLAG, SIDE, type MboColumns } from "../../market/mbo-columns";
import type { DataQualityKind } from "../data-quality";

interface RefOrder {
  id: bigint;
  side: "B" | "A";
  priceNano: number;
  size: number;
  priority: number;
}

export interface RefLevel {
  priceNano: number;
  size: number;
  count: number;
  orders: { orderId: string; size: number; priority: number }[];
}

export class ReferenceBook {
  private readonly orders = new Map<bigint, RefOrder>();
  private clock = 0;
  private snapshotOpen = false;
  private snapshotStartClock = 0;
  private instrument: number | undefined;
  readonly dq = new Map<DataQualityKind, number>();
  inEvent = false;

  private note(kind: DataQualityKind): void {
    this.dq.set(kind, (this.dq.get(kind) ?? 0) + 1);
  }

  get queueClock(): number {
    return this.clock;
  }

  get inSnapshot(): boolean {
    return this.snapshotOpen;
  }

  get orderCount(): number {
    return this.orders.size;
  }

  applyRecord(columns: MboColumns, i: number): void {
    const flags = columns.flags[i];
    if (flags & MBO_FLAG.SNAPSHOT) {
      if (!this.snapshotOpen) {
        this.snapshotOpen = true;
        this.snapshotStartClock = this.clock;
      }
    } else if (this.snapshotOpen) {
      this.endSnapshot();
    }
    if (flags & MBO_FLAG.MAYBE_BAD_BOOK) this.note("maybeBadBook");
    this.instrument ??= columns.instrumentId[i];
    if (columns.instrumentId[i] !== this.instrument) this.note("foreignInstrument");
    else this.applyAction(columns, i);
    if (flags & MBO_FLAG.LAST) {
      this.inEvent = false;
      if (this.snapshotOpen) this.endSnapshot();
    } else {
      this.inEvent = true;
    }
  }

  endSnapshot(): void {
    this.snapshotOpen = false;
    this.inEvent = false;
    for (const order of [...this.orders.values()]) {
      if (order.priority < this.snapshotStartClock) {
        this.orders.delete(order.id);
        this.note("snapshotDroppedOrder");
      }
    }
  }

  private applyAction(columns: MboColumns, i: number): void {
    const action = columns.action[i];
    const sideCode = columns.side[i];
    const side = sideCode === SIDE.BID ? "B" : sideCode === SIDE.ASK ? "A" : null;
    const priceNano = columns.priceNano[i];
    const size = columns.size[i];
    const id = (BigInt(columns.orderIdHi[i]) << 32n) | BigInt(columns.orderIdLo[i]);
    const existing = this.orders.get(id);
    const place = (s: "B" | "A") => this.orders.set(id, { id, side: s, priceNano, size, priority: this.clock++ });
    if (action === ACTION.ADD) {
      if (side === null) return this.note("invalidSide");
      if (Number.isNaN(priceNano)) return this.note("invalidPrice");
      if (size === 0) return this.note("zeroSize");
      const resent = this.snapshotOpen && existing !== undefined && existing.priority < this.snapshotStartClock;
      if (existing && !resent) this.note("addExistingId");
      place(side);
    } else if (action === ACTION.CANCEL) {
      if (!existing) return this.note("cancelUnknownId");
      if (existing.priceNano !== priceNano || existing.side !== side) this.note("cancelMismatch");
      if (size === 0) return this.note("zeroSize");
      if (size > existing.size) this.note("cancelExceedsSize");
      if (size >= existing.size) this.orders.delete(id);
      else existing.size -= size;
    } else if (action === ACTION.MODIFY) {
      if (side === null) return this.note("invalidSide");
      if (Number.isNaN(priceNano)) return this.note("invalidPrice");
      if (!existing) {
        this.note("modifyUnknownId");
        if (size === 0) this.note("zeroSize");
        else place(side);
        return;
      }
      if (size === 0) {
        this.note("zeroSize");
        this.orders.delete(id);
      } else if (existing.side !== side) {
        this.note("modifySideChange");
        place(side);
      } else if (existing.priceNano !== priceNano || size > existing.size) {
        place(side);
      } else {
        existing.size = size;
      }
    } else if (action === ACTION.CLEAR) {
      this.orders.clear();
    } else if (action !== ACTION.TRADE && action !== ACTION.FILL && action !== ACTION.NONE) {
      this.note("unknownAction");
    }
  }

  /** Every level of a side, best first, queues front first. */
  levels(side: "B" | "A"): RefLevel[] {
    const byPrice = new Map<number, RefOrder[]>();
    for (const order of this.orders.values()) {
      if (order.side !== side) continue;
      const queue = byPrice.get(order.priceNano) ?? [];
      queue.push(order);
      byPrice.set(order.priceNano, queue);
    }
    return [...byPrice.entries()]
      .sort(([a], [b]) => (side === "B" ? b - a : a - b))
      .map(([priceNano, queue]) => {
        queue.sort((a, b) => a.priority - b.priority);
        return {
          priceNano,
          size: queue.reduce((sum, o) => sum + o.size, 0),
          count: queue.length,
          orders: queue.map((o) => ({ orderId: o.id.toString(), size: o.size, priority: o.priority })),
        };
      });
  }

  /** Size at (side, price) of orders with a priority earlier than `priority`. */
  sizeAhead(side: "B" | "A", priceNano: number, priority: number): number {
    let ahead = 0;
    for (const o of this.orders.values()) if (o.side === side && o.priceNano === priceNano && o.priority < priority) ahead += o.size;
    return ahead;
  }
}
