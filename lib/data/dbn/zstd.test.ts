import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AppError } from "../../errors";
import { decodeDbnSync } from "./decode";
import { dbnChunks, dbnChunksSync } from "./source";
import { chunked, concatBytes, ESH4_1224, ESH4_1225, fixture } from "./test-support";
import { startsWithZstd, zstdDecompress } from "./zstd";

const esh4Day2 = readFileSync(fixture(ESH4_1225));
const small = readFileSync(fixture("databento-dbn/tests/data/test_data.trades.v3.dbn.zst"));
const join = (chunks: Iterable<Uint8Array>) => Buffer.concat([...chunks]);

describe("zstd input", () => {
  it("is detected by its magic number 0xFD2FB528", () => {
    expect(startsWithZstd(esh4Day2)).toBe(true);
    expect(startsWithZstd(zstdDecompress(small))).toBe(false);
    expect(startsWithZstd(new Uint8Array([0x28, 0xb5, 0x2f]))).toBe(false);
  });

  it("decodes every frame of a multi-frame file (ESH4 2023-12-25: two frames, 3,852,558 bytes)", () => {
    expect(zstdDecompress(esh4Day2).length).toBe(3_852_558);
  });

  it("decodes frames of different files back to back", () => {
    const other = readFileSync(fixture(ESH4_1224));
    expect(Buffer.from(zstdDecompress(concatBytes(other, small))).equals(Buffer.concat([zstdDecompress(other), zstdDecompress(small)]))).toBe(true);
  });

  it("skips a skippable frame (magic 0x184D2A5?)", () => {
    const skippable = new Uint8Array([0x53, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
    const bytes = concatBytes(skippable, small);
    expect(startsWithZstd(bytes)).toBe(true);
    expect(decodeDbnSync(bytes).records).toEqual(decodeDbnSync(small).records);
  });

  it("gives the same bytes whatever the compressed chunk boundaries", async () => {
    const expected = zstdDecompress(small);
    expect(join(dbnChunksSync(chunked(small, [1])))).toEqual(Buffer.from(expected));
    async function* source() {
      yield* chunked(esh4Day2, [4096, 7]);
    }
    const parts: Uint8Array[] = [];
    for await (const c of dbnChunks(source())) parts.push(c);
    expect(Buffer.concat(parts).equals(Buffer.from(zstdDecompress(esh4Day2)))).toBe(true);
  });

  it("reports a truncated compressed file as unprocessable", () => {
    for (const cut of [10, esh4Day2.length - 5]) {
      let error: unknown = null;
      try {
        join(dbnChunksSync(esh4Day2.subarray(0, cut)));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("unprocessable");
      expect((error as AppError).message).toMatch(/zstd stream ends inside a frame/);
    }
  });

  it("passes zstd bytes through untouched with decompress: none", () => {
    expect(() => decodeDbnSync(small, { decompress: "none" })).toThrow(/zstd-compressed/);
  });
});
