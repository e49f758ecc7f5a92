/**
 * Continuous datasets: a dataset of kind "continuous" strings together component datasets, each
 * holding the trades of one dated contract of the same root (e.g. `mnq-h5` = MNQH5, `mnq-m5` =
 * MNQM5), and rolls from one to the next by a roll rule. It holds no ticks of its own: a run
 * replays component k's trades in [roll k, roll k+1) in that contract's own, unadjusted prices and
 * the engine rolls the position at each roll instant (lib/engine/roll.ts).
 *
 * Roll rules (stored in `datasets.roll_rule`, resolved with lib/market/roll-schedule.ts):
 * - calendar N (default CME's 8): N calendar days before the front contract's expiry session;
 * - volume: daily volume crossover, no look-ahead (the crossover seen on session D rolls at D's next
 *   session). Volume = sum of trade sizes per CME session date, read from the components' stored
 *   trades (trade_blocks keep sizes, so this is real contract volume, not a trade count);
 * - open-interest: the same crossover on open interest, no look-ahead. Open interest per CME session
 *   date (trading date) comes from the Databento statistics stored in the components' datasets
 *   (lib/data/reference-data.ts `dailyOpenInterest`: any component's statistics of any component
 *   contract, the latest value received for a date); without any, creation fails with the roll
 *   schedule's clear error ("An open-interest roll needs open interest...");
 * - manual: one session date per roll, in order (the first session traded in the next contract).
 * The schedule is resolved once, when the continuous dataset is created, and stored in its
 * provenance (`rollSchedule`): later imports into a component do not move its roll dates. A roll
 * takes effect at the OPEN of its session date (17:00 CT the evening before): roll instant = open.
 *
 * Validation at creation: at least two components, every one a ready single-contract trades
 * dataset of a dated contract (from the generator's or the import's provenance), one root,
 * consecutive listed contracts (no quarter skipped), and coverage overlapping around each roll:
 * both the old and the new contract have trades in the session before the roll session (where the
 * roll gap of adjusted series is measured). The schedule must use exactly the components, in
 * expiry order (its first contract is the first component, one roll per later component).
 *
 * Deleting a component while a continuous dataset uses it is refused (409, see
 * `assertNotAComponent`; the foreign key restricts it too); deleting the continuous dataset leaves
 * its components alone.
 */
import type pg from "pg";
import { z } from "zod";
import { AppError, conflict, notFound } from "../errors";
import type { Db } from "../db/prisma";
import { withTransaction } from "../db/transaction";
import { getContractSpec, isKnownRoot } from "../market/contract-spec";
import { formatContractSymbol, lastTradeNs, listContracts, parseContractSymbol } from "../market/contract-symbol";
import { buildRollSchedule, DEFAULT_DAYS_BEFORE_EXPIRY, expirySessionDate, type ContractDayStats, type RollRule } from "../market/roll-schedule";
import { sessionDateNs, sessionFor, sessionsBetween } from "../market/session-calendar";
import { formatDayNumber, parseIsoDate } from "../market/time-zone";
import type { Coverage } from "./coverage";
import { countTrades, countTradesInRanges, readTrades } from "./tick-blocks";
import { dailyOpenInterest } from "./reference-data";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Dates are YYYY-MM-DD");

/** A continuous dataset's roll rule as stored (`datasets.roll_rule`) and accepted at the edges. */
export const datasetRollRuleSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("calendar"), daysBeforeExpiry: z.number().int().min(0).max(60).default(DEFAULT_DAYS_BEFORE_EXPIRY) }).strict(),
  z.object({ kind: z.literal("volume") }).strict(),
  z.object({ kind: z.literal("open-interest") }).strict(),
  z.object({ kind: z.literal("manual"), dates: z.array(isoDate).min(1) }).strict(),
]);
export type DatasetRollRule = z.output<typeof datasetRollRuleSchema>;

