import { describe, expect, it } from "vitest";
import { LineSplitter } from "./line-splitter";
import { chunked } from "./test-support";

function split(bytes: Uint8Array, chunkSize: number): string[] {
  const s = new LineSplitter();
  const lines: string[] = [];
  for (const c of chunked(bytes, chunkSize)) lines.push(...s.push(c));
  lines.push(...s.finish());
  return lines;
}

describe("LineSplitter", () => {
  const text = "\uFEFFa,b\r\nprix,\u00e9t\u00e9 \u20ac\n\nlast line without newline";
  const bytes = new TextEncoder().encode(text);

  it("drops the BOM and CR, keeps blank lines and a final line without terminator", () => {
    expect(split(bytes, 1 << 16)).toEqual(["a,b", "prix,\u00e9t\u00e9 \u20ac", "", "last line without newline"]);
  });

  it("gives the same lines whatever the chunk size, multi-byte characters split across chunks included", () => {
    const whole = split(bytes, bytes.length);
    for (const size of [1, 2, 3, 5, 7]) expect(split(bytes, size)).toEqual(whole);
  });

  it("does not invent an empty last line after a final newline", () => {
    expect(split(new TextEncoder().encode("x\ny\n"), 1)).toEqual(["x", "y"]);
  });

  it("refuses a line longer than the limit (binary data)", () => {
    const s = new LineSplitter("blob.bin", 10);
    expect(() => s.push(new TextEncoder().encode("0123456789ABC"))).toThrow(/blob.bin: a line is longer than 10 characters/);
  });
});
