/**
 * NinjaTrader 8 text exports (semicolon separated, no header):
 *   tick "Last":            yyyyMMdd HHmmss fffffff;price;volume
 *   tick with quotes:       yyyyMMdd HHmmss fffffff;last;bid;ask;volume
 *   minute bars:            yyyyMMdd HHmmss;open;high;low;close;volume
 * The 7-digit fraction counts 100 ns units. Times are wall-clock readings: NinjaTrader writes them
 * in UTC (DOMAIN.md section 6), so the default zone is UTC; `timezone` reads them in another IANA
 * zone (an export made with a local-time setting), DST included.
 *
 * Side: "Last" files carry none (0). With bid and ask, the quote rule: last >= ask -> buy
 * aggressor, last <= bid -> sell aggressor, otherwise unknown (0).
 * Quotes: a `last;bid;ask;volume` line is one trade (at last) AND one quote - the best bid and ask
 * the trade printed against, like Databento TBBO - so such files import as a quote dataset
 * (schema mbp-1, l1-quotes). NinjaTrader gives no sizes for them: the quote's sizes are unknown
 * (NaN here; stored as 0 with QUOTE_KIND.SIZE_UNKNOWN, replayed as one displayed contract per
 * side, lib/engine/quotes/quote-feed.ts). One file is one form: its first tick line decides, and
 * a line of the other form is quarantined as malformed; `ninjaTraderCarriesQuotes` refuses an
 * import whose files mix the two forms.
 * Many trades share one timestamp: file order is kept, nothing is de-duplicated.
 * Minute bars are not tick data: the tick parser refuses a file made of bar lines (a bar line among
 * tick lines is "malformed"); bar files go to the bar importer (lib/data/import/import-bars.ts),
 * which reads each line with `parseNinjaTraderBar` below.
 * The instrument comes from the file name ("MNQ 12-25.Last.txt" -> MNQZ5) unless given. Pure.
 */
import { AppError } from "../../errors";
import { formatContractSymbol, parseContractSymbol } from "../../market/contract-symbol";
import { headBytes, headLines } from "./file-chunks";
import { decimalToNano, parseUint } from "./numbers";
import type { LineOutcome, LineParser } from "./text-source";
import type { ParsedQuote, ParsedTrade } from "./types";
import type { WallClock } from "./wall-time";

const TICK_TIME = /^(\d{4})(\d{2})(\d{2}) (\d{2})(\d{2})(\d{2}) (\d{7})$/;
const BAR_TIME = /^\d{8} \d{6}$/;
/** A first line that looks like a NinjaTrader export (for format detection). */
export const NINJATRADER_LINE = /^\d{8} \d{6}( \d{7})?;-?[\d.]+(;-?[\d.]+){1,4}$/;

/** The two tick forms: `price;volume` ("Last") and `last;bid;ask;volume` (with quotes). */
export type NinjaTraderTickForm = "last" | "quotes";

export class NinjaTraderParser implements LineParser {
  private ticks = 0;
  private bars = 0;
  /** The file's form, set by its first tick line. */
  private form: NinjaTraderTickForm | null = null;
  private readonly quote: ParsedQuote = { bidNano: Number.NaN, askNano: Number.NaN, bidSize: Number.NaN, askSize: Number.NaN };

  constructor(private readonly clock: WallClock) {}