/** The CLI's `--roll` argument: `calendar[:N]`, `volume`, `open-interest` or `manual:YYYY-MM-DD,...`. */
export function parseRollRuleArg(text: string): DatasetRollRule {
  const [kind, arg] = text.trim().split(/:(.*)/s, 2);
  const raw =
    kind === "calendar"
      ? { kind, ...(arg ? { daysBeforeExpiry: Number(arg) } : {}) }
      : kind === "manual"
        ? { kind, dates: (arg ?? "").split(",").map((d) => d.trim()).filter(Boolean) }
        : arg === undefined || arg === ""
          ? { kind }
          : { kind, arg };
  const parsed = datasetRollRuleSchema.safeParse(raw);
  if (!parsed.success) throw new AppError("bad_request", `Invalid roll rule "${text}": use calendar[:N], volume, open-interest or manual:YYYY-MM-DD,...`);
  return parsed.data;
}

/** One roll of a continuous dataset: from its session's open on, `toContract` is traded. */
export interface RollPointInfo {
  /** Roll instant: the open of `sessionDate`, ns since the epoch. */
  readonly atNs: bigint;
  /** First session traded in `toContract`. */
  readonly sessionDate: string;
  readonly fromContract: string;
  readonly toContract: string;
}

export interface ContinuousComponent {
  readonly datasetId: number;
  readonly name: string;
  readonly contract: string;
  readonly lastTradeNs: bigint;
  readonly position: number;
  /** The component's trades replayed: [fromNs, toNs) (undefined = open end). */
  readonly fromNs?: bigint;
  readonly toNs?: bigint;
}

export interface ContinuousInfo {
  readonly root: string;
  readonly rule: DatasetRollRule;
  readonly components: readonly ContinuousComponent[];
  readonly rolls: readonly RollPointInfo[];
}

/** JSON form of the schedule in provenance and DTOs (bigint as decimal strings). */
export interface StoredRollPoint {
  atNs: string;
  at: string;
  sessionDate: string;
  fromContract: string;
  toContract: string;
}

const nsToIso = (ns: bigint) => new Date(Number(ns / 1_000_000n)).toISOString();

export function toStoredRolls(rolls: readonly RollPointInfo[]): StoredRollPoint[] {
  return rolls.map((r) => ({ atNs: r.atNs.toString(), at: nsToIso(r.atNs), sessionDate: r.sessionDate, fromContract: r.fromContract, toContract: r.toContract }));
}

// ---------------------------------------------------------------------------------------------
// Dated contracts of single datasets.

/**
 * The dated contract (canonical symbol, e.g. "MNQH5") a single dataset holds, from its provenance:
 * `contract` (generator), else the last import's instrument when it names a dated contract.
 * Null for roots (MNQ) and parent/continuous vendor symbols.
 */
export function datasetContract(provenance: unknown): string | null {
  const p = (provenance ?? {}) as { contract?: unknown; lastImport?: { instrument?: unknown } };
  const symbol = typeof p.contract === "string" ? p.contract : typeof p.lastImport?.instrument === "string" ? p.lastImport.instrument : null;
  if (symbol === null || isKnownRoot(symbol)) return null;
  try {
    return formatContractSymbol(parseContractSymbol(symbol));
  } catch {
    return null;
  }
}

/** Root and (for a dated contract such as MNQH5) the contract of a generator `--instrument`. */
export function resolveGeneratedInstrument(symbol: string): { root: string; contract: string | null; lastTradeNs: bigint | null } {
  const upper = symbol.trim().toUpperCase();
  if (isKnownRoot(upper)) return { root: getContractSpec(upper).root, contract: null, lastTradeNs: null };
  let id;
  try {
    id = parseContractSymbol(upper);
  } catch (error) {
    throw new AppError("bad_request", `Unknown instrument "${symbol}": use a root (MNQ) or a dated contract (MNQH5)`, { cause: error });
  }
  const root = getContractSpec(id.root).root;
  return { root, contract: formatContractSymbol(id), lastTradeNs: lastTradeNs(root, id.year, id.month) };
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));
/** Volume migrates to the next contract around 10.5 days before the front's expiry session, over ~1.5 days. */
const VOLUME_MIDPOINT_DAYS = 10.5;
const VOLUME_SPREAD_DAYS = 0.75;
const MIN_VOLUME_SHARE = 0.02;
/** Synthetic carry: each later quarter trades this fraction above the one before (index futures are in contango). */
const CARRY_PER_QUARTER = 0.008;

