"use client";
/**
 * The trade list of a result: server-side paging, sorting and filtering (GET /api/runs/:id/trades),
 * a virtualised body (only the visible rows are in the DOM, so a 1,000-row page scrolls smoothly)
 * and keyboard navigation: the table is one tab stop; ArrowUp/ArrowDown/PageUp/PageDown/Home/End
 * move the selected row, Enter (or a click) opens that trade's price chart (`?trade=<seq>`).
 * Continuous datasets: a round trip that enters or exits at a roll instant carries a "roll" badge
 * there (the roll's fills close it in the old contract and open the next in the new one).
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import type { TradeSort, TradesQuery } from "@/lib/runs/trades-query";
import { PAGE_SIZES } from "@/lib/runs/trades-query";
import { dashboardApi, dashboardKeys, type ResultAccess } from "@/lib/ui/dashboard-api";
import { useDisplayZone } from "@/lib/ui/display-zone";
import { ErrorAlert } from "@/lib/ui/error-alert";
import { formatDuration, formatInt, formatPrice, formatSignedUsd, pnlClass } from "@/lib/ui/format";
import { tradeRollMarks } from "@/lib/ui/rolls-view";

const ROW_HEIGHT = 30;
const COLUMNS = 9;
const NO_ROLLS: ReadonlySet<string> = new Set();

interface Props {
  access: ResultAccess;
  query: TradesQuery;
  selectedSeq: number | null;
  onQuery: (patch: Partial<TradesQuery>) => void;
  onOpenTrade: (seq: number) => void;
  /** Instants (ns) of the run's rolls that moved a position (lib/ui/rolls-view.ts rollInstants). */
  rollInstants?: ReadonlySet<string>;
}

