import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { getContractSpec, isKnownRoot, listContractSpecs, priceToTicks, ticksToPrice } from "./contract-spec";

describe("contract specifications", () => {
  it("describes MNQ as a $2 x Nasdaq-100 future with a 0.25-point, 50-cent tick", () => {
    expect(getContractSpec("MNQ")).toMatchObject({
      root: "MNQ",
      name: "Micro E-mini Nasdaq-100",
      exchange: "CME",
      currency: "USD",
      tickSize: "0.25",
      tickSizeNano: 250_000_000n,
      multiplier: 2,
      tickValueCents: 50,
      contractMonths: "HMUZ",
      defaultFeePerSideCents: 57,
    });
  });

  it("lists MNQ, NQ, MES and ES with their tick values and default fees", () => {
    const rows = listContractSpecs().map((s) => [s.root, s.multiplier, s.tickValueCents, s.defaultFeePerSideCents]);
    expect(rows).toEqual([
      ["MNQ", 2, 50, 57],
      ["NQ", 20, 500, 215],
      ["MES", 5, 125, 57],
      ["ES", 50, 1250, 215],
    ]);
  });

  it("keeps tick value equal to tick size times multiplier for every contract", () => {
    for (const spec of listContractSpecs()) {
      expect(spec.tickSizeNano * BigInt(spec.multiplier) * 100n).toBe(BigInt(spec.tickValueCents) * 1_000_000_000n);
      expect(Number(spec.tickSize) * 1e9).toBe(Number(spec.tickSizeNano));
    }
  });

  it("finds roots case-insensitively", () => {
    expect(getContractSpec(" mnq ").root).toBe("MNQ");
    expect(isKnownRoot("es")).toBe(true);
    expect(isKnownRoot("CL")).toBe(false);
  });

  it("rejects an unknown root with a bad_request error naming the known roots", () => {
    expect(() => getContractSpec("CL")).toThrow(AppError);
    try {
      getContractSpec("CL");
    } catch (e) {
      expect((e as AppError).code).toBe("bad_request");
      expect((e as AppError).message).toMatch(/Unknown contract root "CL".*MNQ, NQ, MES, ES/);
    }
  });

  it("is immutable data", () => {
    expect(Object.isFrozen(getContractSpec("MNQ"))).toBe(true);
    expect(Object.isFrozen(listContractSpecs())).toBe(true);
  });

  it("converts between index points and integer ticks at the edges", () => {
    const mnq = getContractSpec("MNQ");
    expect(priceToTicks(mnq, 21000)).toBe(84000);
    expect(priceToTicks(mnq, 21000.75)).toBe(84003);
    expect(ticksToPrice(mnq, 84003)).toBe(21000.75);
    expect(() => priceToTicks(mnq, 21000.1)).toThrow(RangeError);
  });
});