/**
 * Synthetic share of the root's activity traded in `contract` on `sessionDate` (demo generator for
 * dated contracts): ~1 while it is the lead month, a logistic hand-over to the next contract
 * centred 10.5 days before its expiry session (so volume crosses over before CME's 8-day calendar
 * roll), at least 2 % otherwise.
 */
export function syntheticVolumeShare(contract: string, sessionDate: string): number {
  const id = parseContractSymbol(contract);
  const expiry = lastTradeNs(id.root, id.year, id.month);
  const previous = listContracts(id.root, expiry - 200n * 86_400_000_000_000n, 4).filter((c) => c.lastTradeNs < expiry).at(-1);
  const day = parseIsoDate(sessionDate);
  const handOver = (expiryNs: bigint) => parseIsoDate(sessionDateNs(expiryNs)) - VOLUME_MIDPOINT_DAYS;
  const into = previous === undefined ? 1 : logistic((day - handOver(previous.lastTradeNs)) / VOLUME_SPREAD_DAYS);
  const outOf = 1 - logistic((day - handOver(expiry)) / VOLUME_SPREAD_DAYS);
  return Math.max(MIN_VOLUME_SHARE, into * outOf);
}

/** The demo generator's reference prices of the roots (demo-generator.ts DEFAULT_START_PRICE). */
const ROOT_START_PRICE: Readonly<Record<string, number>> = { MNQ: 21000, NQ: 21000, MES: 6000, ES: 6000 };

/** Synthetic reference price of a dated contract: the root's reference with a carry per quarter from March 2025. */
export function syntheticStartPrice(contract: string): number {
  const id = parseContractSymbol(contract);
  const rootStartPrice = ROOT_START_PRICE[getContractSpec(id.root).root] ?? 1000;
  const quarters = Math.round(((id.year - 2025) * 12 + (id.month - 3)) / 3);
  return rootStartPrice * (1 + CARRY_PER_QUARTER * quarters);
}

// ---------------------------------------------------------------------------------------------
// Creating.

export const createContinuousSchema = z.object({
  name: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9._-]+$/, "Use letters, digits, '.', '_' or '-'"),
  components: z.array(z.string().trim().min(1)).min(2, "A continuous dataset needs at least two components"),
  rollRule: datasetRollRuleSchema.default({ kind: "calendar", daysBeforeExpiry: DEFAULT_DAYS_BEFORE_EXPIRY }),
  description: z.string().max(500).optional(),
  createdBy: z.string().optional(),
});
export type CreateContinuousInput = z.input<typeof createContinuousSchema>;

interface ComponentRow {
  id: number;
  name: string;
  kind: string;
  status: string;
  schema: string;
  instrument_id: number;
  root: string;
  version: number;
  provenance: unknown;
  start_ns: string | null;
  end_ns: string | null;
}

