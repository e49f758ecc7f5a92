"use client";
/**
 * Read-only reference data of a dataset (GET /api/datasets/:name/reference, lib/data/reference-data.ts):
 * the contract's Databento definition with its checks against Tickbench's contract spec and
 * computed expiry, the latest value of each statistic of the contract, the last settlement prices
 * and the records held per statistic type. Values are the exact decimals the API sends.
 */
import { useQuery } from "@tanstack/react-query";
import type { DefinitionDto, ReferenceDataDto, StatisticDto } from "@/lib/data/reference-data";
import { apiFetch } from "@/lib/ui/api";
import { ErrorAlert } from "@/lib/ui/error-alert";
import { formatCtIso, formatInt } from "@/lib/ui/format";
import { Panel } from "@/lib/ui/panel";

const SETTLEMENTS_SHOWN = 10;
const CHECK_LABEL: Record<string, string> = { tick_size: "tick size", multiplier: "multiplier", currency: "currency", expiration: "expiration" };

const humanize = (name: string) => name.replaceAll("_", " ");
const plural = (n: number, noun: string) => `${formatInt(n)} ${noun}${n === 1 ? "" : "s"}`;
const valueOf = (s: StatisticDto) => s.price ?? (s.quantity === null ? "—" : formatInt(Number(s.quantity)));
const settlementKind = (s: StatisticDto) => (s.final === null ? "" : s.final ? "final" : "preliminary");

export function ReferencePanel({ name }: { name: string }) {
  const query = useQuery({
    queryKey: ["datasets", name, "reference"],
    queryFn: () => apiFetch<ReferenceDataDto>(`/api/datasets/${encodeURIComponent(name)}/reference?type=settlement_price&limit=${SETTLEMENTS_SHOWN}`),
  });
  const ref = query.data;
  return (
    <Panel
      id="reference-heading"
      title="Reference data"
      testId="reference-panel"
      actions={
        ref && (
          <span className="text-[11px] text-zinc-500" data-testid="reference-summary">
            {plural(ref.definitions.count, "definition")} · {ref.statistics.count === 1 ? "1 statistic" : `${formatInt(ref.statistics.count)} statistics`} · contract {ref.contract ?? `${ref.root} outrights`}
          </span>
        )
      }
    >
      {query.isPending && <p className="px-3 py-4 text-sm text-zinc-500">Loading reference data…</p>}
      {query.isError && (
        <div className="p-3">
          <ErrorAlert error={query.error} title="Could not load the reference data" />
        </div>
      )}
      {ref && ref.definitions.count + ref.statistics.count === 0 && (
        <p className="px-3 py-4 text-sm text-zinc-500">
          No reference data. Import a Databento definition or statistics file into this dataset (<code className="font-mono">tickbench import FILE.dbn.zst --dataset {name}</code>).
        </p>
      )}
      {ref && ref.definitions.count + ref.statistics.count > 0 && (
        <div className="grid gap-4 p-3 lg:grid-cols-2">
          <Definitions definitions={ref.definitions.contract} held={ref.definitions.count} />
          <div className="space-y-4">
            <LatestStatistics latest={ref.statistics.latest} />
            <Settlements points={ref.series.points} />
            <ByType byType={ref.statistics.byType} />
          </div>
        </div>
      )}
    </Panel>
  );
}

