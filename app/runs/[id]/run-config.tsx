"use client";
import type { ReactNode } from "react";
import { useDisplayZone } from "@/lib/ui/display-zone";
import { formatInt, formatUsd } from "@/lib/ui/format";
import { describeRunExecution } from "@/lib/ui/run-execution-view";

const FILL_MODEL_LABELS: Record<string, string> = {
  "l1-trades": "L1 trades (fills at next trade)",
  "l1-quotes": "L1 quotes (fills at the opposite best)",
  "l2-queue": "L2 queue (back of the displayed size)",
  "l3-fifo": "L3 FIFO (real order queue)",
};

/** The fields of a run the configuration panel shows; RunDto and the shared page's DTO both fit. */
export interface RunConfigView {
  id?: string;
  strategyId: string;
  params: unknown;
  config: unknown;
  datasetName: string;
  datasetVersion: number;
  datasetDeleted?: boolean;
  engineVersion: string | null;
  /** SHA-256 of the strategy source the run executed, when recorded. */
  strategyCodeHash?: string | null;
  seed: number;
  queuedAt?: string;
  startedAt?: string | null;
  finishedAt?: string | null;
}

/**
 * Everything that makes the run reproducible: strategy and parameters, every engine setting (with
 * its default when the run did not set it), data version, code version, seed, and the result's
 * hash (same inputs, same hash).
 */
export function RunConfig({ run, resultHash = null, statisticsVersion = null }: { run: RunConfigView; resultHash?: string | null; statisticsVersion?: string | null }) {
  const tz = useDisplayZone();
  const config = (run.config ?? {}) as Record<string, unknown>;
  const params = run.params && typeof run.params === "object" ? Object.entries(run.params as Record<string, unknown>) : [];
  const num = (key: string) => (typeof config[key] === "number" ? (config[key] as number) : undefined);
  const fee = num("feePerSideUsd") === undefined ? "contract default" : formatUsd(num("feePerSideUsd"));
  const fillModel = typeof config.fillModel === "string" ? (FILL_MODEL_LABELS[config.fillModel] ?? config.fillModel) : FILL_MODEL_LABELS["l1-trades"];
  const codeHash = run.strategyCodeHash ?? null;
  const execution = describeRunExecution(config);
  return (
    <section className="panel" aria-labelledby="config-heading">
      <div className="panel-header">
        <h2 id="config-heading" className="panel-title">
          Configuration &amp; provenance
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
                  <span className="text-zinc-400">{key}</span> = {JSON.stringify(value)}
                </li>
              ))}
            </ul>
          )}
        </Row>
        <Row label="Dataset" testId="config-dataset">
          {run.datasetName} <span className="text-zinc-400">v{run.datasetVersion}</span>
          {run.datasetDeleted && (
            <span className="ml-2 rounded-sm border border-amber-700 px-1 text-[10px] font-semibold text-amber-300 uppercase" data-testid="dataset-deleted">
              dataset deleted
            </span>
          )}
        </Row>
        <Row label="Fill model" testId="config-fill-model">
          {fillModel}
        </Row>
        <Row label="Latency" testId="config-latency">
          {execution.latency}
        </Row>
        <Row label="Fill sizes" testId="config-fill-sizes">
          {execution.fills}
        </Row>
        <Row label="Sessions" testId="config-sessions">
          {execution.session}
        </Row>
        <Row label="Slippage" testId="config-slippage">
          {formatInt(num("slippageTicks") ?? 0)} ticks
        </Row>
        <Row label="Fee per side" testId="config-fee">
          {fee}
        </Row>
        <Row label="Starting cash" testId="config-starting-cash">
          {num("startingCashUsd") === undefined ? "—" : formatUsd(num("startingCashUsd"))}
        </Row>
        <Row label="Window" testId="config-window">
          {typeof config.from === "string" || typeof config.to === "string" ? (
            <>
              {typeof config.from === "string" ? tz.iso(config.from) : "start of data"} → {typeof config.to === "string" ? tz.iso(config.to) : "end of data"}
            </>
          ) : (
            "the whole dataset"
          )}
        </Row>
        <Row label="Engine version" testId="config-engine-version">
          <span className="font-mono">{run.engineVersion ?? "not started"}</span>
        </Row>
        {codeHash && (
          <Row label="Strategy code" testId="config-code-hash">
            <span className="font-mono text-xs break-all" title={`SHA-256 ${codeHash}`}>
              sha256 {codeHash.slice(0, 16)}
            </span>
          </Row>
        )}
        <Row label="Seed" testId="config-seed">
          <span className="font-mono">{run.seed}</span>
        </Row>
        {resultHash && (
          <Row label="Result hash" testId="config-result-hash">
            <span className="font-mono text-[11px] break-all">{resultHash}</span>
          </Row>
        )}
        {statisticsVersion && (
          <Row label="Statistics" testId="config-statistics-version">
            <span className="font-mono text-xs">{statisticsVersion}</span>
          </Row>
        )}
        {run.queuedAt && (
          <Row label="Queued" testId="config-queued">
            {tz.iso(run.queuedAt)}
          </Row>
        )}
        {run.startedAt && (
          <Row label="Started" testId="config-started">
            {tz.iso(run.startedAt)}
          </Row>
        )}
        {run.finishedAt && (
          <Row label="Finished" testId="config-finished">
            {tz.iso(run.finishedAt)}
          </Row>
        )}
        {run.id && (
          <Row label="Run id" testId="config-run-id">
            <span className="font-mono text-xs break-all">{run.id}</span>
          </Row>
        )}
      </dl>
    </section>
  );
}

function Row({ label, testId, children }: { label: string; testId: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[110px_minmax(0,1fr)] gap-2 px-3 py-1.5">
      <dt className="text-zinc-400">{label}</dt>
      <dd className="num min-w-0 text-zinc-200" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}
