"use client";
import type { SharedRunDto } from "@/lib/runs/share-links";
import { formatCtIso } from "@/lib/ui/format";
import { Panel } from "@/lib/ui/panel";
import { RunResults } from "@/app/runs/[id]/run-results";

export function SharedRunView({ run }: { run: SharedRunDto }) {
  const params = run.params && typeof run.params === "object" ? Object.entries(run.params as Record<string, unknown>) : [];
  return (
    <div className="space-y-4" data-testid="shared-run">
      <header className="space-y-1">
        <p className="text-[11px] tracking-wider text-zinc-500 uppercase">Shared backtest · read-only</p>
        <h1 className="text-lg font-semibold text-zinc-100" data-testid="run-name">
          {run.name}
        </h1>
        <p className="text-xs text-zinc-500">Finished {formatCtIso(run.finishedAt)}</p>
      </header>
      <div className="grid items-start gap-4 xl:grid-cols-[minmax(0,1fr)_340px]">
        <Panel id="shared-results-heading" title="Results">
          <RunResults result={{ runId: "shared", ...run.result }} />
        </Panel>
        <Panel id="shared-config-heading" title="Configuration">
          <dl className="divide-y divide-zinc-800/70 text-[13px]" data-testid="run-config">
            <Row label="Strategy">{run.strategyId}</Row>
            <Row label="Parameters">
              {params.length === 0 ? "defaults" : params.map(([k, v]) => `${k} = ${String(v)}`).join(", ")}
            </Row>
            <Row label="Dataset">
              {run.datasetName} v{run.datasetVersion}
            </Row>
            <Row label="Engine version">{run.engineVersion ?? "—"}</Row>
            <Row label="Seed">{run.seed}</Row>
            <Row label="Result hash">
              <span className="font-mono text-[11px] break-all">{run.result.resultHash}</span>
            </Row>
          </dl>
        </Panel>
      </div>
    </div>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[120px_1fr] gap-2 px-3 py-1.5">
      <dt className="text-zinc-500">{label}</dt>
      <dd className="font-mono text-xs text-zinc-200">{children}</dd>
    </div>
  );
}
