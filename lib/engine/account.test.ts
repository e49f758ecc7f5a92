import { describe, expect, it } from "vitest";
import { Account } from "./account";
import { defineInstrument } from "./instrument";

const MNQ = defineInstrument({ symbol: "MNQ", tickSize: 0.25, tickValueCents: 50, feePerSideCents: 57 });

describe("Account", () => {
  it("keeps equity = starting cash + realised + unrealised - fees in exact cents", () => {
    const account = new Account(MNQ, 1_000_000, 57);
    account.applyFill(1, 2, 80_000, 1n);
    expect(account.feesCents).toBe(114);
    expect(account.unrealisedCents(80_010)).toBe(2 * 10 * 50);
    expect(account.equityCents(80_010)).toBe(1_000_000 + 1_000 - 114);
    account.applyFill(-1, 2, 80_004, 2n);
    expect(account.realisedCents).toBe(2 * 4 * 50);
    expect(account.equityCents(1)).toBe(1_000_000 + 400 - 228);
  });

  it("records a reversal as two round trips and splits the reversing fill's fees per contract", () => {
    const account = new Account(MNQ, 0, 57);
    account.applyFill(1, 1, 110, 10n); // buy 1 @ 27.50
    account.applyFill(-1, 2, 98, 20n); // sell 2 @ 24.50: close the long, open a short
    account.applyFill(1, 1, 94, 30n); // buy 1 @ 23.50: close the short
    expect(account.roundTrips.closed).toEqual([
      { side: 1, qty: 1, entryTimeNs: 10n, exitTimeNs: 20n, entryPrice: 27.5, exitPrice: 24.5, pnlCents: -600, feesCents: 114, netCents: -714 },
      { side: -1, qty: 1, entryTimeNs: 20n, exitTimeNs: 30n, entryPrice: 24.5, exitPrice: 23.5, pnlCents: 200, feesCents: 114, netCents: 86 },
    ]);
    expect(account.realisedCents).toBe(-400);
    expect(account.feesCents).toBe(228);
    expect(account.equityCents(94)).toBe(-628);
  });

  it("keeps one round trip open through scale-ins and partial exits, with size-weighted prices", () => {
    const account = new Account(MNQ, 0, 0);
    account.applyFill(-1, 1, 400, 1n);
    account.applyFill(-1, 1, 404, 2n);
    account.applyFill(1, 1, 396, 3n);
    expect(account.roundTrips.closed).toEqual([]);
    account.applyFill(1, 1, 402, 4n);
    const [trip] = account.roundTrips.closed;
    expect(trip).toMatchObject({ side: -1, qty: 2, entryTimeNs: 1n, exitTimeNs: 4n, entryPrice: 100.5, exitPrice: 99.75 });
    // FIFO: (400 - 396) + (404 - 402) = 6 ticks = 300 cents.
    expect(trip.pnlCents).toBe(300);
  });
});
