import Link from "next/link";
import { requirePageUser } from "@/lib/server/page-auth";
import { NewBacktestForm } from "./_backtests/new-backtest-form";
import { RecentRuns } from "./_backtests/recent-runs";
import { Panel } from "@/lib/ui/panel";

export default async function BacktestsPage() {
  await requirePageUser("/");
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold text-zinc-100">Backtests</h1>
        <Link href="/backtests/new" className="btn btn-primary ml-auto" data-testid="new-backtest-link">
          New backtest
        </Link>
      </div>
      <div className="grid items-start gap-4 lg:grid-cols-[400px_minmax(0,1fr)]">
        <Panel
          id="new-backtest-heading"
          title="Quick backtest"
          actions={
            <Link href="/backtests/new" className="text-[11px] text-accent hover:underline">
              Guided setup →
            </Link>
          }
        >
          <NewBacktestForm />
        </Panel>
        <Panel id="recent-runs-heading" title="Run history" actions={<span className="text-[11px] text-zinc-500">Times in exchange time (CT)</span>}>
          <RecentRuns labelledBy="recent-runs-heading" />
        </Panel>
      </div>
    </div>
  );
}
