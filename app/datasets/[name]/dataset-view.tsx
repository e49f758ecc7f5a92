"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api, queryKeys, type DatasetDetail } from "@/lib/ui/api";
import { ErrorAlert } from "@/lib/ui/error-alert";
import { formatCtIso, formatInt } from "@/lib/ui/format";
import { Breadcrumb } from "@/lib/ui/breadcrumb";
import { Panel } from "@/lib/ui/panel";
import { QueryFallback } from "@/lib/ui/query-fallback";
import { CoverageCalendar } from "./coverage-calendar";
import { ImportsPanel } from "./imports-panel";
import { ValidationRulesPanel } from "./validation-rules-panel";
import { ComponentsPanel } from "./components-panel";
import { ReferencePanel } from "./reference-panel";

export function DatasetView({ name, isAdmin }: { name: string; isAdmin: boolean }) {
  const query = useQuery({ queryKey: queryKeys.dataset(name), queryFn: () => api.dataset(name) });
  if (query.isPending || query.isError) return <QueryFallback isPending={query.isPending} error={query.error} noun="dataset" back={{ href: "/datasets", label: "Back to datasets" }} />;
  const d = query.data;
  return (
    <div className="space-y-4" data-testid="dataset-view">
      <Breadcrumb crumbs={[{ label: "Datasets", href: "/datasets" }, { label: d.name, mono: true }]} />
      <header className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold text-zinc-100">{d.name}</h1>
        <span className="rounded border border-zinc-700 px-1.5 py-0.5 font-mono text-xs text-zinc-300">{d.instrument}</span>
        <span className="font-mono text-xs text-zinc-500">
          {d.schema} · v{d.version}
        </span>
        {isAdmin && <DeleteDataset name={d.name} />}
      </header>
      <ComponentsPanel dataset={d} />
      <div className="grid items-start gap-4 xl:grid-cols-[minmax(0,1fr)_340px]">
        <Panel
          id="coverage-heading"
          title="Coverage by session date (CT)"
          actions={
            <span className="text-[11px] text-zinc-500" data-testid="coverage-summary">
              {d.coverage.sessions.length} sessions · {d.coverage.gaps} without data · calendar {d.coverage.calendarVersion}
            </span>
          }
        >
          <CoverageCalendar coverage={d.coverage} dataset={d} />
        </Panel>
        <div className="space-y-4">
          <Summary dataset={d} />
          <ValidationRulesPanel dataset={d} canEdit={isAdmin} />
        </div>
      </div>
      {d.kind !== "continuous" && <ReferencePanel name={d.name} />}
      <ImportsPanel name={d.name} />
    </div>
  );
}

/** Stored records by kind, shown for datasets holding more than trades (quotes, depth or MBO). */
function storedRows(stored: DatasetDetail["storedRecords"]): Array<[string, React.ReactNode]> {
  if (!stored || stored.quotes + stored.depth + stored.mbo === 0) return [];
  const rows: Array<[string, number]> = [
    ["Trades", stored.trades],
    ["Quotes", stored.quotes],
    ["Depth (MBP-10)", stored.depth],
    ["MBO records", stored.mbo],
  ];
  return rows.filter(([, n]) => n > 0).map(([k, n]) => [k, formatInt(n)]);
}

function Summary({ dataset: d }: { dataset: DatasetDetail }) {
  const rows: Array<[string, React.ReactNode]> = [
    ["Status", d.status],
    ["Records", formatInt(d.recordCount)],
    // Quote, depth and MBO datasets: their records by kind (recordCount counts the dataset's own schema's records).
    ...storedRows(d.storedRecords),
    ["From", formatCtIso(d.start)],
    ["To", formatCtIso(d.end)],
    ["Outside sessions", formatInt(d.coverage.outsideSessions)],
    ["Description", d.description ?? "—"],
    ["Created", formatCtIso(d.createdAt)],
  ];
  return (
    <Panel id="dataset-summary-heading" title="Summary">
      <dl className="divide-y divide-zinc-800 text-sm">
        {rows.map(([k, v]) => (
          <div key={k} className="grid grid-cols-[130px_1fr] gap-2 px-3 py-1.5">
            <dt className="text-zinc-500">{k}</dt>
            <dd className="text-zinc-200">{v}</dd>
          </div>
        ))}
        <div className="px-3 py-1.5">
          <dt className="text-zinc-500">Provenance</dt>
          <dd>
            <pre className="mt-1 overflow-x-auto rounded bg-zinc-950 p-2 font-mono text-[11px] text-zinc-400">{JSON.stringify(d.provenance, null, 2)}</pre>
          </dd>
        </div>
      </dl>
    </Panel>
  );
}

/** Deleting asks the admin to type the dataset's name: results computed from it stay readable. */
function DeleteDataset({ name }: { name: string }) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const router = useRouter();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api.deleteDataset(name),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.datasets });
      router.replace("/datasets");
    },
  });
  if (!open) {
    return (
      <button type="button" className="btn btn-danger ml-auto" onClick={() => setOpen(true)}>
        Delete dataset
      </button>
    );
  }
  return (
    <div role="dialog" aria-modal="false" aria-labelledby="delete-dataset-title" className="ml-auto w-full max-w-md rounded border border-red-900 bg-red-950/40 p-3 text-sm">
      <h2 id="delete-dataset-title" className="font-semibold text-red-200">
        Delete {name}?
      </h2>
      <p className="mt-1 text-red-200/80">Its ticks are removed for good. Backtest results computed from it stay readable and say that their dataset was deleted.</p>
      <label htmlFor="confirm-dataset-name" className="mt-2 block text-xs text-zinc-300">
        Type the dataset name to confirm
      </label>
      <input id="confirm-dataset-name" className="input mt-1 w-full" value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus />
      {remove.isError && <ErrorAlert error={remove.error} title="Could not delete the dataset" />}
      <div className="mt-2 flex gap-2">
        <button type="button" className="btn btn-danger" disabled={typed !== name || remove.isPending} onClick={() => remove.mutate()}>
          {remove.isPending ? "Deleting…" : "Delete permanently"}
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </div>
  );
}
