import { describe, expect, it } from "vitest";
import { dashboardSearch, parseDashboardState } from "./dashboard-url";

const parse = (qs: string) => parseDashboardState(new URLSearchParams(qs));

describe("dashboard URL state", () => {
  it("defaults to the overview, no trade, no zone, first page in entry order", () => {
    expect(parse("")).toEqual({ view: "overview", trade: null, tz: null, trades: { page: 1, pageSize: 100, sort: "entry", dir: "asc" } });
  });

  it("reads every part of an addressable view", () => {
    expect(parse("view=trades&trade=12&tz=utc&page=2&pageSize=50&sort=pnl&dir=desc&side=short&outcome=winners&from=2025-03-04&to=2025-03-05")).toEqual({
      view: "trades",
      trade: 12,
      tz: "utc",
      trades: { page: 2, pageSize: 50, sort: "pnl", dir: "desc", side: "short", outcome: "winners", from: "2025-03-04", to: "2025-03-05" },
    });
  });

  it("ignores malformed values instead of failing", () => {
    expect(parse("view=nope&trade=-3&tz=mars&page=0&pageSize=99999&sort=name&dir=up&side=flat&from=yesterday")).toEqual(parse(""));
    // Swapped dates are put in order.
    expect(parse("from=2025-03-05&to=2025-03-04").trades).toMatchObject({ from: "2025-03-04", to: "2025-03-05" });
  });

  it("builds query strings that keep unrelated parameters and drop defaults", () => {
    const current = new URLSearchParams("view=trades&tz=utc&page=3");
    expect(dashboardSearch(current, { trade: 7 })).toBe("?view=trades&tz=utc&page=3&trade=7");
    expect(dashboardSearch(current, { view: "overview" })).toBe("?tz=utc&page=3");
    expect(dashboardSearch(current, { tz: null })).toBe("?view=trades&page=3");
    expect(dashboardSearch(new URLSearchParams(""), { view: "overview" })).toBe("");
  });

  it("sends the list back to page 1 when the sort or a filter changes", () => {
    const current = new URLSearchParams("view=trades&page=3&sort=pnl");
    expect(dashboardSearch(current, { trades: { sort: "qty", dir: "desc" } })).toBe("?view=trades&sort=qty&dir=desc");
    expect(dashboardSearch(current, { trades: { outcome: "losers" } })).toBe("?view=trades&sort=pnl&outcome=losers");
    expect(dashboardSearch(current, { trades: { page: 4 } })).toBe("?view=trades&page=4&sort=pnl");
    expect(dashboardSearch(current, { trades: { sort: "entry" } })).toBe("?view=trades");
    expect(dashboardSearch(new URLSearchParams("side=long"), { trades: { side: undefined } })).toBe("");
  });
});
