"use client";
import { useQuery } from "@tanstack/react-query";
import { api, queryKeys } from "@/lib/ui/api";
import { formatInt } from "@/lib/ui/format";
import { Panel } from "@/lib/ui/panel";

const KIND_LABEL: Record<string, string> = { price_band: "Price band", halt: "Halt" };

/** What a flag's detail says in a few words (price band: reference and range; halt: cause). */
function describe(kind: string, detail: unknown): string {
  const d = (detail ?? {}) as Record<string, unknown>;
  if (kind === "price_band") {
    return `${d.minPrice === d.maxPrice ? String(d.minPrice) : `${String(d.minPrice)}-${String(d.maxPrice)}`} vs ${String(d.referencePrice)} (±${String(d.percent)}%)`;
  }
  if (kind === "halt") {
    const parts = [String(d.symbol ?? ""), String(d.action ?? ""), String(d.reason ?? "")];
    if (d.calendarHalt) parts.push("in the calendar");
    if (d.openAtEnd) parts.push("open at the end of the file");
    return parts.filter(Boolean).join(" · ");
  }
  return JSON.stringify(d);
}

/**
 * The data flags an import wrote (price-band ranges, exchange halts): kept records, marked. Reads
 * the same cached import report as the rest of the page; renders nothing until it is there.
 */
export function FlagsPanel({ id }: { id: string }) {
  const query = useQuery({ queryKey: queryKeys.importReport(id), queryFn: () => api.importReport(id) });
  const flags = query.data?.flags;
  if (!flags) return null;
  const totals = Object.entries(flags.totals);
  return (
    <Panel id="flags-heading" title="Flags" className="mt-4" testId="import-flags">
      {totals.length === 0 ? (
        <p className="px-3 py-4 text-sm text-zinc-500">No record was flagged.</p>
      ) : (
        <>
          <p className="px-3 pt-3 text-xs text-zinc-500">
            {totals.map(([kind, t]) => `${KIND_LABEL[kind] ?? kind}: ${formatInt(t.flags)} ranges, ${formatInt(t.records)} records`).join(" · ")}
            {flags.truncated && ` · the first ${flags.items.length} ranges shown`}
          </p>
          <table className="data-table" aria-labelledby="flags-heading" data-testid="flag-rows">
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">From (UTC)</th>
                <th scope="col">To (UTC)</th>
                <th scope="col" className="cell-num">Records</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {flags.items.map((f) => (
                <tr key={`${f.kind}-${f.fromNs}-${f.toNs}`}>
                  <td>{KIND_LABEL[f.kind] ?? f.kind}</td>
                  <td className="font-mono text-xs">{f.from}</td>
                  <td className="font-mono text-xs">{f.to}</td>
                  <td className="cell-num">{formatInt(f.count)}</td>
                  <td className="font-mono text-xs text-zinc-400">{describe(f.kind, f.detail)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Panel>
  );
}
