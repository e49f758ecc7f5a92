import { describe, expect, it } from "vitest";
import { DatabentoCsvParser, DatabentoJsonParser } from "./databento-text";
import { parseText } from "./test-support";

const TICK = 250_000_000n;
const HEADER = "ts_recv,ts_event,rtype,publisher_id,instrument_id,action,side,depth,price,size,flags,ts_in_delta,sequence";
const HEADER_MBP1 = `${HEADER},bid_px_00,ask_px_00,bid_sz_00,ask_sz_00,bid_ct_00,ask_ct_00`;

describe("Databento CSV", () => {
  it("reads raw and pretty encodings to the same trades", () => {
    const raw = `${HEADER}\n1609160400099150057,1609160400098821953,0,1,5482,T,A,0,3720250000000,5,129,19251,1170380\n`;
    const pretty = `${HEADER},symbol\n2020-12-28T13:00:00.099150057Z,2020-12-28T13:00:00.098821953Z,0,1,5482,T,A,0,3720.250000000,5,129,19251,1170380,ESH1\n`;
    const a = parseText(new DatabentoCsvParser(), raw, TICK);
    const b = parseText(new DatabentoCsvParser(), pretty, TICK);
    expect(a.trades).toEqual([{ tsRecvNs: 1_609_160_400_099_150_057n, tsEventNs: 1_609_160_400_098_821_953n, priceTicks: 14_881, size: 5, side: -1 }]);
    expect(b.trades).toEqual(a.trades);
  });

  it("keeps only trade records of MBP-1 and rejects undefined values, other instruments and short rows", () => {
    const rows = [
      HEADER_MBP1,
      "1609160400006136329,1609160400006001487,1,1,5482,A,A,0,3720500000000,1,128,17214,1170362,3720250000000,3720500000000,24,11,15,9",
      "1609160400099150057,1609160400098821953,1,1,5482,T,B,0,3720250000000,5,129,19251,1170380,3720250000000,3720500000000,26,7,16,6",
      "1609160400099150058,1609160400098821953,1,1,5482,T,B,0,9223372036854775807,5,129,19251,1170381,0,0,0,0,0,0",
      "1609160400099150059,1609160400098821953,1,1,5482,T,B,0,3720250000000,4294967295,129,19251,1170382,0,0,0,0,0,0",
      "1609160400099150060,1609160400098821953,1,1,9999,T,B,0,3720250000000,1,129,19251,1170383,0,0,0,0,0,0",
      "1609160400099150061,1609160400098821953,1,1,5482,T,B,0,3720100000000,1,129,19251,1170384,0,0,0,0,0,0",
      "1609160400099150062,1609160400098821953,1,1",
    ];
    const { trades, rejected } = parseText(new DatabentoCsvParser(), rows.join("\r\n"), TICK);
    expect(trades).toHaveLength(1);
    expect(trades[0].side).toBe(1);
    expect(rejected.map((r) => [r.recordIndex, r.reason])).toEqual([
      [4, "undefined_price"],
      [5, "undefined_size"],
      [6, "other_instrument"],
      [7, "off_tick_grid"],
      [8, "malformed"],
    ]);
    expect(rejected[4].payload.line).toBe(rows[7]);
  });

  it("refuses a header that is not Databento's trades, and MBO files", () => {
    expect(() => parseText(new DatabentoCsvParser(), "time,price\n1,2\n")).toThrow(/Not a Databento CSV of trades/);
    expect(() => parseText(new DatabentoCsvParser(), "ts_recv,ts_event,rtype,publisher_id,instrument_id,action,side,price,size,channel_id,order_id,flags,ts_in_delta,sequence\n")).toThrow(/MBO CSV/);
  });
});

describe("Databento JSON lines", () => {
  it("reads the encoder's shape, raw and pretty, skipping the metadata object and book updates", () => {
    const lines = [
      '{"version":3,"dataset":"GLBX.MDP3","schema":"trades","symbols":["ESH1"]}',
      '{"ts_recv":"1609160400006136329","hd":{"ts_event":"1609160400006001487","rtype":1,"publisher_id":1,"instrument_id":5482},"action":"A","side":"A","depth":0,"price":"3720500000000","size":1,"flags":128,"ts_in_delta":17214,"sequence":1170362,"levels":[]}',
      '{"ts_recv":"2020-12-28T13:00:00.099150057Z","hd":{"ts_event":"2020-12-28T13:00:00.098821953Z","rtype":0,"publisher_id":1,"instrument_id":5482},"action":"T","side":"A","depth":0,"price":"3720.250000000","size":5,"flags":129,"ts_in_delta":19251,"sequence":1170380,"symbol":"ESH1"}',
      '{"ts_recv":"1609160400108142648","hd":{"ts_event":"1609160400107665963","rtype":0,"publisher_id":1,"instrument_id":5482},"action":"T","side":"N","depth":0,"price":"3720250000000","size":21,"flags":129,"ts_in_delta":20728,"sequence":1170414}',
      '{"ts_recv":"1609160400108142649","hd":{"ts_event":"1609',
    ];
    const parser = new DatabentoJsonParser();
    const { trades, rejected } = parseText(parser, lines.join("\n"), TICK, 7);
    expect(trades).toEqual([
      { tsRecvNs: 1_609_160_400_099_150_057n, tsEventNs: 1_609_160_400_098_821_953n, priceTicks: 14_881, size: 5, side: -1 },
      { tsRecvNs: 1_609_160_400_108_142_648n, tsEventNs: 1_609_160_400_107_665_963n, priceTicks: 14_881, size: 21, side: 0 },
    ]);
    expect(rejected.map((r) => [r.recordIndex, r.reason])).toEqual([[5, "malformed"]]);
    expect(parser.firstSymbol).toBe("ESH1");
  });
});
