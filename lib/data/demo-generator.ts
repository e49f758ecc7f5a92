/**
 * Deterministic synthetic trades for CME equity-index futures (built for MNQ) for demos, tests
 * and benchmarks. Pure: the output is a function of the options only, and one session's batch
 * depends only on (seed, root, session date, startPrice, intensity) - never on the requested
 * range - so any range can be generated in pieces or in parallel with identical results.
 *
 * Model, per session (all randomness from SeededRandom(seed, root, session date)):
 * - Daily level: an Ornstein-Uhlenbeck walk of log price around `startPrice` (half-life 30 days,
 *   ~4 % stationary sd) summed from hashed per-day shocks; the session runs from the level of the
 *   previous calendar day to its own level (weekend and holiday moves appear as opening gaps).
 * - Efficient price: a Brownian bridge between those levels whose variance follows the intraday
 *   activity curve, scaled by stochastic volatility (AR(1) log-volatility per minute plus
 *   calm/turbulent regimes) - volatility clusters and trade rate rises with it.
 * - Trades: aggressor events arrive as an overdispersed Poisson process (rate ~ activity x vol).
 *   An event buys with a probability rising with (efficient price - mid) and sweeps the book
 *   toward the efficient price, so upticks are buys and downticks sells; fills per level and sizes
 *   are heavy-tailed (discrete Pareto sizes: mostly 1-2 lots, sometimes 50+). Spread is one tick.
 * - Bursts: 1 + Poisson(1.5) news seconds per session (biased to 07:30, 08:30, 09:00, 13:00 CT)
 *   with a price jump and (at intensity 1) more than 10,000 trades inside one wall-clock second.
 * - Each trading interval opens with an auction print (side 0) at exactly the open (ts_event).
 * - Timestamps: ts_recv non-decreasing, ns resolution; ts_event = ts_recv - 20..200 us.
 *
 * Limitations: no order book, no spread dynamics, no contract rolls (prices are one continuous
 * synthetic series). `intensity` scales the event rate and burst sizes; the trade count grows a
 * little slower than linearly, because the same price path is shared among more events.
 */
import { AppError } from "../errors";
import { getContractSpec } from "../market/contract-spec";
import { SeededRandom, deriveSeed, hashString, mix32 } from "../market/random";
import { sessionsBetween, type TradingSession } from "../market/session-calendar";
import { CHICAGO, MS_PER_DAY, MS_PER_MINUTE, parseIsoDate, toWallMs, weekdayOfDayNumber } from "../market/time-zone";
import { allocateTradeColumns, trimTradeColumns, type TradeColumns } from "../market/trade-columns";

export const generatorVersion = "demo-trades-2026.1";

export interface GenerateTradesOptions {
  root: string;
  /** First and last session dates, inclusive ("YYYY-MM-DD"). */
  fromDate: string;
  toDate: string;
  /** Any safe integer. */
  seed: number;
  /** Reference price in index points (default: 21000 for Nasdaq roots, 6000 for S&P roots). */
  startPrice?: number;
  /**
   * Multiplier on the event rate and burst sizes (default 1: roughly 150k-300k trades per regular
   * session, bursts above 10,000 trades in a second).
   */
  intensity?: number;
}

export interface SessionTrades {
  sessionDate: string;
  /** baseNs = session open; one batch per session. */
  columns: TradeColumns;
}

const DEFAULT_START_PRICE: Readonly<Record<string, number>> = { MNQ: 21000, NQ: 21000, MES: 6000, ES: 6000 };