/** Creates a continuous dataset (see the module comment for the validation); returns its id. */
export async function createContinuousDataset(pool: pg.Pool, raw: CreateContinuousInput): Promise<number> {
  const input = createContinuousSchema.parse(raw);
  if (new Set(input.components).size !== input.components.length) throw new AppError("bad_request", "A component is listed twice");
  const { rows: existing } = await pool.query("SELECT 1 FROM datasets WHERE name = $1", [input.name]);
  if (existing.length > 0) throw conflict(`Dataset ${input.name} already exists`);
  const { rows } = await pool.query<ComponentRow>(
    `SELECT d.id, d.name, d.kind, d.status, d.schema, d.instrument_id, i.symbol AS root, d.version, d.provenance,
            d.start_ns::text, d.end_ns::text
       FROM datasets d JOIN instruments i ON i.id = d.instrument_id WHERE d.name = ANY($1::text[])`,
    [input.components],
  );
  const byName = new Map(rows.map((r) => [r.name, r]));
  const parts = input.components.map((name) => {
    const row = byName.get(name);
    if (!row) throw notFound(`Dataset ${name}`);
    if (row.kind !== "single" || row.schema !== "trades") throw new AppError("unprocessable", `Dataset ${name} is not a single-contract trades dataset`);
    if (row.status !== "ready" || row.start_ns === null || row.end_ns === null) throw new AppError("unprocessable", `Dataset ${name} is not ready or holds no trades`);
    const contract = datasetContract(row.provenance);
    if (contract === null) throw new AppError("unprocessable", `Dataset ${name} does not hold a dated contract (import it with --instrument MNQH5, or generate it so)`);
    const id = parseContractSymbol(contract);
    return { row, contract, lastTradeNs: lastTradeNs(id.root, id.year, id.month), startNs: BigInt(row.start_ns), endNs: BigInt(row.end_ns) };
  });
  const root = parts[0].row.root;
  for (const part of parts) {
    if (part.row.root !== root) throw new AppError("unprocessable", `Components must hold one root: ${part.row.name} holds ${part.row.root}, not ${root}`);
  }
  parts.sort((a, b) => (a.lastTradeNs < b.lastTradeNs ? -1 : a.lastTradeNs > b.lastTradeNs ? 1 : 0));
  for (let k = 1; k < parts.length; k++) {
    const expected = listContracts(root, parts[k - 1].lastTradeNs, 1)[0].symbol;
    if (parts[k].contract !== expected) {
      throw new AppError("unprocessable", `Components must be consecutive contracts: after ${parts[k - 1].contract} comes ${expected}, not ${parts[k].contract}`);
    }
  }
  const fromDate = sessionDateNs(parts[0].startNs);
  const toDate = sessionDateNs(parts[parts.length - 1].endNs);
  const rule = await resolveRule(pool, root, input.rollRule, parts);
  const schedule = buildRollSchedule(root, fromDate, toDate, rule);
  const contracts = parts.map((p) => p.contract);
  const scheduled = [schedule.initial, ...schedule.rolls.map((r) => r.to)];
  if (scheduled.join(",") !== contracts.join(",")) {
    throw new AppError(
      "unprocessable",
      `The ${input.rollRule.kind} roll schedule over ${fromDate}..${toDate} trades ${scheduled.join(" -> ")}, but the components are ${contracts.join(", ")}: adjust the components' date ranges`,
    );
  }
  const rolls: RollPointInfo[] = schedule.rolls.map((r) => ({ atNs: sessionFor(r.sessionDate)!.openNs, sessionDate: r.sessionDate, fromContract: r.from, toContract: r.to }));
  rolls.forEach((roll, k) => {
    const before = sessionsBetween(formatDayNumber(parseIsoDate(roll.sessionDate) - 10), formatDayNumber(parseIsoDate(roll.sessionDate) - 1)).at(-1)!;
    for (const part of [parts[k], parts[k + 1]]) {
      if (part.startNs >= before.closeNs || part.endNs < before.openNs) {
        throw new AppError(
          "unprocessable",
          `Coverage does not overlap around the roll ${roll.fromContract} -> ${roll.toContract} on ${roll.sessionDate}: ${part.row.name} has no trades in the session ${before.sessionDate} before it`,
        );
      }
    }
  });
  const components = segmentsOf(parts.map((p, k) => ({ datasetId: p.row.id, name: p.row.name, contract: p.contract, lastTradeNs: p.lastTradeNs, position: k })), rolls);
  let records = 0;
  for (const c of components) records += await countTrades(pool, c.datasetId, c.fromNs, c.toNs);
  const provenance = {
    source: "continuous",
    root,
    components: parts.map((p) => ({ name: p.row.name, datasetId: p.row.id, version: p.row.version, contract: p.contract })),
    rollSchedule: { rule: input.rollRule, fromDate, toDate, initial: schedule.initial, rolls: toStoredRolls(rolls) },
  };
  return withTransaction(pool, async (client) => {
    const { rows: created } = await client.query<{ id: number }>(
      `INSERT INTO datasets (name, instrument_id, schema, kind, roll_rule, status, description, provenance, record_count, start_ns, end_ns, created_by)
       VALUES ($1, $2, 'trades', 'continuous', $3, 'ready', $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        input.name,
        parts[0].row.instrument_id,
        input.rollRule,
        input.description ?? `Continuous ${root} (${contracts.join(", ")}), ${describeRule(input.rollRule)}`,
        provenance,
        records,
        parts[0].startNs.toString(),
        parts[parts.length - 1].endNs.toString(),
        input.createdBy ?? null,
      ],
    );
    const id = created[0].id;
    for (const c of components) {
      await client.query("INSERT INTO dataset_components (dataset_id, component_id, contract_symbol, position) VALUES ($1, $2, $3, $4)", [id, c.datasetId, c.contract, c.position]);
    }
    return id;
  });
}

export function describeRule(rule: DatasetRollRule): string {
  switch (rule.kind) {
    case "calendar":
      return `calendar roll ${rule.daysBeforeExpiry} days before expiry`;
    case "volume":
      return "volume crossover roll";
    case "open-interest":
      return "open-interest crossover roll";
    case "manual":
      return `manual rolls ${rule.dates.join(", ")}`;
  }
}

async function resolveRule(pool: pg.Pool, root: string, rule: DatasetRollRule, parts: { row: ComponentRow; contract: string }[]): Promise<RollRule> {
  switch (rule.kind) {
    case "calendar":
      return { kind: "calendar", daysBeforeExpiry: rule.daysBeforeExpiry };
    case "volume": {
      const stats: ContractDayStats[] = [];
      for (const part of parts) stats.push(...(await dailyVolumes(pool, part.row.id, part.contract, getContractSpec(root).tickSizeNano)));
      return { kind: "volume", stats };
    }
    case "open-interest":
      return { kind: "open-interest", stats: await dailyOpenInterest(pool, parts.map((p) => p.row.id), parts.map((p) => p.contract)) };
    case "manual":
      if (rule.dates.length !== parts.length - 1) {
        throw new AppError("bad_request", `A manual schedule over ${parts.length} components needs ${parts.length - 1} roll dates, got ${rule.dates.length}`);
      }
      return { kind: "manual", initial: parts[0].contract, rolls: rule.dates.map((sessionDate, k) => ({ sessionDate, from: parts[k].contract, to: parts[k + 1].contract })) };
  }
}

/** Volume (sum of trade sizes) per CME session date of one component's stored trades. */
export async function dailyVolumes(pool: pg.Pool, datasetId: number, contract: string, tickSizeNano: bigint): Promise<ContractDayStats[]> {
  const range = await pool.query<{ first: string | null; last: string | null }>(
    "SELECT min(first_ts_recv)::text AS first, max(last_ts_recv)::text AS last FROM trade_blocks WHERE dataset_id = $1",
    [datasetId],
  );
  const { first, last } = range.rows[0];
  if (first === null || last === null) return [];
  const sessions = sessionsBetween(sessionDateNs(BigInt(first)), sessionDateNs(BigInt(last)));
  const volumes = new Map<string, number>();
  for await (const batch of readTrades(pool, { datasetId, tickSizeNano, batchBoundaryNs: sessions.map((s) => s.openNs) })) {
    if (batch.length === 0) continue;
    const date = sessionDateNs(batch.baseNs + BigInt(batch.tsOffsetNs[0]));
    let sum = 0;
    for (let i = 0; i < batch.length; i++) sum += batch.size[i];
    volumes.set(date, (volumes.get(date) ?? 0) + sum);
  }
  return [...volumes].map(([sessionDate, volume]) => ({ sessionDate, symbol: contract, volume }));
}

/** Each component's replayed range: from its roll in (none for the first) to the next roll (none for the last). */
function segmentsOf(components: ContinuousComponent[], rolls: readonly RollPointInfo[]): ContinuousComponent[] {
  return components.map((c, k) => ({
    ...c,
    ...(k > 0 ? { fromNs: rolls[k - 1].atNs } : {}),
    ...(k < rolls.length ? { toNs: rolls[k].atNs } : {}),
  }));
}

// ---------------------------------------------------------------------------------------------
// Reading and deleting.

/** A continuous dataset's components, rule and roll points; null for a single dataset (or none). */
export async function readContinuousInfo(db: Db, datasetId: number): Promise<ContinuousInfo | null> {
  const dataset = await db.dataset.findUnique({ where: { id: datasetId }, select: { kind: true, rollRule: true, provenance: true, instrument: { select: { symbol: true } } } });
  if (!dataset || dataset.kind !== "continuous") return null;
  const rows = await db.datasetComponent.findMany({ where: { datasetId }, orderBy: { position: "asc" } });
  const names = await db.dataset.findMany({ where: { id: { in: rows.map((r) => r.componentId) } }, select: { id: true, name: true } });
  const nameOf = new Map(names.map((n) => [n.id, n.name]));
  const stored = (dataset.provenance as { rollSchedule?: { rolls?: StoredRollPoint[] } }).rollSchedule?.rolls ?? [];
  const rolls: RollPointInfo[] = stored.map((r) => ({ atNs: BigInt(r.atNs), sessionDate: r.sessionDate, fromContract: r.fromContract, toContract: r.toContract }));
  const components = rows.map((r) => {
    const id = parseContractSymbol(r.contractSymbol);
    return { datasetId: r.componentId, name: nameOf.get(r.componentId) ?? `#${r.componentId}`, contract: r.contractSymbol, lastTradeNs: lastTradeNs(id.root, id.year, id.month), position: r.position };
  });
  return { root: dataset.instrument.symbol, rule: datasetRollRuleSchema.parse(dataset.rollRule), components: segmentsOf(components, rolls), rolls };
}

/** Refuses (409) to delete a dataset that components a continuous dataset. */
export async function assertNotAComponent(pool: pg.Pool | pg.PoolClient, datasetId: number, name: string): Promise<void> {
  const { rows } = await pool.query<{ name: string }>(
    "SELECT d.name FROM dataset_components c JOIN datasets d ON d.id = c.dataset_id WHERE c.component_id = $1 ORDER BY d.name",
    [datasetId],
  );
  if (rows.length > 0) {
    throw conflict(`Dataset ${name} is a component of the continuous dataset${rows.length > 1 ? "s" : ""} ${rows.map((r) => r.name).join(", ")}: delete ${rows.length > 1 ? "them" : "it"} first`);
  }
}

/** The expiry session of a contract (shown next to roll dates). */
export function contractExpirySession(contract: string): string {
  const id = parseContractSymbol(contract);
  return expirySessionDate({ ...id, symbol: contract, lastTradeNs: lastTradeNs(id.root, id.year, id.month) });
}

/**
 * The coverage calendar of a continuous dataset: ticks per session date counted in the component
 * traded then (a roll session counts the new contract from the roll instant; the part of a session
 * before it, if any, the old one), and the dataset's own roll dates instead of the calendar rule's.
 */
export async function continuousCoverage(pool: pg.Pool, info: ContinuousInfo, coverage: Coverage, recordCount: number): Promise<Coverage> {
  const ticks = coverage.sessions.map(() => 0);
  const bounds = coverage.sessions.map((s) => sessionFor(s.sessionDate)!);
  for (const c of info.components) {
    const ranges: { index: number; fromNs: bigint; toNs: bigint }[] = [];
    bounds.forEach((s, index) => {
      const fromNs = c.fromNs !== undefined && c.fromNs > s.openNs ? c.fromNs : s.openNs;
      const toNs = c.toNs !== undefined && c.toNs < s.closeNs ? c.toNs : s.closeNs;
      if (fromNs < toNs) ranges.push({ index, fromNs, toNs });
    });
    const counts = await countTradesInRanges(pool, c.datasetId, ranges);
    ranges.forEach((r, k) => (ticks[r.index] += counts[k]));
  }
  const sessions = coverage.sessions.map((s, i) => ({ ...s, ticks: ticks[i], gap: ticks[i] === 0 }));
  const inSessions = ticks.reduce((a, b) => a + b, 0);
  return {
    ...coverage,
    sessions,
    gaps: sessions.filter((s) => s.gap).length,
    outsideSessions: Math.max(0, recordCount - inSessions),
    rolls: info.rolls.map((r) => ({ sessionDate: r.sessionDate, from: r.fromContract, to: r.toContract })),
  };
}
