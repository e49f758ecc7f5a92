"use client";
/**
 * A continuous dataset's components (one dated contract each, in expiry order, with the time range
 * replayed from each) and its roll dates (lib/data/continuous-datasets.ts). Renders nothing for a
 * single dataset. Times are shown in America/Chicago: a roll takes effect at the 17:00 CT open of
 * its session date.
 */
import type { ContinuousDetailDto } from "@/lib/data/datasets";
import { formatCtIso } from "@/lib/ui/format";
import { Panel } from "@/lib/ui/panel";

interface ContinuousDataset {
  kind: string;
  rollRule: unknown;
  /** Sent by GET /api/datasets/:name for continuous datasets. */
  continuous?: ContinuousDetailDto | null;
}

function describeRule(rule: unknown): string {
  const r = (rule ?? {}) as { kind?: string; daysBeforeExpiry?: number; dates?: string[] };
  switch (r.kind) {
    case "calendar":
      return `calendar: ${r.daysBeforeExpiry ?? 8} days before expiry`;
    case "volume":
      return "volume crossover";
    case "open-interest":
      return "open-interest crossover";
    case "manual":
      return `manual: ${(r.dates ?? []).join(", ")}`;
    default:
      return "unknown rule";
  }
}

export function ComponentsPanel({ dataset }: { dataset: ContinuousDataset }) {
  const continuous = dataset.continuous;
  if (dataset.kind !== "continuous" || !continuous) return null;
  return (
    <Panel
      id="components-heading"
      title="Continuous series: components and rolls"
      testId="components-panel"
      actions={<span className="text-[11px] text-zinc-500">{describeRule(dataset.rollRule)} · trading in the real contract, raw prices</span>}
    >
      <div className="grid gap-4 md:grid-cols-2">
        <table className="w-full text-left text-xs" aria-label="Components">
          <thead className="text-zinc-500">
            <tr>
              <th className="py-1 font-normal">#</th>
              <th className="py-1 font-normal">Contract</th>
              <th className="py-1 font-normal">Dataset</th>
              <th className="py-1 font-normal">Traded from (CT)</th>
              <th className="py-1 font-normal">until (CT)</th>
            </tr>
          </thead>
          <tbody className="font-mono text-zinc-300">
            {continuous.components.map((c) => (
              <tr key={c.position} data-testid="component-row">
                <td className="py-1">{c.position + 1}</td>
                <td className="py-1">{c.contract}</td>
                <td className="py-1">
                  <a href={`/datasets/${encodeURIComponent(c.name)}`} className="text-accent hover:underline">
                    {c.name}
                  </a>
                </td>
                <td className="py-1">{c.from ? formatCtIso(c.from) : "start of data"}</td>
                <td className="py-1">{c.to ? formatCtIso(c.to) : "end of data"}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table className="w-full text-left text-xs" aria-label="Roll dates">
          <thead className="text-zinc-500">
            <tr>
              <th className="py-1 font-normal">Roll session</th>
              <th className="py-1 font-normal">At (CT)</th>
              <th className="py-1 font-normal">From</th>
              <th className="py-1 font-normal">To</th>
            </tr>
          </thead>
          <tbody className="font-mono text-zinc-300">
            {continuous.rolls.map((r) => (
              <tr key={r.atNs} data-testid="roll-row">
                <td className="py-1">{r.sessionDate}</td>
                <td className="py-1">{formatCtIso(r.at)}</td>
                <td className="py-1">{r.fromContract}</td>
                <td className="py-1">{r.toContract}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}
