import { parseQuery, route } from "@/lib/http/route";
import { shareTokenOf } from "@/lib/runs/run-access";
import { getTradesPage } from "@/lib/runs/trades-page";
import { tradesQuerySchema } from "@/lib/runs/trades-query";

/**
 * One page of a run's round trips, sorted and filtered on the server:
 * `?page=&pageSize=&sort=entry|pnl|duration|qty&dir=asc|desc&side=long|short&outcome=winners|losers&from=&to=`
 * (session dates of the exit). Signed-in readers of the run, or the `x-share-token` of a link to it.
 */
export const GET = route<{ id: string }>("public", async (req, { ctx, principal, params }) =>
  getTradesPage({ db: ctx.db, pool: ctx.pool }, principal, params.id, parseQuery(req, tradesQuerySchema), shareTokenOf(req)),
);