function Definitions({ definitions, held }: { definitions: DefinitionDto[]; held: number }) {
  if (definitions.length === 0) {
    return <p className="text-sm text-zinc-500">{held > 0 ? `${formatInt(held)} definitions held, none of this dataset's contract.` : "No definition imported."}</p>;
  }
  return (
    <div className="space-y-3" data-testid="reference-definitions">
      {definitions.map((d) => {
        const rows: Array<[string, string]> = [
          ["Instrument id", String(d.instrumentId)],
          ["Class / type", `${d.instrumentClass} · ${d.securityType} · ${d.exchange} ${d.group}`],
          ["Tick size", d.minPriceIncrement ?? "—"],
          ["Multiplier", d.multiplier === null ? "—" : `${d.multiplier} ${d.currency} per point (${d.unitOfMeasure})`],
          ["Expiration (CT)", formatCtIso(d.expiration, { zone: false })],
          ["Activation (CT)", formatCtIso(d.activation, { zone: false })],
          ["Maturity", d.maturityYear === null ? "—" : `${d.maturityYear}-${String(d.maturityMonth ?? 0).padStart(2, "0")}`],
          ["Limits", d.highLimitPrice === null && d.lowLimitPrice === null ? "—" : `${d.lowLimitPrice ?? "—"} .. ${d.highLimitPrice ?? "—"}`],
          ["Market segment", d.marketSegmentId === null ? "—" : String(d.marketSegmentId)],
          ["Received (CT)", formatCtIso(d.tsRecv, { zone: false })],
        ];
        return (
          <div key={d.rawSymbol} className="rounded border border-zinc-800">
            <h3 className="border-b border-zinc-800 px-2 py-1 font-mono text-sm text-zinc-100">{d.rawSymbol} definition</h3>
            <dl className="divide-y divide-zinc-800 text-xs">
              {rows.map(([k, v]) => (
                <div key={k} className="grid grid-cols-[120px_1fr] gap-2 px-2 py-1">
                  <dt className="text-zinc-500">{k}</dt>
                  <dd className="font-mono text-zinc-200">{v}</dd>
                </div>
              ))}
            </dl>
            <ul className="flex flex-wrap gap-1.5 border-t border-zinc-800 px-2 py-1.5 text-[11px]" aria-label="Checks against the contract spec" data-testid="definition-checks">
              {d.checks.map((c) => (
                <li
                  key={c.field}
                  className={c.ok ? "rounded border border-emerald-800 px-1.5 text-emerald-300" : "rounded border border-amber-700 px-1.5 text-amber-300"}
                  title={c.ok ? `matches Tickbench: ${c.expected}` : `definition ${c.actual ?? "(none)"}, Tickbench ${c.expected}`}
                >
                  {CHECK_LABEL[c.field] ?? c.field} {c.ok ? "✓ matches spec" : `✗ ${c.actual ?? "(none)"} ≠ ${c.expected}`}
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </div>
  );
}

function LatestStatistics({ latest }: { latest: StatisticDto[] }) {
  return (
    <div>
      <h3 className="mb-1 text-xs font-medium text-zinc-400">Latest statistics of the contract</h3>
      {latest.length === 0 ? (
        <p className="text-sm text-zinc-500">No statistics of this dataset&apos;s contract.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="data-table" aria-label="Latest statistics by type" data-testid="reference-latest">
            <thead>
              <tr>
                <th scope="col">Statistic</th>
                <th scope="col">Symbol</th>
                <th scope="col">Session</th>
                <th scope="col" className="cell-num">Value</th>
                <th scope="col">Received (CT)</th>
              </tr>
            </thead>
            <tbody>
              {latest.map((s) => (
                <tr key={s.statType}>
                  <td>
                    {humanize(s.name)} <span className="text-zinc-500">{settlementKind(s)}</span>
                  </td>
                  <td className="font-mono">{s.rawSymbol ?? "—"}</td>
                  <td className="font-mono">{s.sessionDate ?? "—"}</td>
                  <td className="cell-num font-mono">{valueOf(s)}</td>
                  <td className="font-mono">{formatCtIso(s.tsRecv, { zone: false })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function Settlements({ points }: { points: StatisticDto[] }) {
  if (points.length === 0) return null;
  return (
    <div>
      <h3 className="mb-1 text-xs font-medium text-zinc-400">Settlement prices (latest per session)</h3>
      <table className="data-table" aria-label="Settlement prices" data-testid="reference-settlements">
        <thead>
          <tr>
            <th scope="col">Session</th>
            <th scope="col">Symbol</th>
            <th scope="col" className="cell-num">Price</th>
            <th scope="col">Kind</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={`${p.sessionDate}|${p.rawSymbol}`}>
              <td className="font-mono">{p.sessionDate}</td>
              <td className="font-mono">{p.rawSymbol}</td>
              <td className="cell-num font-mono">{p.price ?? "—"}</td>
              <td>{settlementKind(p) || "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ByType({ byType }: { byType: ReferenceDataDto["statistics"]["byType"] }) {
  if (byType.length === 0) return null;
  return (
    <div>
      <h3 className="mb-1 text-xs font-medium text-zinc-400">Statistics held, by type (all instruments)</h3>
      <ul className="flex flex-wrap gap-1.5 text-[11px]" data-testid="reference-by-type">
        {byType.map((t) => (
          <li key={t.statType} className="rounded border border-zinc-700 px-1.5 py-0.5 text-zinc-300" title={`StatType ${t.statType}${t.known ? "" : " (no name known to Tickbench)"}`}>
            {humanize(t.name)} <span className="font-mono text-zinc-500">{formatInt(t.count)}</span>
            {t.matching !== t.count && <span className="font-mono text-zinc-500"> ({formatInt(t.matching)} contract)</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}
