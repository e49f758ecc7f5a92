import type { MonthlyTable } from "../statistics";
import { formatSignedUsd } from "./format";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pct = (v: number | null) => (v === null ? "—" : `${v > 0 ? "+" : ""}${(v * 100).toFixed(2)}%`);
const tone = (v: number | null) => (v === null || v === 0 ? "text-zinc-400" : v > 0 ? "text-up" : "text-down");

/** Monthly returns by session-date month (compounded; lib/statistics/monthly.ts), a row per year. */
export function MonthlyReturnsTable({ monthly }: { monthly: MonthlyTable }) {
  if (monthly.years.length === 0) return <p className="text-xs text-zinc-400">No monthly data.</p>;
  const pnlOf = new Map(monthly.months.map((m) => [m.month, m.pnlUsd]));
  return (
    <div className="overflow-x-auto rounded border border-line">
      <table className="data-table" data-testid="monthly-table">
        <caption className="sr-only">Monthly returns (percent of the equity at the previous month end) by year</caption>
        <thead>
          <tr>
            <th scope="col">Year</th>
            {MONTHS.map((m) => (
              <th key={m} scope="col" className="cell-num">
                {m}
              </th>
            ))}
            <th scope="col" className="cell-num">
              Year
            </th>
            <th scope="col" className="cell-num">
              P&amp;L
            </th>
          </tr>
        </thead>
        <tbody>
          {monthly.years.map((y) => (
            <tr key={y.year} data-testid="monthly-row">
              <th scope="row" className="px-3 text-left font-medium text-zinc-300">
                {y.year}
              </th>
              {y.months.map((r, i) => {
                const key = `${y.year}-${String(i + 1).padStart(2, "0")}`;
                const pnl = pnlOf.get(key);
                return (
                  <td key={key} className={`cell-num ${tone(r)}`} title={pnl === undefined ? undefined : `${key}: ${formatSignedUsd(pnl)}`}>
                    {pct(r)}
                  </td>
                );
              })}
              <td className={`cell-num font-semibold ${tone(y.return)}`}>{pct(y.return)}</td>
              <td className={`cell-num ${tone(y.pnlUsd)}`}>{formatSignedUsd(y.pnlUsd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
