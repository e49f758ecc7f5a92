import { describe, expect, it } from "vitest";
import { buildTradesSql, sessionDateBoundsNs, tradesQuerySchema, tradesQueryString } from "./trades-query";

const RUN = "00000000-0000-0000-0000-000000000001";
const utcNs = (y: number, mo: number, d: number, h: number) => BigInt(Date.UTC(y, mo - 1, d, h)) * 1_000_000n;

describe("trades query", () => {
  it("defaults to the first 100 trips in entry order", () => {
    expect(tradesQuerySchema.parse({})).toEqual({ page: 1, pageSize: 100, sort: "entry", dir: "asc" });
  });

  it("coerces query-string numbers and refuses unknown sorts, sizes and dates", () => {
    expect(tradesQuerySchema.parse({ page: "3", pageSize: "25" })).toMatchObject({ page: 3, pageSize: 25 });
    expect(() => tradesQuerySchema.parse({ sort: "name" })).toThrow();
    expect(() => tradesQuerySchema.parse({ pageSize: "1001" })).toThrow();
    expect(() => tradesQuerySchema.parse({ page: "0" })).toThrow();
    expect(() => tradesQuerySchema.parse({ from: "2025-02-30" })).toThrow();
    expect(() => tradesQuerySchema.parse({ from: "2025-03-05", to: "2025-03-04" })).toThrow();
  });

  it("orders by the whitelisted expression, then seq, and pages with limit/offset", () => {
    const sql = buildTradesSql(RUN, tradesQuerySchema.parse({ sort: "pnl", dir: "desc", page: "3", pageSize: "50" }));
    expect(sql.orderBy).toBe("(pnl_cents - fees_cents) DESC, seq ASC");
    expect(sql.limit).toBe(50);
    expect(sql.offset).toBe(100);
    expect(sql.where).toBe("run_id = $1");
    expect(sql.params).toEqual([RUN]);
    expect(buildTradesSql(RUN, tradesQuerySchema.parse({ sort: "duration" })).orderBy).toBe("(exit_ns - entry_ns) ASC, seq ASC");
    expect(buildTradesSql(RUN, tradesQuerySchema.parse({ sort: "qty", dir: "desc" })).orderBy).toBe("qty DESC, seq ASC");
  });

  it("filters side and outcome on NET P&L (break-even trips are neither winners nor losers)", () => {
    const sql = buildTradesSql(RUN, tradesQuerySchema.parse({ side: "short", outcome: "winners" }));
    expect(sql.where).toBe("run_id = $1 AND side = -1 AND pnl_cents - fees_cents > 0");
    expect(buildTradesSql(RUN, tradesQuerySchema.parse({ side: "long", outcome: "losers" })).where).toBe("run_id = $1 AND side = 1 AND pnl_cents - fees_cents < 0");
  });

  it("turns exit session dates into bounds at the previous sessions' closes (16:00 CT)", () => {
    // Tuesday 2025-03-04: after Monday's close (22:00 UTC in CST) up to Tuesday's close.
    expect(sessionDateBoundsNs("2025-03-04", "2025-03-04")).toEqual({ fromNs: utcNs(2025, 3, 3, 22), toNs: utcNs(2025, 3, 4, 22) });
    // Monday: after Friday's close (the weekend belongs to Monday's session).
    expect(sessionDateBoundsNs("2025-03-03").fromNs).toBe(utcNs(2025, 2, 28, 22));
    // A Saturday "to" ends with Friday's close; across the DST change (2025-03-09) closes move to 21:00 UTC.
    expect(sessionDateBoundsNs(undefined, "2025-03-08").toNs).toBe(utcNs(2025, 3, 7, 22));
    expect(sessionDateBoundsNs("2025-03-11", "2025-03-10")).toEqual({ fromNs: utcNs(2025, 3, 10, 21), toNs: utcNs(2025, 3, 10, 21) });
  });

  it("binds the date bounds as parameters", () => {
    const sql = buildTradesSql(RUN, tradesQuerySchema.parse({ from: "2025-03-04", to: "2025-03-05" }));
    expect(sql.where).toBe("run_id = $1 AND exit_ns >= $2::bigint AND exit_ns < $3::bigint");
    expect(sql.params).toEqual([RUN, utcNs(2025, 3, 3, 22).toString(), utcNs(2025, 3, 5, 22).toString()]);
  });

  it("builds short query strings that leave defaults out", () => {
    expect(tradesQueryString({ page: 1, pageSize: 100, sort: "entry", dir: "asc" })).toBe("");
    expect(tradesQueryString({ page: 2, sort: "pnl", dir: "desc", side: "long", from: "2025-03-04" })).toBe("page=2&sort=pnl&dir=desc&side=long&from=2025-03-04");
    // Round trip through the schema.
    const parsed = tradesQuerySchema.parse(Object.fromEntries(new URLSearchParams("page=2&sort=pnl&dir=desc&outcome=losers")));
    expect(tradesQueryString(parsed)).toBe("page=2&sort=pnl&dir=desc&outcome=losers");
  });
});
