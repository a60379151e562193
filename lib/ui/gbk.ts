/** GBK byte pairs by UTF-16 code unit, read once from the browser's own GBK decoder (there is no GBK encoder). */
let table: Map<number, number> | null = null;

function gbkTable(): Map<number, number> {
  if (table) return table;
  // Every lead (0x81–0xFE) and trail (0x40–0xFE but 0x7F) pair, each followed by a newline so
  // that a pair the decoder refuses cannot shift the ones after it.
  const pairs: number[] = [];
  for (let lead = 0x81; lead <= 0xfe; lead += 1) {
    for (let trail = 0x40; trail <= 0xfe; trail += 1) if (trail !== 0x7f) pairs.push(lead, trail, 0x0a);
  }
  const decoded = new TextDecoder('gbk').decode(new Uint8Array(pairs)).split('\n');
  table = new Map();
  decoded.forEach((text, i) => {
    if (text.length === 1 && text !== '\uFFFD' && !table!.has(text.charCodeAt(0))) table!.set(text.charCodeAt(0), (pairs[i * 3]! << 8) | pairs[i * 3 + 1]!);
  });
  return table;
}

/** Text as GBK bytes, for the older Chinese Excel that opens CSV files as GBK; a character GBK lacks becomes "?". */
export function encodeGbk(text: string): Uint8Array {
  const codes = gbkTable();
  const out = new Uint8Array(text.length * 2);
  let at = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      out[at++] = code;
      continue;
    }
    const pair = codes.get(code);
    if (pair === undefined) {
      out[at++] = 0x3f;
      // A character outside the BMP is two code units and one "?".
      if (code >= 0xd800 && code <= 0xdbff) i += 1;
      continue;
    }
    out[at++] = pair >> 8;
    out[at++] = pair & 0xff;
  }
  return out.subarray(0, at);
}
