/**
 * LatencyModel: order latency with two legs (hftbacktest style), applied per order.
 *
 * - entry leg: an order submitted (or modified) at s reaches the venue, and may fill, from s + entry.
 * - response leg: a fill at f reaches the strategy (onFill) at f + response (reports keep their
 *   order: see venue.ts).
 *
 * Each leg is a constant or a seeded distribution, sampled once per order (entry: at submission and
 * again at each modification; response: at each fill). Samples are integer ns, drawn from a stream
 * of their own (`deriveSeed(seed, LATENCY_STREAM)`), so turning latency on or off never changes
 * what `ctx.random()` returns. Cancels act at once (no latency). Feed latency is not modelled here:
 * the engine's clock is the local receipt time (ts_recv) of the data, so the feed's delay is
 * already in the data (ts_event = ts_recv + eventDeltaNs).
 *
 * Distributions:
 * - constant { ns }
 * - uniform { minNs, maxNs }: floor(min + u (max - min + 1)), u uniform in [0, 1): every integer
 *   of [min, max] equally likely;
 * - lognormal { medianNs, sigma, maxNs }: round(median * exp(sigma * z)), z standard normal,
 *   capped at maxNs (heavy tails stay bounded).
 */
import { z } from "zod";
import { deriveSeed, SeededRandom } from "../market/random";

const MAX_LATENCY_NS = 60e9;
const nsSchema = z.number().int().min(0).max(MAX_LATENCY_NS);

export const latencyLegSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("constant"), ns: nsSchema }),
  z
    .object({ kind: z.literal("uniform"), minNs: nsSchema, maxNs: nsSchema })
    .refine((l) => l.minNs <= l.maxNs, { message: "minNs must not exceed maxNs" }),
  z.object({ kind: z.literal("lognormal"), medianNs: nsSchema, sigma: z.number().min(0).max(5), maxNs: nsSchema }),
]);

export type LatencyLeg = z.infer<typeof latencyLegSchema>;

export const latencyConfigSchema = z.object({
  entry: latencyLegSchema.default({ kind: "constant", ns: 0 }),
  response: latencyLegSchema.default({ kind: "constant", ns: 0 }),
});

export type LatencyConfig = z.input<typeof latencyConfigSchema>;

/** Seed stream of latency samples, mixed with the run seed. */
const LATENCY_STREAM = 0x1a7e;

export class LatencyModel {
  private readonly random: SeededRandom;
  /** Constant entry latency, or NaN when the leg is a distribution. */
  readonly constantEntryNs: number;
  /** True when fills reach the strategy later than they happen (a response leg that is not constant 0). */
  readonly hasResponseLeg: boolean;

  constructor(
    private readonly entry: LatencyLeg,
    private readonly response: LatencyLeg,
    seed: number,
  ) {
    this.random = new SeededRandom(deriveSeed(seed, LATENCY_STREAM));
    this.constantEntryNs = entry.kind === "constant" ? entry.ns : Number.NaN;
    this.hasResponseLeg = !(response.kind === "constant" && response.ns === 0);
  }

  /** Entry latency of one order submission or modification, ns. */
  entryNs(): number {
    return this.sample(this.entry);
  }

  /** Response latency of one fill, ns. */
  responseNs(): number {
    return this.sample(this.response);
  }

  private sample(leg: LatencyLeg): number {
    switch (leg.kind) {
      case "constant":
        return leg.ns;
      case "uniform":
        return leg.minNs + Math.floor(this.random.next() * (leg.maxNs - leg.minNs + 1));
      case "lognormal": {
        const value = Math.round(leg.medianNs * Math.exp(leg.sigma * this.random.normal()));
        return value > leg.maxNs ? leg.maxNs : value;
      }
    }
  }
}