  parse(line: string, out: ParsedTrade): LineOutcome {
    const fields = line.trim().split(";");
    const time = TICK_TIME.exec(fields[0]);
    if (!time) {
      if (BAR_TIME.test(fields[0]) && fields.length === 6) {
        this.bars++;
        return { reason: "malformed", detail: "a minute-bar line (yyyyMMdd HHmmss;o;h;l;c;v), not a tick" };
      }
      return { reason: "malformed", detail: "expected yyyyMMdd HHmmss fffffff;price;volume or ;last;bid;ask;volume" };
    }
    if (fields.length !== 3 && fields.length !== 5) return { reason: "malformed", detail: `${fields.length} fields, expected 3 or 5` };
    const form: NinjaTraderTickForm = fields.length === 5 ? "quotes" : "last";
    if (this.form !== null && form !== this.form) {
      return { reason: "malformed", detail: this.form === "quotes" ? "a price;volume line in a last;bid;ask;volume export" : "a last;bid;ask;volume line in a price;volume export" };
    }
    const hundredNs = Number(time[7]);
    const ms = Math.floor(hundredNs / 10_000);
    const ts = this.clock.toNs(Number(time[1]), Number(time[2]), Number(time[3]), Number(time[4]), Number(time[5]), Number(time[6]), ms, (hundredNs - ms * 10_000) * 100);
    if (ts === null) return { reason: "malformed", detail: `"${fields[0]}" is not a valid time` };
    const price = decimalToNano(fields[1]);
    const size = parseUint(fields[fields.length - 1]);
    if (Number.isNaN(price) && !/^-?\d+(\.\d+)?$/.test(fields[1])) return { reason: "malformed", detail: `price "${fields[1]}" is not a number`, tsRecvNs: ts };
    if (Number.isNaN(size)) return { reason: "malformed", detail: `volume "${fields[fields.length - 1]}" is not a count`, tsRecvNs: ts };
    let side = 0;
    out.quote = null;
    if (form === "quotes") {
      const bid = decimalToNano(fields[2]);
      const ask = decimalToNano(fields[3]);
      if ((Number.isNaN(bid) && !/^-?\d+(\.\d+)?$/.test(fields[2])) || (Number.isNaN(ask) && !/^-?\d+(\.\d+)?$/.test(fields[3]))) return { reason: "malformed", detail: "bid/ask are not numbers", tsRecvNs: ts };
      side = price >= ask ? 1 : price <= bid ? -1 : 0;
      // A number not exact in 1e-9 units (NaN) is off every tick grid: the batcher rejects the quote.
      this.quote.bidNano = Number.isNaN(bid) ? Number.POSITIVE_INFINITY : bid;
      this.quote.askNano = Number.isNaN(ask) ? Number.POSITIVE_INFINITY : ask;
      out.quote = this.quote;
    }
    this.form ??= form;
    this.ticks++;
    out.tsRecvNs = ts;
    out.tsEventNs = ts;
    out.priceNano = price;
    out.size = size;
    out.side = side;
    return "trade";
  }

  end(file: string): void {
    if (this.bars > 0 && this.ticks === 0) {
      throw new AppError(
        "unprocessable",
        `${file} holds NinjaTrader minute bars (${this.bars} bar lines), not tick data: import a bar file on its own (it makes a bar dataset, schema ohlcv-1m), or export the instrument's "Last" ticks`,
      );
    }
  }
}

const BAR_LINE = /^(\d{4})(\d{2})(\d{2}) (\d{2})(\d{2})(\d{2})$/;

/** A NinjaTrader minute-bar line (`yyyyMMdd HHmmss;o;h;l;c;v`), for telling bar files from tick files. */
export const NINJATRADER_BAR_LINE = /^\d{8} \d{6};-?[\d.]+;-?[\d.]+;-?[\d.]+;-?[\d.]+;\d+$/;

/** One NinjaTrader bar line read: prices in 1e-9 units (exact), not yet checked against the tick grid. */
export type NinjaTraderBarOutcome =
  | { kind: "bar"; tsStartNs: bigint; openNano: number; highNano: number; lowNano: number; closeNano: number; volume: number }
  | { kind: "reject"; reason: "malformed"; detail: string; tsStartNs?: bigint };

/**
 * Reads a minute-bar line `yyyyMMdd HHmmss;open;high;low;close;volume`. NinjaTrader stamps a bar
 * with its END time (a 1-minute bar stamped 14:31:00 covers [14:30:00, 14:31:00)): the bar's start
 * is that instant minus `intervalS`, computed on the absolute instant, so a DST change in the
 * clock's zone never shifts or drops a bar. The reading is in `clock`'s zone - like the tick export,
 * UTC unless the import names the exporting machine's zone (DOMAIN.md section 6). Pure.
 */
