/**
 * URL state of the result dashboard: every view is addressable, e.g.
 * `/runs/<id>?view=trades&sort=pnl&dir=desc&page=2&trade=12&tz=utc`.
 *
 * - view: overview | analysis | trades (default overview);
 * - trade: seq of the round trip whose price chart is open;
 * - tz: exchange | utc | local (absent = the stored preference, else exchange);
 * - the trade list's page/pageSize/sort/dir/side/outcome/from/to (lib/runs/trades-query.ts).
 * Unknown or malformed values fall back to their defaults instead of breaking the page.
 */
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, TRADE_SORTS, type TradesQuery } from "../runs/trades-query";
import { isDisplayZone, type DisplayZone } from "./format";

export const DASHBOARD_VIEWS = ["overview", "analysis", "trades"] as const;
export type DashboardView = (typeof DASHBOARD_VIEWS)[number];

export interface DashboardState {
  view: DashboardView;
  trade: number | null;
  tz: DisplayZone | null;
  trades: TradesQuery;
}

type Params = Pick<URLSearchParams, "get">;

const positiveInt = (text: string | null, max: number): number | null => {
  if (!text || !/^\d{1,9}$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= max ? n : null;
};
const date = (text: string | null) => (text && /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : undefined);

export function parseDashboardState(params: Params): DashboardState {
  const view = params.get("view");
  const sort = params.get("sort");
  const side = params.get("side");
  const outcome = params.get("outcome");
  const tz = params.get("tz");
  let from = date(params.get("from"));
  let to = date(params.get("to"));
  if (from && to && from > to) [from, to] = [to, from];
  const trades: TradesQuery = {
    page: positiveInt(params.get("page"), 1_000_000) ?? 1,
    pageSize: positiveInt(params.get("pageSize"), MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE,
    sort: (TRADE_SORTS as readonly string[]).includes(sort ?? "") ? (sort as TradesQuery["sort"]) : "entry",
    dir: params.get("dir") === "desc" ? "desc" : "asc",
  };
  if (side === "long" || side === "short") trades.side = side;
  if (outcome === "winners" || outcome === "losers") trades.outcome = outcome;
  if (from) trades.from = from;
  if (to) trades.to = to;
  return {
    view: (DASHBOARD_VIEWS as readonly string[]).includes(view ?? "") ? (view as DashboardView) : "overview",
    trade: positiveInt(params.get("trade"), 1_000_000_000) === null ? null : Number(params.get("trade")),
    tz: isDisplayZone(tz) ? tz : null,
    trades,
  };
}

export interface DashboardPatch {
  view?: DashboardView;
  trade?: number | null;
  tz?: DisplayZone | null;
  trades?: Partial<TradesQuery>;
}

/**
 * The query string after applying `patch` to `current`, keeping unrelated parameters. A change of
 * sort, direction, page size or a filter sends the list back to page 1 unless a page is given.
 */
export function dashboardSearch(current: URLSearchParams, patch: DashboardPatch): string {
  const next = new URLSearchParams(current);
  const set = (key: string, value: string | number | null | undefined, fallback?: string | number) => {
    if (value === null || value === undefined || value === "" || value === fallback) next.delete(key);
    else next.set(key, String(value));
  };
  if ("view" in patch) set("view", patch.view, "overview");
  if ("trade" in patch) set("trade", patch.trade);
  if ("tz" in patch) set("tz", patch.tz);
  if (patch.trades) {
    const t = patch.trades;
    const resetsPage = ["pageSize", "sort", "dir", "side", "outcome", "from", "to"].some((k) => k in t);
    if ("sort" in t) set("sort", t.sort, "entry");
    if ("dir" in t) set("dir", t.dir, "asc");
    if ("pageSize" in t) set("pageSize", t.pageSize, DEFAULT_PAGE_SIZE);
    for (const key of ["side", "outcome", "from", "to"] as const) if (key in t) set(key, t[key]);
    if ("page" in t) set("page", t.page, 1);
    else if (resetsPage) next.delete("page");
  }
  const text = next.toString();
  return text ? `?${text}` : "";
}
