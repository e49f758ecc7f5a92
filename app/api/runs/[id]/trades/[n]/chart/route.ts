import { parseQuery, route } from "@/lib/http/route";
import { shareTokenOf } from "@/lib/runs/run-access";
import { getTradeChart, tradeChartQuerySchema } from "@/lib/runs/trade-chart-data";

/** Price bars of the run's dataset around round trip `n` (its seq), with entry/exit markers and the stored fills in the window. `?interval=1s|5s|...|1d`. */
export const GET = route<{ id: string; n: string }>("public", async (req, { ctx, principal, params }) =>
  getTradeChart({ db: ctx.db, pool: ctx.pool }, principal, params.id, params.n, parseQuery(req, tradeChartQuerySchema), shareTokenOf(req)),
);
