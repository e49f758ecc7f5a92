import { EventEmitter } from "node:events";
import type { Connection } from "pg";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import {
  COPY_HEADER_BYTES,
  CopyBinaryParser,
  CopyBinaryWriter,
  CopyOutQuery,
  int8Minus,
  joinInt64,
  splitInt64,
  type CopyRowSink,
} from "./copy-binary";

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

type Field = null | { int2: number } | { int4: number } | { int8: bigint };

/** Encodes rows with the writer (header + rows + trailer). */
function encode(rows: Field[][]): Buffer {
  const w = new CopyBinaryWriter(COPY_HEADER_BYTES + 2 + rows.length * 2 + rows.flat().length * 12);
  w.header();
  for (const row of rows) {
    w.beginRow(row.length);
    for (const f of row) {
      if (f === null) w.null();
      else if ("int2" in f) w.int2(f.int2);
      else if ("int4" in f) w.int4(f.int4);
      else w.int8BigInt(f.int8);
    }
  }
  w.trailer();
  return Buffer.from(w.take());
}

/** Decodes rows by field length: 2 -> int2, 4 -> int4, 8 -> int8, -1 -> null. */
class CollectingSink implements CopyRowSink {
  rows: Field[][] = [];
  row(view: DataView, pos: number, fieldCount: number): void {
    const row: Field[] = [];
    for (let f = 0; f < fieldCount; f++) {
      const len = view.getInt32(pos);
      pos += 4;
      if (len === -1) row.push(null);
      else if (len === 2) row.push({ int2: view.getInt16(pos) });
      else if (len === 4) row.push({ int4: view.getInt32(pos) });
      else if (len === 8) row.push({ int8: view.getBigInt64(pos) });
      else throw new Error(`unexpected length ${len}`);
      pos += Math.max(len, 0);
    }
    this.rows.push(row);
  }
}

function parseInChunks(data: Buffer, cuts: number[]): Field[][] {
  const parser = new CopyBinaryParser();
  const sink = new CollectingSink();
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    parser.push(data.subarray(start, cut), sink);
    start = cut;
  }
  parser.push(data.subarray(start), sink);
  parser.end();
  return sink.rows;
}

const fieldArb: fc.Arbitrary<Field> = fc.oneof(
  fc.constant(null),
  fc.integer({ min: -32768, max: 32767 }).map((int2) => ({ int2 })),
  fc.integer({ min: -2147483648, max: 2147483647 }).map((int4) => ({ int4 })),
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }).map((int8) => ({ int8 })),
);

