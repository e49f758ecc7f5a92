/** Little-endian field readers shared by the metadata and per-record (object) decoders. */

const utf8 = new TextDecoder("utf-8");

/** A fixed-length, NUL-padded C string (bytes after the first NUL are ignored). */
export function readCString(bytes: Uint8Array, offset: number, length: number): string {
  let end = offset;
  const limit = offset + length;
  while (end < limit && bytes[end] !== 0) end++;
  if (end === offset) return "";
  // ASCII fast path: symbols, currencies and codes are plain ASCII in practice.
  let ascii = true;
  for (let i = offset; i < end; i++) {
    if (bytes[i] >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return String.fromCharCode.apply(null, bytes.subarray(offset, end) as unknown as number[]);
  return utf8.decode(bytes.subarray(offset, end));
}

/** A single ASCII character field (`c_char`); NUL decodes to "". */
export function readChar(bytes: Uint8Array, offset: number): string {
  const c = bytes[offset];
  return c === 0 ? "" : String.fromCharCode(c);
}

export function readU64(view: DataView, offset: number): bigint {
  return view.getBigUint64(offset, true);
}

export function readI64(view: DataView, offset: number): bigint {
  return view.getBigInt64(offset, true);
}
