import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createTestDatabase, type TestDatabase } from "./db";

interface ModelField { name: string; column: string; optional: boolean; scalar: boolean }
interface Model { name: string; table: string; fields: ModelField[] }

/** Reads the models of prisma/schema.prisma: field names, @map / @@map names, optionality. */
function readModels(): Model[] {
  const text = readFileSync("prisma/schema.prisma", "utf8");
  const models: Model[] = [];
  const modelNames = new Set([...text.matchAll(/^model (\w+) \{/gm)].map((m) => m[1]));
  for (const block of text.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    const [, name, body] = block;
    const table = /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? name;
    const fields: ModelField[] = [];
    for (const line of body.split("\n").map((l) => l.trim())) {
      const m = /^(\w+)\s+(\w+)(\[\])?(\?)?(.*)$/.exec(line);
      if (!m || line.startsWith("@@")) continue;
      const [, field, type, list, optional, rest] = m;
      const column = /@map\("([^"]+)"\)/.exec(rest)?.[1] ?? field;
      fields.push({ name: field, column, optional: Boolean(optional) && !list, scalar: !modelNames.has(type) });
    }
    models.push({ name, table, fields });
  }
  return models;
}

/**
 * Prisma cannot run `migrate diff` here (its schema engine is not installable offline), so this
 * test compares the generated client's model metadata with the migrated database's catalog.
 */
describe("schema.prisma and the migrated database", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it("has a table for every model and a column for every scalar field, with matching nullability", async () => {
    const { rows } = await db.pool.query<{ table_name: string; column_name: string; is_nullable: string }>(
      "SELECT table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'",
    );
    const columns = new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r.is_nullable === "YES"]));
    const models = readModels();
    expect(models.length).toBeGreaterThan(10);
    for (const model of models) {
      for (const field of model.fields.filter((f) => f.scalar)) {
        const key = `${model.table}.${field.column}`;
        expect(columns.has(key), `column ${key} of ${model.name}.${field.name}`).toBe(true);
        expect(columns.get(key), `nullability of ${key}`).toBe(field.optional);
      }
    }
  });

  it("has no relational table or column that the Prisma schema does not know", async () => {
    const { rows } = await db.pool.query<{ table_name: string; column_name: string }>(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
        WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
          AND c.table_name NOT IN ('pgmigrations', 'socket_io_attachments') AND c.table_name NOT LIKE 'trade_blocks%'`,
    );
    const known = new Set<string>();
    for (const model of readModels()) {
      for (const field of model.fields.filter((f) => f.scalar)) known.add(`${model.table}.${field.column}`);
    }
    const unknown = rows.map((r) => `${r.table_name}.${r.column_name}`).filter((k) => !known.has(k));
    expect(unknown).toEqual([]);
  });

  it("keeps trade ticks in a time-partitioned table of columnar blocks", async () => {
    const { rows } = await db.pool.query(
      `SELECT (SELECT count(*) FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid WHERE c.relname = 'trade_blocks') AS native,
              (SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb') AS timescale`,
    );
    expect(Number(rows[0].native) + Number(rows[0].timescale)).toBe(1);
  });
});
