"use client";
import type { SharedRunDto } from "@/lib/runs/share-links";
import { useDisplayZone } from "@/lib/ui/display-zone";
import { ThemeToggle } from "@/lib/ui/theme-toggle";
import { RunConfig } from "@/app/runs/[id]/run-config";
import { RunDashboard } from "@/app/runs/[id]/run-dashboard";

/** The read-only dashboard behind a share link: the run page's components, fed with the link's token. */
export function SharedRunView({ run, runId, token }: { run: SharedRunDto; runId: string; token: string }) {
  const tz = useDisplayZone();
  return (
    <div className="space-y-4" data-testid="shared-run">
      <header className="flex flex-wrap items-start gap-3">
        <div className="space-y-1">
          <p className="text-[11px] tracking-wider text-zinc-400 uppercase">Shared backtest · read-only</p>
          <h1 className="text-lg font-semibold text-zinc-100" data-testid="run-name">
            {run.name}
          </h1>
          <p className="text-xs text-zinc-400">Finished {tz.iso(run.finishedAt)}</p>
        </div>
        <ThemeToggle className="ml-auto" />
      </header>
      <div className="grid items-start gap-4 2xl:grid-cols-[minmax(0,1fr)_340px]">
        <section className="panel min-w-0" aria-labelledby="shared-results-heading">
          <div className="panel-header">
            <h2 id="shared-results-heading" className="panel-title">
              Results
            </h2>
          </div>
          <RunDashboard access={{ runId, shareToken: token }} result={run.result} config={run.config} />
        </section>
        <RunConfig run={run} resultHash={run.result.resultHash} statisticsVersion={run.result.statistics?.version ?? null} />
      </div>
    </div>
  );
}