// Model constants (a change here changes output: bump generatorVersion).
const EVENTS_PER_SECOND = 1.3; // aggressor events per second at activity 1
const INTRADAY_VOL = 0.006; // sd of the intraday efficient-price path as a fraction of price
const DAILY_SHOCK_SD = 0.008;
const NON_TRADING_DAY_SHOCK_SCALE = 0.35;
const DAILY_REVERSION = Math.exp(-Math.LN2 / 30);
const DAILY_MEMORY_DAYS = 300; // weight of the oldest shock: 2^-10
const LOGVOL_PHI = 0.985;
const LOGVOL_SD = 0.45;
const P_TO_TURBULENT = 0.002; // per minute
const P_TO_CALM = 0.03;
const TURBULENT_VOL = 2;
const MAX_LEVELS_PER_EVENT = 8;
const MAX_FILLS_PER_LEVEL = 40;
/** Fills per swept level: 1 + floor(Exp(mean)), i.e. exactly 1 when u > exp(-1 / mean). */
const REGULAR_FILLS_MEAN = 0.8;
const REGULAR_ONE_FILL_ABOVE = Math.exp(-1 / REGULAR_FILLS_MEAN);
const BURST_FILLS_MEAN = 1.6;
const BURST_ONE_FILL_ABOVE = Math.exp(-1 / BURST_FILLS_MEAN);
const SIZE_TAIL_ALPHA = 1.3;
const MAX_SIZE = 1000;
/** Discrete Pareto: size = floor(v^(-1/alpha)), so size 1 when v > 2^-alpha, 2 when v > 3^-alpha. */
const SIZE_1_ABOVE = Math.pow(2, -SIZE_TAIL_ALPHA);
const SIZE_2_ABOVE = Math.pow(3, -SIZE_TAIL_ALPHA);
const LATENCY_MIN_NS = 20_000;
const LATENCY_MAX_NS = 200_000;
const BURST_MIN_TRADES = 10_200;
const BURST_ANCHORS_CT = [7 * 60 + 30, 8 * 60 + 30, 9 * 60, 13 * 60];
const TWO_POW_32 = 4294967296;
/** ts_recv of regular events lies in [second + 200 us, second + 1 s): ts_event stays in the same second. */
const RECV_SPAN_NS = 1e9 - LATENCY_MAX_NS - 1;

/**
 * Relative trade activity by America/Chicago minute of day: quiet overnight, Europe from 02:00,
 * data releases at 07:30, the RTH open at 08:30 and the run into the 15:00 cash close.
 */
const ACTIVITY_KNOTS: ReadonlyArray<readonly [number, number]> = [
  [0, 0.15], [105, 0.15], [120, 0.35], [240, 0.3], [360, 0.3], [449, 0.5], [450, 1.4], [465, 0.7],
  [509, 0.8], [510, 3.5], [540, 2.4], [600, 1.6], [660, 1.1], [720, 0.9], [780, 1.0], [840, 1.3],
  [885, 2.0], [899, 2.8], [900, 0.9], [915, 0.6], [960, 0.4], [1020, 0.9], [1035, 0.35], [1080, 0.22],
  [1200, 0.25], [1320, 0.15], [1440, 0.15],
];

export const ACTIVITY_BY_CT_MINUTE: Float64Array = (() => {
  const curve = new Float64Array(1440);
  for (let k = 0; k + 1 < ACTIVITY_KNOTS.length; k++) {
    const [m0, a0] = ACTIVITY_KNOTS[k];
    const [m1, a1] = ACTIVITY_KNOTS[k + 1];
    for (let m = m0; m < m1 && m < 1440; m++) curve[m] = a0 + ((a1 - a0) * (m - m0)) / (m1 - m0);
  }
  return curve;
})();