describe("CopyBinaryWriter", () => {
  it("writes the PGCOPY header and the -1 trailer", () => {
    const w = new CopyBinaryWriter(COPY_HEADER_BYTES + 2);
    w.header();
    w.trailer();
    expect(w.take().toString("hex")).toBe("5047434f50590aff0d0a00" + "00000000" + "00000000" + "ffff");
  });

  it("frames each field with its big-endian length", () => {
    const w = new CopyBinaryWriter(64);
    w.beginRow(4);
    w.int2(-2);
    w.int4(7);
    w.int8(-1);
    w.null();
    expect(w.take().toString("hex")).toBe(
      "0004" + "00000002fffe" + "0000000400000007" + "00000008ffffffffffffffff" + "ffffffff",
    );
  });

  it("int8Plus writes base + addend exactly, carries included", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
        fc.maxSafeInteger(),
        (base, addend) => {
          const sum = base + BigInt(addend);
          fc.pre(sum >= INT64_MIN && sum <= INT64_MAX);
          const { hi, lo } = splitInt64(base);
          const w = new CopyBinaryWriter(12);
          w.int8Plus(hi, lo, addend);
          expect(w.take().readBigInt64BE(4)).toBe(sum);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("int8Plus refuses inexact addends and int8 overflow", () => {
    const w = new CopyBinaryWriter(64);
    expect(() => w.int8Plus(0, 0, 0.5)).toThrow(AppError);
    expect(() => w.int8Plus(0, 0, 2 ** 53)).toThrow(/not an exact integer/);
    const max = splitInt64(INT64_MAX);
    expect(() => w.int8Plus(max.hi, max.lo, 1)).toThrow(/out of range/);
    const min = splitInt64(INT64_MIN);
    expect(() => w.int8Plus(min.hi, min.lo, -1)).toThrow(/out of range/);
    expect(() => w.int8BigInt(INT64_MAX + 1n)).toThrow(/out of range/);
  });
});

describe("splitInt64 / joinInt64 / int8Minus", () => {
  it("round-trip every int8", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), (v) => {
        const { hi, lo } = splitInt64(v);
        expect(hi).toBeGreaterThanOrEqual(-(2 ** 31));
        expect(hi).toBeLessThan(2 ** 31);
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(lo).toBeLessThan(2 ** 32);
        expect(joinInt64(hi, lo)).toBe(v);
      }),
    );
  });

  it("int8Minus is exact for values far beyond 2^53 within 2^53 of the base", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(1n << 62n), max: 1n << 62n }),
        fc.bigInt({ min: -(1n << 53n), max: 1n << 53n }),
        (base, diff) => {
          const view = new DataView(new ArrayBuffer(8));
          view.setBigInt64(0, base + diff);
          const { hi, lo } = splitInt64(base);
          expect(int8Minus(view, 0, hi, lo)).toBe(Number(diff));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("CopyBinaryParser", () => {
  it("reassembles rows whatever the chunking, NULLs and empty rows included", () => {
    fc.assert(
      fc.property(fc.array(fc.array(fieldArb, { maxLength: 6 }), { maxLength: 30 }), fc.array(fc.nat()), (rows, rawCuts) => {
        const data = encode(rows);
        const cuts = rawCuts.map((c) => c % (data.length + 1));
        expect(parseInChunks(data, cuts)).toEqual(rows);
      }),
      { numRuns: 500 },
    );
  });

  it("parses a stream fed one byte at a time", () => {
    const rows: Field[][] = [[{ int8: -5n }, null, { int2: 3 }], [], [{ int4: 42 }]];
    const data = encode(rows);
    const cuts = Array.from({ length: data.length }, (_, i) => i);
    expect(parseInChunks(data, cuts)).toEqual(rows);
  });

  it("skips a header extension", () => {
    const body = encode([[{ int4: 1 }]]);
    const ext = Buffer.from([0xaa, 0xbb, 0xcc]);
    const data = Buffer.concat([body.subarray(0, 15), Buffer.from([0, 0, 0, 3]), ext, body.subarray(COPY_HEADER_BYTES)]);
    expect(parseInChunks(data, [17, 20])).toEqual([[{ int4: 1 }]]);
  });

  it("rejects a bad signature, a truncated stream and data after the trailer", () => {
    const data = encode([[{ int4: 1 }]]);
    const sink = new CollectingSink();

    const bad = Buffer.from(data);
    bad[0] = 0x51;
    expect(() => new CopyBinaryParser().push(bad, sink)).toThrow(/bad signature/);

    const truncated = new CopyBinaryParser();
    truncated.push(data.subarray(0, data.length - 3), sink);
    expect(() => truncated.end()).toThrow(/ended before the trailer/);

    expect(() => new CopyBinaryParser().push(Buffer.concat([data, Buffer.from([0])]), sink)).toThrow(/after the trailer/);
  });

  it("counts rows", () => {
    const parser = new CopyBinaryParser();
    parser.push(encode([[], [], []]), new CollectingSink());
    expect(parser.rows).toBe(3);
  });
});

/** Wire messages as the server sends them: code byte + int32 length (itself included) + body. */
function message(code: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(code, 0, "latin1");
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

/** A stand-in for pg's connection: a socket with pg's one 'data' handler recording what it gets. */
function fakeConnection() {
  const socket = Object.assign(new EventEmitter(), { paused: false, pause() { socket.paused = true; }, resume() { socket.paused = false; } });
  const toPg: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => toPg.push(Buffer.from(chunk)));
  const sent: string[] = [];
  const connection = { stream: socket, query: (text: string) => sent.push(text) } as unknown as Connection;
  return { socket, connection, toPg, sent };
}

async function collect(stream: CopyOutQuery): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

describe("CopyOutQuery", () => {
  const payload = encode([[{ int8: 1n }, { int4: 2 }], [null, { int2: -3 }], [{ int8: -(1n << 62n) }]]);
  // Split the COPY data over several CopyData messages, not aligned with rows, with a notice between.
  const wire = Buffer.concat([
    message("H", Buffer.from([1, 0, 2, 0, 1, 0, 1])),
    message("d", payload.subarray(0, 7)),
    message("N", Buffer.from("Snotice\0\0", "latin1")),
    message("d", payload.subarray(7, 40)),
    message("d", payload.subarray(40)),
    message("c", Buffer.alloc(0)),
  ]);
  const afterCopy = Buffer.concat([message("C", Buffer.from("COPY 3\0", "latin1")), message("Z", Buffer.from("I"))]);

  it("strips the wire framing whatever the socket chunking, then hands the socket back to pg", async () => {
    fc.assert(
      fc.asyncProperty(fc.array(fc.nat()), async (rawCuts) => {
        const all = Buffer.concat([wire, afterCopy]);
        const cuts = [...new Set(rawCuts.map((c) => c % all.length))].sort((a, b) => a - b);
        const { socket, connection, toPg, sent } = fakeConnection();
        const query = new CopyOutQuery("COPY (SELECT 1) TO STDOUT (FORMAT binary)");
        query.submit(connection);
        expect(sent).toEqual(["COPY (SELECT 1) TO STDOUT (FORMAT binary)"]);
        const bytes = collect(query);
        let start = 0;
        for (const cut of [...cuts, all.length]) {
          socket.emit("data", Buffer.from(all.subarray(start, cut)));
          start = cut;
        }
        // What pg's parser would do with the bytes handed back.
        expect(Buffer.concat(toPg)).toEqual(afterCopy);
        query.handleCommandComplete({ text: "COPY 3" });
        query.handleReadyForQuery();
        expect(await bytes).toEqual(payload);
        expect(query.rowCount).toBe(3);
        expect(socket.listenerCount("data")).toBe(1);
      }),
      { numRuns: 200 },
    );
  });

  it("hands an ErrorResponse to pg from its first byte and fails the stream with pg's error", async () => {
    const { socket, connection, toPg } = fakeConnection();
    const query = new CopyOutQuery("COPY x TO STDOUT");
    query.submit(connection);
    const bytes = collect(query);
    const error = message("E", Buffer.from("SERROR\0\0", "latin1"));
    socket.emit("data", Buffer.concat([message("H", Buffer.alloc(3)), message("d", payload.subarray(0, 10)), error.subarray(0, 3)]));
    socket.emit("data", error.subarray(3));
    expect(Buffer.concat(toPg)).toEqual(error);
    query.handleError(new Error("division by zero"));
    await expect(bytes).rejects.toThrow("division by zero");
  });

  it("pauses the socket when the reader falls behind and resumes it on demand", async () => {
    const { socket, connection } = fakeConnection();
    const query = new CopyOutQuery("COPY x TO STDOUT");
    query.submit(connection);
    socket.emit("data", message("H", Buffer.alloc(3)));
    socket.emit("data", message("d", Buffer.alloc(1 << 19)));
    expect(socket.paused).toBe(true);
    query.read();
    expect(socket.paused).toBe(false);
  });
});