export function parseNinjaTraderBar(line: string, clock: WallClock, intervalS = 60): NinjaTraderBarOutcome {
  const fields = line.trim().split(";");
  if (fields.length !== 6) return { kind: "reject", reason: "malformed", detail: `${fields.length} fields, expected yyyyMMdd HHmmss;open;high;low;close;volume` };
  const t = BAR_LINE.exec(fields[0]);
  if (!t) return { kind: "reject", reason: "malformed", detail: `"${fields[0]}" is not a yyyyMMdd HHmmss bar time` };
  const endNs = clock.toNs(Number(t[1]), Number(t[2]), Number(t[3]), Number(t[4]), Number(t[5]), Number(t[6]), 0, 0);
  if (endNs === null) return { kind: "reject", reason: "malformed", detail: `"${fields[0]}" is not a valid time` };
  const tsStartNs = endNs - BigInt(intervalS) * 1_000_000_000n;
  const names = ["open", "high", "low", "close"];
  const prices: number[] = [];
  for (let i = 0; i < 4; i++) {
    const p = decimalToNano(fields[i + 1]);
    if (Number.isNaN(p)) return { kind: "reject", reason: "malformed", detail: `${names[i]} "${fields[i + 1]}" is not a number`, tsStartNs };
    prices.push(p);
  }
  const volume = parseUint(fields[5]);
  if (Number.isNaN(volume)) return { kind: "reject", reason: "malformed", detail: `volume "${fields[5]}" is not a count`, tsStartNs };
  return { kind: "bar", tsStartNs, openNano: prices[0], highNano: prices[1], lowNano: prices[2], closeNano: prices[3], volume };
}

/**
 * The tick form of a NinjaTrader export, from its first tick line of 3 or 5 fields (what the
 * parser locks the file to); null when its first 64 KiB hold none.
 */
export async function ninjaTraderTickForm(file: string): Promise<NinjaTraderTickForm | null> {
  const { bytes, complete } = await headBytes(file);
  for (const line of headLines(bytes, complete)) {
    const fields = line.trim().split(";");
    if (!TICK_TIME.test(fields[0])) continue;
    if (fields.length === 5) return "quotes";
    if (fields.length === 3) return "last";
  }
  return null;
}

/**
 * Whether an import of NinjaTrader tick files carries quotes (`last;bid;ask;volume` exports): all
 * files of one import must be of one form - mixing them is refused (a quote dataset whose quotes
 * stop where the Last file starts would replay its trades against a stale book on l1-quotes).
 */
export async function ninjaTraderCarriesQuotes(files: readonly string[]): Promise<boolean> {
  const forms = new Map<NinjaTraderTickForm, string>();
  for (const file of files) {
    const form = await ninjaTraderTickForm(file);
    if (form !== null && !forms.has(form)) forms.set(form, file);
  }
  if (forms.size > 1) {
    throw new AppError(
      "unprocessable",
      `NinjaTrader exports of both tick forms cannot be imported together: ${forms.get("quotes")} has bid/ask (last;bid;ask;volume), ${forms.get("last")} has none (price;volume); import them into separate datasets`,
    );
  }
  return forms.has("quotes");
}

/**
 * The contract named by a vendor file name: "MNQ 12-25.Last.txt" -> MNQZ5, "ESU24.scid",
 * "MNQZ5-CME.scid", "ESH4_FUT_CME.scid" -> ESH4 (one-digit-year CME style). null when none.
 */
export function instrumentFromFileName(name: string): string | null {
  const base = name.split(/[\\/]/).pop() ?? name;
  const ninja = /^([A-Za-z0-9]+ \d{2}-\d{2})(?:\.|$)/.exec(base);
  const cme = /^([A-Za-z0-9]+?[FGHJKMNQUVXZ]\d{1,2})(?=[-_. ]|$)/i.exec(base);
  const text = ninja?.[1] ?? cme?.[1];
  if (!text) return null;
  try {
    return formatContractSymbol(parseContractSymbol(text));
  } catch {
    return null;
  }
}
