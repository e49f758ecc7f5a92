/** Record types absent from the fixtures (live-data records), checked on hand-encoded bytes. */
import { describe, expect, it } from "vitest";
import { decodeDbnSync, readDbnMetadata } from "./decode";
import { readFileChunks } from "./dbn-file";
import { concatBytes, encodeMetadata, ESH4_1225, fixture } from "./test-support";

const T = 1703545200000000000n;

function record(length: number, rtype: number, fill: (dv: DataView, bytes: Uint8Array) => void): Uint8Array {
  const bytes = new Uint8Array(length);
  const dv = new DataView(bytes.buffer);
  bytes[0] = length / 4;
  bytes[1] = rtype;
  dv.setUint16(2, 1, true);
  dv.setUint32(4, 17077, true);
  dv.setBigUint64(8, T, true);
  fill(dv, bytes);
  return bytes;
}

const ascii = (bytes: Uint8Array, at: number, s: string) => bytes.set([...s].map((c) => c.charCodeAt(0)), at);

describe("live-data records", () => {
  it("decodes v2+ symbol mapping, error and system records", () => {
    const mapping = record(176, 0x16, (dv, b) => {
      b[16] = 3; // continuous
      ascii(b, 17, "ES.c.0");
      b[88] = 1; // raw_symbol
      ascii(b, 89, "ESH4");
      dv.setBigUint64(160, T, true);
      dv.setBigUint64(168, T + 86_400_000_000_000n, true);
    });
    const error = record(320, 0x15, (_dv, b) => {
      ascii(b, 16, "subscription failed");
      b[318] = 3;
      b[319] = 1;
    });
    const system = record(320, 0x17, (_dv, b) => {
      ascii(b, 16, "Heartbeat");
      b[319] = 0;
    });
    const { records } = decodeDbnSync(concatBytes(encodeMetadata({ version: 3 }), mapping, error, system));
    expect(records).toEqual([
      { kind: "symbol-mapping", rtype: 0x16, publisherId: 1, instrumentId: 17077, tsEventNs: T, stypeIn: "continuous", stypeInSymbol: "ES.c.0", stypeOut: "raw_symbol", stypeOutSymbol: "ESH4", startNs: T, endNs: T + 86_400_000_000_000n },
      { kind: "error", rtype: 0x15, publisherId: 1, instrumentId: 17077, tsEventNs: T, message: "subscription failed", code: 3, isLast: true },
      { kind: "system", rtype: 0x17, publisherId: 1, instrumentId: 17077, tsEventNs: T, message: "Heartbeat", code: 0 },
    ]);
  });

  it("decodes the v1 layouts (22-byte symbols, 64-byte texts)", () => {
    const mapping = record(80, 0x16, (dv, b) => {
      ascii(b, 16, "ES.c.0");
      ascii(b, 38, "17077");
      dv.setBigUint64(64, T, true);
      dv.setBigUint64(72, T + 1n, true);
    });
    const system = record(80, 0x17, (_dv, b) => ascii(b, 16, "Heartbeat"));
    const { records } = decodeDbnSync(concatBytes(encodeMetadata({ version: 1 }), mapping, system));
    expect(records[0]).toMatchObject({ kind: "symbol-mapping", stypeIn: null, stypeInSymbol: "ES.c.0", stypeOutSymbol: "17077", startNs: T, endNs: T + 1n });
    expect(records[1]).toMatchObject({ kind: "system", message: "Heartbeat", code: null });
  });

  it("reads only the metadata of a file when asked", async () => {
    const m = await readDbnMetadata(readFileChunks(fixture(ESH4_1225)));
    expect(m).toMatchObject({ version: 1, schema: "mbo", symbols: ["ESH4"], startNs: 1703462400000000000n });
  });
});