/** Appends trades to growable columns; no per-trade allocation. */
class TradeWriter {
  columns: TradeColumns;
  constructor(capacity: number, baseNs: bigint) {
    this.columns = allocateTradeColumns(capacity, baseNs);
  }
  ensure(extra: number): void {
    const c = this.columns;
    if (c.length + extra <= c.size.length) return;
    const grown = allocateTradeColumns(Math.max(c.size.length * 2, c.length + extra), c.baseNs);
    grown.tsOffsetNs.set(c.tsOffsetNs.subarray(0, c.length));
    grown.eventDeltaNs.set(c.eventDeltaNs.subarray(0, c.length));
    grown.priceTicks.set(c.priceTicks.subarray(0, c.length));
    grown.size.set(c.size.subarray(0, c.length));
    grown.side.set(c.side.subarray(0, c.length));
    grown.length = c.length;
    this.columns = grown;
  }
  /** Appends one trade (capacity must have been ensured). */
  push(tsOffsetNs: number, eventDeltaNs: number, priceTicks: number, size: number, side: number): void {
    const c = this.columns;
    const i = c.length++;
    c.tsOffsetNs[i] = tsOffsetNs;
    c.eventDeltaNs[i] = eventDeltaNs;
    c.priceTicks[i] = priceTicks;
    c.size[i] = size;
    c.side[i] = side;
  }
}

interface Params {
  seed: number;
  rootHash: number;
  startTicks: number;
  intensity: number;
}

/**
 * One batch of trades per trading session with a session date in [fromDate, toDate], ascending.
 * Options are validated eagerly (before the first batch is requested); invalid ones throw a
 * bad_request AppError, dates outside the calendar an unprocessable one.
 */
export function generateTrades(options: GenerateTradesOptions): Generator<SessionTrades> {
  const spec = getContractSpec(options.root);
  const { seed, intensity = 1 } = options;
  if (!Number.isSafeInteger(seed)) throw new AppError("bad_request", `seed must be a safe integer, got ${seed}`);
  if (!(intensity > 0 && Number.isFinite(intensity))) throw new AppError("bad_request", `intensity must be a positive number, got ${intensity}`);
  const startPrice = options.startPrice ?? DEFAULT_START_PRICE[spec.root];
  if (!(startPrice > 0 && Number.isFinite(startPrice))) throw new AppError("bad_request", `startPrice must be a positive price for ${spec.root}`);
  let sessions: TradingSession[];
  try {
    sessions = sessionsBetween(options.fromDate, options.toDate);
  } catch (error) {
    if (error instanceof RangeError) throw new AppError("bad_request", error.message);
    throw error;
  }
  const startTicks = Math.round((startPrice * 1e9) / Number(spec.tickSizeNano));
  return run(sessions, { seed, rootHash: hashString(spec.root), startTicks, intensity });
}

function* run(sessions: TradingSession[], params: Params): Generator<SessionTrades> {
  for (const session of sessions) yield { sessionDate: session.sessionDate, columns: simulateSession(session, params) };
}

/** Standard normal from a hash of (seed, root, day): the daily shock, independent of any range. */
function dailyShock(p: Params, day: number): number {
  const h = deriveSeed(p.seed, p.rootHash, day, 0x0da1);
  const u1 = (h + 1) / TWO_POW_32;
  const u2 = mix32(h) / TWO_POW_32;
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  const weekday = weekdayOfDayNumber(day);
  return z * DAILY_SHOCK_SD * (weekday === 0 || weekday === 6 ? NON_TRADING_DAY_SHOCK_SCALE : 1);
}

/** Log deviation of the daily level from startPrice at the end of calendar day `day`. */
function dailyLogLevel(p: Params, day: number): number {
  let x = 0;
  let w = 1;
  for (let k = 0; k < DAILY_MEMORY_DAYS; k++, w *= DAILY_REVERSION) x += w * dailyShock(p, day - k);
  return x;
}

