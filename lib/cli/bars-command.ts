/** `tickbench bars FILES... --interval 1m`: OHLCV bars from the trades in Databento DBN files. */
import { badRequest } from "../errors";
import { BarAggregator, parseInterval } from "../market/bars";
import { decodeDbnFile } from "../data/dbn/dbn-file";

export async function barsCommand(files: string[], options: { interval: string }) {
  let intervalNs: bigint;
  try {
    intervalNs = parseInterval(options.interval);
  } catch (error) {
    throw badRequest((error as Error).message);
  }
  const bars = new BarAggregator(intervalNs);
  for (const file of files) {
    for await (const record of decodeDbnFile(file)) {
      // Trades come from the trades schema, or from the action-T records of MBP/TBBO files.
      const isTrade = record.kind === "trade" || ((record.kind === "mbp-1" || record.kind === "mbp-10") && record.action === "T");
      if (!isTrade || record.priceNano === null || record.size === null) continue;
      bars.add(record.instrumentId, record.tsEventNs, record.priceNano, record.size);
    }
  }
  const points = (nano: bigint) => Number(nano) / 1e9;
  return bars.result().map((b) => ({
    instrumentId: b.instrumentId,
    tsStart: new Date(Number(b.tsStartNs / 1_000_000n)).toISOString(),
    tsStartNs: b.tsStartNs.toString(),
    open: points(b.open),
    high: points(b.high),
    low: points(b.low),
    close: points(b.close),
    volume: Number(b.volume),
    trades: b.trades,
  }));
}
