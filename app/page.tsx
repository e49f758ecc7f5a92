import { requirePageUser } from "@/lib/server/page-auth";
import { NewBacktestForm } from "./_backtests/new-backtest-form";
import { RecentRuns } from "./_backtests/recent-runs";

export default async function BacktestsPage() {
  await requirePageUser("/");
  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold text-zinc-100">Backtests</h1>
      <div className="grid items-start gap-4 lg:grid-cols-[400px_minmax(0,1fr)]">
        <section className="panel" aria-labelledby="new-backtest-heading">
          <div className="panel-header">
            <h2 id="new-backtest-heading" className="panel-title">
              New backtest
            </h2>
          </div>
          <NewBacktestForm />
        </section>
        <section className="panel" aria-labelledby="recent-runs-heading">
          <div className="panel-header">
            <h2 id="recent-runs-heading" className="panel-title">
              Recent runs
            </h2>
            <span className="text-[11px] text-zinc-500">Times in exchange time (CT)</span>
          </div>
          <RecentRuns labelledBy="recent-runs-heading" />
        </section>
      </div>
    </div>
  );
}
