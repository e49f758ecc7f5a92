import { describe, expect, it } from "vitest";
import { detectFromHead } from "./detect";
import { encodeScid } from "./scid-test-support";

const text = (s: string) => new TextEncoder().encode(s);

describe("format detection from the first bytes", () => {
  it("recognises every format by its content", () => {
    expect(detectFromHead(text("DBN\u0003...."), false)).toBe("dbn");
    expect(detectFromHead(encodeScid([]), true)).toBe("scid");
    expect(detectFromHead(text("\uFEFFts_recv,ts_event,rtype,publisher_id,instrument_id,action,side,depth,price,size,flags,ts_in_delta,sequence\r\n"), true)).toBe("databento-csv");
    expect(detectFromHead(text('{"ts_recv":"1","hd":{"ts_event":"1","rtype":0,"publisher_id":1,"instrument_id":1},"action":"T"}\n'), true)).toBe("databento-json");
    expect(detectFromHead(text("20250303 143000 1234567;21234.25;3\n"), true)).toBe("ninjatrader");
    expect(detectFromHead(text("20250303 143000;21234.25;21240;21230;21235.5;120\n"), true)).toBe("ninjatrader");
  });

  it("reads unknown text as generic CSV only when a mapping is given, and otherwise says what it saw", () => {
    expect(detectFromHead(text("time,price,size\n"), true, { hasCsvMapping: true })).toBe("csv");
    expect(detectFromHead(text("time,price,size\n"), true)).toEqual({ seen: 'first line "time,price,size"' });
    expect(detectFromHead(new Uint8Array([1, 0, 2, 0, 3]), true)).toEqual({ seen: "binary data that is neither DBN nor SCID" });
    expect(detectFromHead(new Uint8Array(0), true)).toEqual({ seen: "an empty file" });
  });
});