function simulateSession(session: TradingSession, p: Params): TradeColumns {
  const day = parseIsoDate(session.sessionDate);
  const rng = new SeededRandom(deriveSeed(p.seed, p.rootHash, day));
  const closeLevel = p.startTicks * Math.exp(dailyLogLevel(p, day));
  let e = p.startTicks * Math.exp(dailyLogLevel(p, day - 1)) + 2 * rng.normal(); // efficient price, ticks

  // Minute grid of the session: activity (0 = halted) and the CT minute -> index map.
  const minutes = Math.round((session.closeMs - session.openMs) / MS_PER_MINUTE);
  const activity = new Float64Array(minutes);
  const indexOfCtMinute = new Int32Array(1440).fill(-1);
  let activitySeconds = 0;
  for (let m = 0; m < minutes; m++) {
    const t = session.openMs + m * MS_PER_MINUTE;
    if (session.halts.some((h) => t >= h.fromMs && t < h.toMs)) continue;
    const wall = toWallMs(CHICAGO, t);
    const ctMinute = Math.floor((wall - Math.floor(wall / MS_PER_DAY) * MS_PER_DAY) / MS_PER_MINUTE);
    activity[m] = ACTIVITY_BY_CT_MINUTE[ctMinute];
    indexOfCtMinute[ctMinute] = m;
    activitySeconds += activity[m] * 60;
  }
  const varPerActivitySecond = (INTRADAY_VOL * p.startTicks) ** 2 / activitySeconds;
  const bridgeSlack = 0.1 * activitySeconds;
  let activityRemaining = activitySeconds;
  const bursts = pickBurstSeconds(rng, activity, indexOfCtMinute);
  let nextBurst = 0;

  const writer = new TradeWriter(Math.ceil(activitySeconds * EVENTS_PER_SECOND * p.intensity * 3) + 65_536, session.openNs);
  let spacings = new Float64Array(256);
  let bid = Math.round(e - 0.5);
  let logVol = 0;
  let turbulent = false;

  // Writes one aggressor event; returns the number of trades printed.
  const emitEvent = (target: number, tsOffsetNs: number, deltaNs: number, fillsMean: number, oneFillAbove: number): number => {
    writer.ensure((MAX_LEVELS_PER_EVENT + 1) * MAX_FILLS_PER_LEVEL);
    const pBuy = 0.5 + 0.5 * Math.tanh(0.9 * (target - bid - 0.5));
    const side = rng.next() < pBuy ? 1 : -1;
    const from = side === 1 ? bid + 1 : bid;
    const levels = Math.max(0, Math.min(MAX_LEVELS_PER_EVENT, Math.round(side === 1 ? target - from : from - target)));
    const c = writer.columns;
    const tsCol = c.tsOffsetNs, deltaCol = c.eventDeltaNs, priceCol = c.priceTicks, sizeCol = c.size, sideCol = c.side;
    let n = c.length;
    for (let level = 0; level <= levels; level++) {
      const price = from + side * level;
      // Geometric fills per level; short-circuits spare a log/pow for the common outcomes.
      const u = rng.nextPositive();
      const fills = u > oneFillAbove ? 1 : 1 + Math.min(MAX_FILLS_PER_LEVEL - 1, Math.floor(-Math.log(u) * fillsMean));
      for (let f = 0; f < fills; f++) {
        const v = rng.nextPositive();
        sizeCol[n] = v > SIZE_1_ABOVE ? 1 : v > SIZE_2_ABOVE ? 2 : Math.min(MAX_SIZE, Math.floor(Math.pow(v, -1 / SIZE_TAIL_ALPHA)));
        tsCol[n] = tsOffsetNs;
        deltaCol[n] = deltaNs;
        priceCol[n] = price;
        sideCol[n] = side;
        n++;
      }
    }
    const printed = n - c.length;
    c.length = n;
    bid += side * levels;
    return printed;
  };
  // Feed latency in [20 us, 200 us], skewed toward the low end (cubed uniform).
  const latency = () => {
    const u = rng.next();
    return LATENCY_MIN_NS + Math.floor(u * u * u * (LATENCY_MAX_NS - LATENCY_MIN_NS));
  };

  for (let m = 0; m < minutes; m++) {
    const a = activity[m];
    if (a === 0) continue;
    // Volatility state, per minute.
    logVol = LOGVOL_PHI * logVol + Math.sqrt(1 - LOGVOL_PHI * LOGVOL_PHI) * LOGVOL_SD * rng.normal();
    if (turbulent ? rng.next() < P_TO_CALM : rng.next() < P_TO_TURBULENT) turbulent = !turbulent;
    const volMult = Math.exp(logVol - (LOGVOL_SD * LOGVOL_SD) / 2) * (turbulent ? TURBULENT_VOL : 1);
    const stepVar = a * varPerActivitySecond;

    if (m === 0 || activity[m - 1] === 0) {
      // Opening auction of a trading interval: ts_event exactly at the open, side none.
      const lat = latency();
      bid = Math.round(e) - (rng.next() < 0.5 ? 1 : 0);
      writer.ensure(1);
      writer.push(m * 60e9 + lat, -lat, Math.round(e), 10 + Math.floor(rng.exponential(80)), 0);
    }

    for (let s = 0; s < 60; s++) {
      const second = m * 60 + s;
      const secNs = second * 1e9;
      const pull = a / (activityRemaining + bridgeSlack);
      activityRemaining -= a;
      let next = e + (closeLevel - e) * pull + Math.sqrt(stepVar) * volMult * rng.normal();

      if (nextBurst < bursts.length && bursts[nextBurst] === second) {
        nextBurst++;
        turbulent = true;
        const jump = (rng.next() < 0.5 ? -1 : 1) * (20 + rng.exponential(40));
        next += jump;
        const target = (BURST_MIN_TRADES + Math.min(20_000, Math.floor(rng.exponential(4000)))) * p.intensity;
        let trades = 0;
        let frac = 0;
        let noise = 0;
        while (trades < target) {
          frac = 1 - (1 - frac) * Math.exp(-rng.exponential(3 / 4000));
          noise = 0.95 * noise + 0.7 * rng.normal(); // mean-reverting jitter around the jump path
          const lat = latency();
          const recvNs = secNs + LATENCY_MAX_NS + Math.floor(frac * RECV_SPAN_NS);
          trades += emitEvent(e + (next - e) * Math.min(1, frac * 5) + noise, recvNs, -lat, BURST_FILLS_MEAN, BURST_ONE_FILL_ABOVE);
        }
        e = next;
        continue;
      }

      const lambda = EVENTS_PER_SECOND * p.intensity * a * Math.sqrt(volMult) * Math.exp(0.5 * rng.normal() - 0.125);
      const events = rng.poisson(lambda);
      if (events > 0) {
        // Sorted arrival times in the second: normalised exponential spacings.
        if (spacings.length < events + 1) spacings = new Float64Array(2 * (events + 1));
        let total = 0;
        for (let j = 0; j <= events; j++) spacings[j] = total += rng.exponential();
        for (let j = 0; j < events; j++) {
          const frac = spacings[j] / total;
          const recvNs = secNs + LATENCY_MAX_NS + Math.floor(frac * RECV_SPAN_NS);
          emitEvent(e + (next - e) * frac, recvNs, -latency(), REGULAR_FILLS_MEAN, REGULAR_ONE_FILL_ABOVE);
        }
      }
      e = next;
    }
  }
  return trimTradeColumns(writer.columns);
}

/** Sorted, distinct second indices (from the open) of the session's news bursts. */
function pickBurstSeconds(rng: SeededRandom, activity: Float64Array, indexOfCtMinute: Int32Array): number[] {
  const count = 1 + rng.poisson(1.5);
  const seconds = new Set<number>();
  for (let b = 0; b < count; b++) {
    let minute = -1;
    if (rng.next() < 0.6) minute = indexOfCtMinute[BURST_ANCHORS_CT[rng.int(BURST_ANCHORS_CT.length)]];
    for (let tries = 0; minute < 0 && tries < 1000; tries++) {
      const m = rng.int(activity.length);
      if (activity[m] > 0) minute = m;
    }
    if (minute >= 0) seconds.add(minute * 60 + rng.int(3));
  }
  return [...seconds].sort((x, y) => x - y);
}
