/**
 * Browser calls of the result-detail APIs (trade pages, P&L distribution, trade chart). On a
 * shared page the share token goes in the `x-share-token` header; otherwise the session cookie
 * authenticates. Types come from the server modules as types only (nothing server-side is bundled).
 */
import type { PnlDistributionDto, TradesPageDto } from "../runs/trades-page";
import type { TradeChartDto } from "../runs/trade-chart-data";
import { tradesQueryString, type TradesQuery } from "../runs/trades-query";
import type { ChartInterval } from "../runs/trade-chart";
import { apiFetch } from "./api";

export type { PnlDistributionDto, TradesPageDto, TradeChartDto };

/** Who reads: the signed-in user (no token) or the holder of a share link. */
export interface ResultAccess {
  runId: string;
  shareToken?: string;
}

const init = (access: ResultAccess): RequestInit | undefined => (access.shareToken ? { headers: { "x-share-token": access.shareToken } } : undefined);
const base = (access: ResultAccess) => `/api/runs/${encodeURIComponent(access.runId)}/trades`;

export const dashboardApi = {
  trades: (access: ResultAccess, query: TradesQuery) => {
    const qs = tradesQueryString(query);
    return apiFetch<TradesPageDto>(`${base(access)}${qs ? `?${qs}` : ""}`, init(access));
  },
  distribution: (access: ResultAccess) => apiFetch<PnlDistributionDto>(`${base(access)}/distribution`, init(access)),
  tradeChart: (access: ResultAccess, seq: number, interval?: ChartInterval) =>
    apiFetch<TradeChartDto>(`${base(access)}/${seq}/chart${interval ? `?interval=${interval}` : ""}`, init(access)),
};

export const dashboardKeys = {
  trades: (access: ResultAccess, query: TradesQuery) => ["runs", access.runId, "trades", access.shareToken ?? "", query] as const,
  distribution: (access: ResultAccess) => ["runs", access.runId, "trades", "distribution", access.shareToken ?? ""] as const,
  tradeChart: (access: ResultAccess, seq: number, interval?: ChartInterval) => ["runs", access.runId, "trades", seq, "chart", interval ?? "auto", access.shareToken ?? ""] as const,
};
