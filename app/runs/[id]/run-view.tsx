"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { RunDto } from "@/lib/runs/run-dto";
import { api, queryKeys } from "@/lib/ui/api";
import { ErrorAlert } from "@/lib/ui/error-alert";
import { StatusBadge } from "@/lib/ui/status-badge";
import { useNow } from "@/lib/ui/use-now";
import { isStalledNow } from "@/lib/ui/run-progress";
import { RunConfig } from "./run-config";
import { ShareButton } from "./share-button";
import { ExportMenu } from "./export-menu";
import { RunManage } from "./run-manage";
import { RunAgainLink } from "./run-again-link";
import { RunProgressPanel } from "./run-progress-panel";
import { RunDashboard } from "./run-dashboard";
import { useLiveRun } from "./use-live-run";

export function RunView({ initialRun, isOwner = false }: { initialRun: RunDto; isOwner?: boolean }) {
  const queryClient = useQueryClient();
  const { progress, liveEquity, connection, denied, apply } = useLiveRun(initialRun);
  // The run's record (configuration, engine version, timings) is re-read whenever its status
  // changes; live progress itself comes over the socket.
  const record = useQuery({
    queryKey: [...queryKeys.run(initialRun.id), progress.status],
    queryFn: () => api.run(initialRun.id),
    initialData: progress.status === initialRun.status ? initialRun : undefined,
    staleTime: Infinity,
  });
  const run = record.data ?? initialRun;
  const now = useNow();
  const [cancelRequested, setCancelRequested] = useState(false);

  const cancel = useMutation({
    mutationFn: () => api.cancelRun(run.id),
    onSuccess: (updated) => {
      setCancelRequested(true);
      apply(updated);
      void queryClient.invalidateQueries({ queryKey: queryKeys.runs });
    },
  });

  const succeeded = progress.status === "succeeded";
  const result = useQuery({
    queryKey: queryKeys.runResult(run.id),
    queryFn: () => api.runResult(run.id),
    enabled: succeeded,
    staleTime: Infinity,
  });

  const cancellable = progress.status === "queued" || progress.status === "running";
  const stalled = isStalledNow(progress, now);

  return (
    <div className="space-y-4" data-testid="run-view" data-run-id={run.id}>
      <nav aria-label="Breadcrumb" className="text-xs text-zinc-400">
        <Link href="/" className="hover:text-zinc-300">
          Backtests
        </Link>
        <span aria-hidden className="mx-1.5">
          /
        </span>
        <span className="font-mono text-zinc-400">{run.id.slice(0, 8)}</span>
      </nav>

      <header className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold text-zinc-100" data-testid="run-name">
          {run.name}
        </h1>
        <StatusBadge status={progress.status} stalled={stalled} />
        <RunAgainLink run={run} />
        {succeeded && isOwner && (
          <div className="ml-auto">
            <ShareButton runId={run.id} />
          </div>
        )}
        {cancellable && (
          <div className="ml-auto flex items-center gap-2">
            {cancelRequested && progress.status === "running" && (
              <span className="text-xs text-zinc-400" role="status">
                Cancellation requested; the run stops at its next checkpoint.
              </span>
            )}
            <button type="button" className="btn btn-danger" onClick={() => cancel.mutate()} disabled={cancel.isPending || cancelRequested}>
              {cancel.isPending || cancelRequested ? "Cancelling…" : "Cancel run"}
            </button>
          </div>
        )}
      </header>

      {cancel.isError && <ErrorAlert error={cancel.error} title="Could not cancel the run" />}

      <div className="grid items-start gap-4 2xl:grid-cols-[minmax(0,1fr)_340px]">
        <div className="min-w-0 space-y-4">
          <RunProgressPanel
            progress={progress}
            liveEquity={liveEquity}
            connection={connection}
            denied={denied}
            now={now}
            stalled={stalled}
            startingCashUsd={startingCash(run.config)}
            showLiveChart={!succeeded}
          />
          {succeeded && (
            <section className="panel" aria-labelledby="results-heading">
              <div className="panel-header">
                <h2 id="results-heading" className="panel-title">
                  Results
                </h2>
                <ExportMenu runId={run.id} />
                {result.data && (
                  <span className="font-mono text-[11px] text-zinc-400" title="Result hash: identical inputs give an identical hash">
                    hash {result.data.resultHash.slice(0, 16)}
                  </span>
                )}
              </div>
              {result.isPending && <p className="p-3 text-sm text-zinc-400">Loading results…</p>}
              {result.isError && (
                <div className="p-3">
                  <ErrorAlert error={result.error} title="Could not load the results" />
                </div>
              )}
              {result.data && <RunDashboard access={{ runId: run.id }} result={result.data} config={run.config} />}
            </section>
          )}
        </div>
        {/* Beside the results on very wide screens; below them, in two columns, otherwise. */}
        <div className="grid items-start gap-4 lg:grid-cols-2 2xl:grid-cols-1">
          <RunConfig run={run} resultHash={result.data?.resultHash ?? null} statisticsVersion={result.data?.statistics?.version ?? null} />
          {isOwner && <RunManage run={run} finished={!cancellable} />}
        </div>
      </div>
    </div>
  );
}

function startingCash(config: unknown): number | null {
  const value = (config as { startingCashUsd?: unknown } | null)?.startingCashUsd;
  return typeof value === "number" ? value : null;
}
