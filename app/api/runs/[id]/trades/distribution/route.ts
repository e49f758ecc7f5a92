import { route } from "@/lib/http/route";
import { shareTokenOf } from "@/lib/runs/run-access";
import { getPnlDistribution } from "@/lib/runs/trades-page";

/** Histogram of every round trip's net P&L (same access as the trade list). */
export const GET = route<{ id: string }>("public", async (req, { ctx, principal, params }) =>
  getPnlDistribution({ db: ctx.db, pool: ctx.pool }, principal, params.id, shareTokenOf(req)),
);
