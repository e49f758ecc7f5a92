"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { api, queryKeys } from "./api";
import { ErrorAlert } from "./error-alert";
import { formatCtIso, formatInt } from "./format";

const STATUS_STYLE: Record<string, string> = {
  ready: "text-up",
  failed: "text-down",
};

/** Read-only list of datasets; `labelledBy` names the heading that titles the table. */
export function DatasetsTable({ labelledBy }: { labelledBy: string }) {
  const query = useQuery({ queryKey: queryKeys.datasets, queryFn: api.datasets });
  if (query.isPending) return <p className="px-3 py-6 text-sm text-zinc-500">Loading datasets…</p>;
  if (query.isError) return <div className="p-3"><ErrorAlert error={query.error} title="Could not load datasets" /></div>;
  const datasets = query.data.datasets;
  if (datasets.length === 0) {
    return (
      <p className="px-3 py-6 text-sm text-zinc-500" data-testid="datasets-empty">
        No datasets yet. An administrator can import or generate one with the <code className="font-mono">tickbench</code> CLI.
      </p>
    );
  }
  return (
    <div className="overflow-x-auto">
      <table className="data-table" aria-labelledby={labelledBy} data-testid="datasets-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Instrument</th>
            <th scope="col">Schema</th>
            <th scope="col" className="cell-num">Version</th>
            <th scope="col">Status</th>
            <th scope="col" className="cell-num">Records</th>
            <th scope="col">From (CT)</th>
            <th scope="col">To (CT)</th>
          </tr>
        </thead>
        <tbody>
          {datasets.map((d) => (
            <tr key={d.id} data-testid="dataset-row" data-dataset-name={d.name}>
              <td className="font-medium text-zinc-100">
                <Link href={`/datasets/${encodeURIComponent(d.name)}`} className="hover:text-accent hover:underline">
                  {d.name}
                </Link>
              </td>
              <td className="font-mono">{d.instrument}</td>
              <td className="font-mono text-zinc-400">{d.schema}</td>
              <td className="cell-num">v{d.version}</td>
              <td className={STATUS_STYLE[d.status] ?? "text-blue-300"}>{d.status}</td>
              <td className="cell-num">{formatInt(d.recordCount)}</td>
              <td className="text-zinc-400">{formatCtIso(d.start, { zone: false })}</td>
              <td className="text-zinc-400">{formatCtIso(d.end, { zone: false })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
