/**
 * Splits one CSV line into fields (RFC 4180 quoting: a quoted field may hold the delimiter and
 * doubled quotes). Quoted line breaks are not supported - every format imported here writes one
 * record per line. Returns null for an unterminated quote.
 */
export function splitCsvLine(line: string, delimiter = ","): string[] | null {
  if (line.indexOf('"') < 0) return line.split(delimiter);
  const fields: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (line[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return null;
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i >= n) return fields;
      if (!line.startsWith(delimiter, i)) return null;
      i += delimiter.length;
    } else {
      const d = line.indexOf(delimiter, i);
      if (d < 0) {
        fields.push(line.slice(i));
        return fields;
      }
      fields.push(line.slice(i, d));
      i = d + delimiter.length;
    }
  }
}
