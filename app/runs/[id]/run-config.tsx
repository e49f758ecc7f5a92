import type { ReactNode } from "react";
import type { RunDto } from "@/lib/runs/run-dto";
import { formatCtIso, formatUsd } from "@/lib/ui/format";

const FILL_MODEL_LABELS: Record<string, string> = { "l1-trades": "L1 trades (fills at next trade)" };

/** What makes the run reproducible: strategy and parameters, data version, engine version, seed. */
export function RunConfig({ run, engineVersion }: { run: RunDto; engineVersion: string | null }) {
  const config = (run.config ?? {}) as Record<string, unknown>;
  const params = run.params && typeof run.params === "object" ? Object.entries(run.params as Record<string, unknown>) : [];
  const fee = typeof config.feePerSideUsd === "number" ? formatUsd(config.feePerSideUsd) : "contract default";
  const fillModel = typeof config.fillModel === "string" ? (FILL_MODEL_LABELS[config.fillModel] ?? config.fillModel) : "—";
  return (
    <section className="panel" aria-labelledby="config-heading">
      <div className="panel-header">
        <h2 id="config-heading" className="panel-title">
          Configuration
        </h2>
      </div>
      <dl className="divide-y divide-zinc-800/70 text-[13px]" data-testid="run-config">
        <Row label="Strategy" testId="config-strategy">
          <span className="font-mono">{run.strategyId}</span>
        </Row>
        <Row label="Parameters" testId="config-params">
          {params.length === 0 ? (
            "defaults"
          ) : (
            <ul className="space-y-0.5 font-mono text-xs">
              {params.map(([key, value]) => (
                <li key={key}>
                  <span className="text-zinc-500">{key}</span> = {JSON.stringify(value)}
                </li>
              ))}
            </ul>
          )}
        </Row>
        <Row label="Dataset" testId="config-dataset">
          {run.datasetName} <span className="text-zinc-500">v{run.datasetVersion}</span>
          {run.datasetDeleted && (
            <span className="ml-2 rounded-sm border border-amber-700 px-1 text-[10px] font-semibold text-amber-300 uppercase" data-testid="dataset-deleted">
              dataset deleted
            </span>
          )}
        </Row>
        <Row label="Fill model" testId="config-fill-model">
          {fillModel}
        </Row>
        <Row label="Fee per side" testId="config-fee">
          {fee}
        </Row>
        <Row label="Starting cash" testId="config-starting-cash">
          {typeof config.startingCashUsd === "number" ? formatUsd(config.startingCashUsd) : "—"}
        </Row>
        {(typeof config.from === "string" || typeof config.to === "string") && (
          <Row label="Window" testId="config-window">
            {formatCtIso(config.from as string | undefined)} → {formatCtIso(config.to as string | undefined)}
          </Row>
        )}
        <Row label="Engine version" testId="config-engine-version">
          <span className="font-mono">{engineVersion ?? "not started"}</span>
        </Row>
        <Row label="Seed" testId="config-seed">
          <span className="font-mono">{run.seed}</span>
        </Row>
        <Row label="Queued" testId="config-queued">
          {formatCtIso(run.queuedAt)}
        </Row>
        {run.startedAt && (
          <Row label="Started" testId="config-started">
            {formatCtIso(run.startedAt)}
          </Row>
        )}
        <Row label="Run id" testId="config-run-id">
          <span className="font-mono text-xs break-all">{run.id}</span>
        </Row>
      </dl>
    </section>
  );
}

function Row({ label, testId, children }: { label: string; testId: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[110px_minmax(0,1fr)] gap-2 px-3 py-1.5">
      <dt className="text-zinc-500">{label}</dt>
      <dd className="num min-w-0 text-zinc-200" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}
