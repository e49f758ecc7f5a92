"use client";
/**
 * The rolls of a run over a continuous dataset: the schedule it used (rule, contract chain, roll
 * points) and one row per executed roll - the position closed in the old contract at its last
 * price and reopened in the new one at its first price (two fills, each paying the fee per
 * contract per side; lib/engine/roll.ts). Rendered only for results that carry a roll schedule.
 */
import type { RunRollSchedule } from "@/lib/engine/roll";
import type { RollDto } from "@/lib/runs/run-dto";
import { useDisplayZone } from "@/lib/ui/display-zone";
import { formatInt, formatPrice, formatUsd } from "@/lib/ui/format";
import { contractSpecOf, describeRunRollSchedule, rollFeePerSide, rollRows } from "@/lib/ui/rolls-view";

const signed = (n: number, text: string) => `${n > 0 ? "+" : ""}${text}`;

export function RollsPanel({ schedule, rolls = [], config }: { schedule: RunRollSchedule; rolls?: readonly RollDto[]; config: unknown }) {
  const tz = useDisplayZone();
  const view = describeRunRollSchedule(schedule);
  const spec = contractSpecOf(schedule.contracts[0] ?? rolls[0]?.fromContract ?? "");
  const fee = spec ? rollFeePerSide(config, spec) : null;
  const rows = rollRows(rolls, spec, fee);
  return (
    <section aria-labelledby="rolls-heading" data-testid="rolls-panel">
      <h3 id="rolls-heading" className="mb-1.5 text-[11px] font-semibold tracking-wider text-zinc-300 uppercase">
        Rolls{" "}
        <span className="font-normal text-zinc-400 normal-case">continuous series: each roll closes the position in the old contract and reopens it in the new one (two fills, raw prices)</span>
      </h3>
      <dl className="mb-2 grid grid-cols-[110px_minmax(0,1fr)] gap-x-2 gap-y-1 text-[13px]" data-testid="roll-schedule">
        <dt className="text-zinc-400">Roll rule</dt>
        <dd className="text-zinc-200" data-testid="roll-schedule-rule">
          {view.rule}
        </dd>
        <dt className="text-zinc-400">Contracts</dt>
        <dd className="font-mono text-zinc-200" data-testid="roll-schedule-chain">
          {view.chain}
        </dd>
        <dt className="text-zinc-400">Roll dates</dt>
        <dd className="text-zinc-200">
          {view.rolls.length === 0 ? (
            "none"
          ) : (
            <ul className="space-y-0.5">
              {view.rolls.map((r) => (
                <li key={r.atNs} data-testid="roll-schedule-point">
                  <span className="font-mono">{r.sessionDate}</span> {r.fromContract} → {r.toContract}{" "}
                  <span className="text-zinc-400">at the session open, {tz.iso(r.at)}</span>
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
      {rows.length === 0 ? (
        <p className="rounded border border-line px-3 py-4 text-center text-sm text-zinc-400" data-testid="rolls-none">
          No roll inside this run&apos;s time range.
        </p>
      ) : (
        <div className="overflow-x-auto rounded border border-line">
          <table className="data-table" aria-labelledby="rolls-heading" data-testid="rolls-table">
            <thead>
              <tr>
                <th scope="col">Time ({tz.suffix})</th>
                <th scope="col">Contracts</th>
                <th scope="col">Position rolled</th>
                <th scope="col" className="cell-num">Old price</th>
                <th scope="col" className="cell-num">New price</th>
                <th scope="col" className="cell-num">Difference</th>
                <th scope="col" className="cell-num" title="2 sides x fee per side x contracts rolled">
                  Fees
                </th>
                <th scope="col">Fills</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.atNs} data-testid="roll-row" data-qty={r.closedQty}>
                  <td className="text-zinc-300" title={tz.ns(r.atNs)}>
                    {tz.ns(r.atNs, { zone: false })}
                  </td>
                  <td className="font-mono">
                    {r.fromContract} → {r.toContract}
                  </td>
                  <td className={r.closedQty > 0 ? "text-up" : r.closedQty < 0 ? "text-down" : "text-zinc-400"} data-testid="roll-position">
                    {r.position}
                  </td>
                  <td className="cell-num" title={r.fromPriceTicks === null ? "the old contract never traded" : `${formatInt(r.fromPriceTicks)} ticks`}>
                    {spec ? formatPrice(r.fromPrice) : `${formatInt(r.fromPriceTicks)} ticks`}
                  </td>
                  <td className="cell-num" title={`${formatInt(r.toPriceTicks)} ticks`}>
                    {spec ? formatPrice(r.toPrice) : `${formatInt(r.toPriceTicks)} ticks`}
                  </td>
                  <td className="cell-num" data-testid="roll-difference">
                    {r.diffTicks === null ? "—" : `${r.diffPoints === null ? "" : `${signed(r.diffPoints, formatPrice(r.diffPoints))} pts · `}${signed(r.diffTicks, formatInt(r.diffTicks))} ticks`}
                  </td>
                  <td className="cell-num" data-testid="roll-fees">
                    {r.feesCents === null ? "—" : formatUsd(r.feesCents / 100)}
                  </td>
                  <td className="font-mono text-xs text-zinc-300">
                    {r.fillIds}
                    {r.cancelledOrders > 0 && <span className="ml-1 text-zinc-400">· {formatInt(r.cancelledOrders)} orders cancelled</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="border-t border-line px-3 py-1 text-[11px] text-zinc-400" data-testid="roll-fee-note">
            {fee
              ? `Fees: 2 sides × ${formatUsd(fee.perSideCents / 100)} per contract per side (${fee.source === "run" ? "the run's fee" : `${spec?.root} contract default`}) × contracts rolled; no slippage or latency.`
              : "Fees: unknown contract."}
          </p>
        </div>
      )}
    </section>
  );
}
