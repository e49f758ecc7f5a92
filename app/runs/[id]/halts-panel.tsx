"use client";
/**
 * The exchange halts a run was replayed with (halt flags of the dataset, from Databento status
 * files; lib/engine/market-hours.ts): orders sent during a halt were rejected ("halted") and
 * nothing filled between its start and the resumption. Rendered only when the run had halts.
 */
import type { HaltDto } from "@/lib/runs/run-dto";
import { useDisplayZone } from "@/lib/ui/display-zone";

export function HaltsPanel({ halts }: { halts: readonly HaltDto[] }) {
  const tz = useDisplayZone();
  return (
    <section aria-labelledby="halts-heading" data-testid="halts-panel">
      <h3 id="halts-heading" className="mb-1.5 text-[11px] font-semibold tracking-wider text-zinc-300 uppercase">
        Exchange halts{" "}
        <span className="font-normal text-zinc-400 normal-case">no fills and orders rejected while halted ({halts.length})</span>
      </h3>
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">From</th>
            <th scope="col">To (resumed)</th>
            <th scope="col">Status</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {halts.map((h) => (
            <tr key={h.fromNs} data-testid="halt-row">
              <td className="font-mono text-xs">{tz.iso(h.from)}</td>
              <td className="font-mono text-xs">{tz.iso(h.to)}</td>
              <td>{h.action ?? "—"}</td>
              <td>{h.reason ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