export function TradesPanel({ access, query, selectedSeq, onQuery, onOpenTrade, rollInstants = NO_ROLLS }: Props) {
  const tz = useDisplayZone();
  const page = useQuery({
    queryKey: dashboardKeys.trades(access, query),
    queryFn: () => dashboardApi.trades(access, query),
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
  const trades = page.data?.trades ?? [];
  const [active, setActive] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);
  // The app does not use the React Compiler; the virtualizer's unstable functions are only read during render.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: trades.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });

  // A new page starts at its first row, or at the open trade when it is on this page.
  const pageKey = JSON.stringify(query);
  const [seenKey, setSeenKey] = useState<string | null>(null);
  if (page.data && !page.isPlaceholderData && seenKey !== pageKey) {
    setSeenKey(pageKey);
    const at = selectedSeq === null ? -1 : page.data.trades.findIndex((t) => t.seq === selectedSeq);
    setActive(Math.max(0, at));
  }
  useEffect(() => {
    if (trades.length > 0) virtualizer.scrollToIndex(Math.min(active, trades.length - 1), { align: "auto" });
  }, [active, trades.length, virtualizer]);

  function onKeyDown(e: KeyboardEvent<HTMLTableElement>) {
    if (trades.length === 0) return;
    const visibleRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 300) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: visibleRows, PageUp: -visibleRows, Home: -Infinity, End: Infinity };
    if (e.key in moves) {
      e.preventDefault();
      setActive((i) => Math.min(trades.length - 1, Math.max(0, i + moves[e.key])));
    } else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      onOpenTrade(trades[Math.min(active, trades.length - 1)].seq);
    }
  }

  const total = page.data?.total ?? 0;
  const pages = page.data?.pages ?? 1;
  const filtered = query.side || query.outcome || query.from || query.to;
  const items = virtualizer.getVirtualItems();
  const padTop = items.length > 0 ? items[0].start : 0;
  const padBottom = items.length > 0 ? virtualizer.getTotalSize() - items[items.length - 1].end : 0;
  const activeSeq = trades[Math.min(active, trades.length - 1)]?.seq;

  return (
    <div className="space-y-2" data-testid="trades-panel">
      <div role="group" aria-label="Filter trades" className="flex flex-wrap items-end gap-2 text-xs">
        <Select label="Side" value={query.side ?? ""} onChange={(v) => onQuery({ side: (v || undefined) as TradesQuery["side"] })} options={[["", "All"], ["long", "Long"], ["short", "Short"]]} />
        <Select label="Outcome" value={query.outcome ?? ""} onChange={(v) => onQuery({ outcome: (v || undefined) as TradesQuery["outcome"] })} options={[["", "All"], ["winners", "Winners"], ["losers", "Losers"]]} />
        <DateInput label="Closed from" value={query.from} onChange={(v) => onQuery({ from: v })} />
        <DateInput label="Closed to" value={query.to} onChange={(v) => onQuery({ to: v })} />
        <Select label="Per page" value={String(query.pageSize)} onChange={(v) => onQuery({ pageSize: Number(v) })} options={PAGE_SIZES.map((n) => [String(n), String(n)])} />
        {filtered && (
          <button type="button" className="btn btn-ghost h-7 text-xs" onClick={() => onQuery({ side: undefined, outcome: undefined, from: undefined, to: undefined })}>
            Clear filters
          </button>
        )}
        <p className="ml-auto text-zinc-400" role="status" data-testid="trades-summary">
          {page.data
            ? `${formatInt(total)} of ${formatInt(page.data.runTotal)} round trips${filtered ? ` · net ${formatSignedUsd(page.data.filteredNetUsd)}` : ""}`
            : "Loading trades…"}
        </p>
      </div>
      <p className="text-[11px] text-zinc-400">Dates are CME session dates of the exit (the day the P&amp;L is booked). Times in {tz.label}.</p>

      {page.isError && <ErrorAlert error={page.error} title="Could not load the trades" />}

      <div ref={scrollRef} className="max-h-[460px] overflow-auto rounded border border-line" data-testid="trades-scroll">
        <table
          className="data-table data-table-compact"
          role="grid"
          aria-label="Round trips"
          aria-rowcount={trades.length + 1}
          aria-busy={page.isFetching}
          aria-activedescendant={activeSeq !== undefined ? `trade-row-${activeSeq}` : undefined}
          tabIndex={0}
          onKeyDown={onKeyDown}
          data-testid="trades-table"
        >
          <thead>
            <tr aria-rowindex={1}>
              <th scope="col" className="cell-num">
                #
              </th>
              <th scope="col">Side</th>
              <SortHeader label="Qty" sort="qty" query={query} onQuery={onQuery} numeric />
              <SortHeader label={`Entry (${tz.suffix})`} sort="entry" query={query} onQuery={onQuery} />
              <th scope="col" className="cell-num">
                Entry price
              </th>
              <th scope="col">Exit ({tz.suffix})</th>
              <th scope="col" className="cell-num">
                Exit price
              </th>
              <SortHeader label="Duration" sort="duration" query={query} onQuery={onQuery} numeric />
              <SortHeader label="Net P&L" sort="pnl" query={query} onQuery={onQuery} numeric />
            </tr>
          </thead>
          <tbody>
            {padTop > 0 && (
              <tr aria-hidden>
                <td colSpan={COLUMNS} style={{ height: padTop, padding: 0, border: 0 }} />
              </tr>
            )}
            {items.map((item) => {
              const t = trades[item.index];
              const isActive = item.index === active;
              const isOpen = t.seq === selectedSeq;
              const rolled = tradeRollMarks(t, rollInstants);
              return (
                <tr
                  key={t.seq}
                  ref={virtualizer.measureElement}
                  data-index={item.index}
                  id={`trade-row-${t.seq}`}
                  aria-rowindex={item.index + 2}
                  aria-selected={isActive}
                  data-testid="trade-list-row"
                  data-seq={t.seq}
                  data-active={isActive || undefined}
                  className={`cursor-pointer ${isActive ? "bg-accent-soft outline-1 -outline-offset-1 outline-accent" : ""} ${isOpen ? "font-semibold" : ""}`}
                  onClick={() => {
                    setActive(item.index);
                    onOpenTrade(t.seq);
                  }}
                >
                  <td className="cell-num text-zinc-400">{t.seq}</td>
                  <td className={t.side > 0 ? "text-up" : "text-down"}>{t.side > 0 ? "Long" : "Short"}</td>
                  <td className="cell-num">{formatInt(t.qty)}</td>
                  <td className="text-zinc-300" data-testid="trade-entry-time" title={tz.ns(t.entryNs)}>
                    {tz.ns(t.entryNs, { zone: false })}
                    {rolled.entry && <RollBadge at="entry" />}
                  </td>
                  <td className="cell-num">{formatPrice(t.entryPrice)}</td>
                  <td className="text-zinc-300" title={tz.ns(t.exitNs)}>
                    {tz.ns(t.exitNs, { zone: false })}
                    {rolled.exit && <RollBadge at="exit" />}
                  </td>
                  <td className="cell-num">{formatPrice(t.exitPrice)}</td>
                  <td className="cell-num text-zinc-300">{t.durationMs < 1000 ? `${Math.round(t.durationMs)} ms` : formatDuration(t.durationMs)}</td>
                  <td className={`cell-num ${pnlClass(t.netUsd)}`} data-testid="trade-net">
                    {formatSignedUsd(t.netUsd)}
                  </td>
                </tr>
              );
            })}
            {padBottom > 0 && (
              <tr aria-hidden>
                <td colSpan={COLUMNS} style={{ height: padBottom, padding: 0, border: 0 }} />
              </tr>
            )}
          </tbody>
        </table>
        {page.data && trades.length === 0 && <p className="px-3 py-6 text-center text-sm text-zinc-400">{filtered ? "No round trip matches these filters." : "No trades: the strategy never opened a position."}</p>}
      </div>

      <nav aria-label="Trade pages" className="flex items-center gap-2 text-xs">
        <button type="button" className="btn h-7 text-xs" disabled={query.page <= 1} onClick={() => onQuery({ page: query.page - 1 })}>
          Previous page
        </button>
        <span className="num text-zinc-300" data-testid="trades-page">
          Page {formatInt(query.page)} of {formatInt(pages)}
        </span>
        <button type="button" className="btn h-7 text-xs" disabled={query.page >= pages} onClick={() => onQuery({ page: query.page + 1 })}>
          Next page
        </button>
        <span className="text-zinc-400">↑/↓ select a trade · Enter opens its chart</span>
      </nav>
    </div>
  );
}

