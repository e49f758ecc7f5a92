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

  it("recognises Databento's CSV and JSON encodings of every imported schema", () => {
    const csv = [
      "ts_event,rtype,publisher_id,instrument_id,open,high,low,close,volume",
      "ts_recv,ts_event,rtype,publisher_id,instrument_id,action,reason,trading_event,is_trading,is_quoting,is_short_sell_restricted",
      "ts_recv,ts_event,rtype,publisher_id,instrument_id,raw_symbol,security_update_action,instrument_class,min_price_increment",
      "ts_recv,ts_event,rtype,publisher_id,instrument_id,ts_ref,price,quantity,sequence,ts_in_delta,stat_type,channel_id,update_action,stat_flags",
      "ts_recv,ts_event,rtype,publisher_id,instrument_id,side,price,size,flags,sequence,bid_px_00,ask_px_00,bid_sz_00,ask_sz_00,bid_ct_00,ask_ct_00",
      "ts_recv,ts_event,rtype,publisher_id,instrument_id,action,side,price,size,channel_id,order_id,flags,ts_in_delta,sequence",
    ];
    for (const header of csv) expect(detectFromHead(text(`${header}\n`), true), header).toBe("databento-csv");
    expect(detectFromHead(text('{"ts_event":"1","hd":{"ts_event":"1","rtype":33,"publisher_id":1,"instrument_id":1},"open":"1"}\n'), true)).toBe("databento-json");
    expect(detectFromHead(text('{"version":3,"dataset":"GLBX.MDP3","schema":"status","symbols":[]}\n'), true)).toBe("databento-json");
    expect(detectFromHead(text("ts_event,foo,bar\n"), true)).toEqual({ seen: 'first line "ts_event,foo,bar"' });
  });

  it("reads unknown text as generic CSV only when a mapping is given, and otherwise says what it saw", () => {
    expect(detectFromHead(text("time,price,size\n"), true, { hasCsvMapping: true })).toBe("csv");
    expect(detectFromHead(text("time,price,size\n"), true)).toEqual({ seen: 'first line "time,price,size"' });
    expect(detectFromHead(new Uint8Array([1, 0, 2, 0, 3]), true)).toEqual({ seen: "binary data that is neither DBN nor SCID" });
    expect(detectFromHead(new Uint8Array(0), true)).toEqual({ seen: "an empty file" });
  });
});