function RollBadge({ at }: { at: "entry" | "exit" }) {
  return (
    <span
      className="ml-1.5 rounded-sm bg-violet-500/30 px-1 text-[10px] font-semibold text-violet-200"
      title={at === "exit" ? "Closed by a contract roll (old contract's last price)" : "Opened by a contract roll (new contract's first price)"}
      data-testid={`trade-roll-${at}`}
    >
      roll
    </span>
  );
}

function SortHeader({ label, sort, query, onQuery, numeric = false }: { label: string; sort: TradeSort; query: TradesQuery; onQuery: (patch: Partial<TradesQuery>) => void; numeric?: boolean }) {
  const active = query.sort === sort;
  const next = active && query.dir === "asc" ? "desc" : active ? "asc" : sort === "entry" ? "asc" : "desc";
  return (
    <th scope="col" className={numeric ? "cell-num" : undefined} aria-sort={active ? (query.dir === "asc" ? "ascending" : "descending") : "none"}>
      <button
        type="button"
        className={`inline-flex cursor-pointer items-center gap-1 uppercase hover:text-zinc-100 ${active ? "text-zinc-100" : ""}`}
        onClick={() => onQuery({ sort, dir: next })}
        aria-label={`Sort by ${label}${active ? `, now ${query.dir === "asc" ? "ascending" : "descending"}` : ""}`}
        data-testid={`sort-${sort}`}
      >
        {label}
        <span aria-hidden className="w-2">
          {active ? (query.dir === "asc" ? "▲" : "▼") : ""}
        </span>
      </button>
    </th>
  );
}

function Select({ label, value, onChange, options }: { label: string; value: string; onChange: (value: string) => void; options: readonly (readonly [string, string])[] }) {
  return (
    <label className="flex flex-col gap-0.5 text-zinc-400">
      {label}
      <select className="input h-7 w-auto py-0 text-xs" value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

function DateInput({ label, value, onChange }: { label: string; value: string | undefined; onChange: (value: string | undefined) => void }) {
  return (
    <label className="flex flex-col gap-0.5 text-zinc-400">
      {label}
      <input type="date" className="input h-7 w-36 py-0 text-xs" value={value ?? ""} onChange={(e) => onChange(e.target.value || undefined)} />
    </label>
  );
}
