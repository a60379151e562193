import { describe, expect, it } from 'vitest';
import { detectEncoding } from '../../../lib/import/encoding';
import { importToMemory } from '../../../lib/import/collect';
import { concatBytes, filePrint, sha256Hex, sha256OfStream } from '../../../lib/import/encoding';
import { encodeGbk } from '../../../lib/ui/gbk';
import { chunked } from '../../helpers';
import { textIn } from '../../../lib/localised';

const utf8 = (text: string) => new TextEncoder().encode(text);
const join = concatBytes;

/** Text in a legacy encoding, by inverting the platform's own decoder (there is no encoder for these). */
function encodeWith(encoding: string, text: string): Uint8Array {
  const decoder = new TextDecoder(encoding);
  const table = new Map<string, number[]>();
  for (let b = 0x80; b <= 0xff; b += 1) {
    const single = decoder.decode(new Uint8Array([b]));
    if (single.length === 1 && single !== '\uFFFD') table.set(single, [b]);
  }
  for (let lead = 0x81; lead <= 0xfe; lead += 1) {
    for (let trail = 0x40; trail <= 0xfe; trail += 1) {
      const pair = decoder.decode(new Uint8Array([lead, trail]));
      if (pair.length === 1 && pair !== '\uFFFD' && !table.has(pair)) table.set(pair, [lead, trail]);
    }
  }
  const bytes: number[] = [];
  for (const char of text) {
    if (char.charCodeAt(0) < 0x80) bytes.push(char.charCodeAt(0));
    else bytes.push(...(table.get(char) ?? [0x3f]));
  }
  return new Uint8Array(bytes);
}

const mapping = { order: 'Order', customer: 'Customer', date: 'Date', amount: 'Total' };
const load = (bytes: Uint8Array, chunk = 97, settings = {}) => importToMemory(chunked(bytes, chunk), { format: 'generic', mapping, timeZone: 'UTC', ...settings });

describe('encodings, decided per file with evidence', () => {
  it('reads a Windows-1252 export of a European shop as such, not as GBK mojibake', async () => {
    const text = 'Order,Customer,Date,Total\n1,Müller José,2024-03-01,12.00\n2,Françoise Læssøe,2024-03-02,8.00\n3,Müller José,2024-03-03,1.50\n';
    const bytes = encodeWith('windows-1252', text);
    expect(detectEncoding(bytes)).toMatchObject({ encoding: 'windows-1252' });
    const { orders } = await load(bytes);
    expect([...orders.values()].map((o) => o.customerKey)).toEqual(['generic:Müller José', 'generic:Françoise Læssøe', 'generic:Müller José']);
  });

  it('knows Big5 and Shift_JIS exports by reading them as text', () => {
    expect(detectEncoding(encodeWith('big5', '訂單編號,買家,日期,金額\n1,陳大文,2024-03-01,120\n2,林小美,2024-03-02,80\n'))).toMatchObject({ encoding: 'big5' });
    expect(detectEncoding(encodeWith('shift_jis', '注文番号,購入者,日付,金額\n1,やまだ たろう,2024-03-01,1200\n2,サトウ ハナコ,2024-03-02,800\n3,山田太郎,2024-03-03,500\n'))).toMatchObject({ encoding: 'shift_jis' });
    expect(detectEncoding(encodeGbk('订单编号,买家会员名,订单创建时间,买家实际支付金额\n1,茶友小王,2024-03-01 10:00:00,128.00\n'))).toMatchObject({ encoding: 'gb18030' });
  });

  it('reads a UTF-8 file with a few GBK rows as UTF-8, and refuses those rows by number instead of garbling every name', async () => {
    const good = Array.from({ length: 40 }, (_, i) => `${i + 1},茶友${i % 5},2024-03-01,10.00`).join('\n');
    const bytes = join(utf8(`Order,Customer,Date,Total\n${good}\n`), encodeGbk('41,张三丰,2024-03-02,5.00\n'), utf8('42,茶友1,2024-03-03,1.00\n'));
    expect(detectEncoding(bytes)).toMatchObject({ encoding: 'utf-8' });
    const { report, orders } = await load(bytes);
    expect(report).toMatchObject({ rowsRead: 42, rowsImported: 41, rowsRejected: 1 });
    expect(report.rejections[0]).toMatchObject({ row: 42 });
    expect(textIn(report.rejections[0]!.reason, 'en')).toMatch(/^holds bytes that are not UTF-8 text \(shown as �\): the file mixes encodings/);
    expect(new Set([...orders.values()].map((o) => o.customerKey))).toEqual(new Set(['generic:茶友0', 'generic:茶友1', 'generic:茶友2', 'generic:茶友3', 'generic:茶友4']));
  });

  it('reads a UTF-8 line inside a GBK export as UTF-8, so its buyer stays one buyer, and says so', async () => {
    const bytes = join(
      encodeGbk('订单编号,买家会员名,订单创建时间,买家实际支付金额\n1,茶友小王,2024-03-01 10:00:00,128.00\n'),
      utf8('2,茶友小王,2024-03-02 10:00:00,20.00\n'),
      encodeGbk('3,茶友小王,2024-03-03 10:00:00,5.00\n'),
    );
    for (const chunk of [7, 64, bytes.length]) {
      const { report, orders } = await importToMemory(chunked(bytes, chunk), { format: 'taobao' });
      expect(new Set([...orders.values()].map((o) => o.customerKey))).toEqual(new Set(['taobao:茶友小王']));
      expect(report.warnings.map((w) => w.en).join('\n')).toMatch(/1 line was UTF-8 in a GB18030 file \(the first: line 3/);
    }
  });

  it('reads the same buyers from a big file handed over whole as in small chunks, its characters cut anywhere', async () => {
    // Over 64 kB pieces many times: a browser hands a file over in chunks of megabytes, decoded piece by piece.
    const names = ['茶友小王', 'Zoë Ørsted', '山田🍵', 'Иван Петров'];
    const rows = Array.from({ length: 6000 }, (_, i) => `${i + 1},${names[i % 4]}${i % 37},2024-03-01,${(i % 90) + 1}.50`);
    for (const [label, bytes] of [['UTF-8', utf8(`Order,Customer,Date,Total\n${rows.join('\n')}\n`)], ['GB18030', encodeGbk(`Order,Customer,Date,Total\n${rows.filter((_, i) => i % 4 === 0).join('\n')}\n`)]] as const) {
      const expected = new Map(rows.filter((_, i) => label === 'UTF-8' || i % 4 === 0).map((row) => [row.split(',')[0], `generic:${row.split(',')[1]}`]));
      for (const chunk of [97, 65_537, bytes.length]) {
        const { report, orders } = await load(bytes, chunk);
        expect(report.rowsRejected, `${label} in chunks of ${chunk}`).toBe(0);
        expect(new Map([...orders.values()].map((o) => [o.orderId, o.customerKey])), `${label} in chunks of ${chunk}`).toEqual(expected);
      }
    }
  });

  it('reads a file as the encoding the seller chooses', async () => {
    const bytes = encodeWith('windows-1252', 'Order,Customer,Date,Total\n1,Søren,2024-03-01,12.00\n');
    const { orders, encoding } = await load(bytes, 97, { encoding: 'gb18030' });
    expect(encoding).toMatchObject({ encoding: 'gb18030', evidence: 'chosen by you' });
    expect([...orders.values()][0]!.customerKey).not.toBe('generic:Søren');
  });
});

describe('a file’s SHA-256, which the imports ledger knows a file again by', () => {
  it('is the standard digest however the file is read, so files imported before are still known', async () => {
    const { createHash } = await import('node:crypto');
    for (const size of [0, 1, 63, 64, 65, 1_000, 200_003]) {
      const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 2_654_435_761) >>> 24);
      const expected = createHash('sha256').update(bytes).digest('hex');
      // The way releases before this one hashed a file: WebCrypto over its bytes held whole.
      const webCrypto = Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');
      expect(webCrypto).toBe(expected);
      expect(await sha256Hex(bytes), `${size} bytes`).toBe(expected);
      for (const chunk of [1, 7, 64, 65_536]) expect(await sha256OfStream(chunked(bytes, chunk)), `${size} bytes in chunks of ${chunk}`).toBe(expected);
    }
  });
});

describe('a file’s print, which the imports ledger knows a file again by', () => {
  const MiB = 1 << 20;
  /** The print worked out here its own way: Node's SHA-256 of each 8 MiB piece, then of the digests end to end. */
  const printOf = async (bytes: Uint8Array) => {
    const { createHash } = await import('node:crypto');
    const whole = createHash('sha256');
    for (let at = 0; at < bytes.length; at += 8 * MiB) whole.update(createHash('sha256').update(bytes.subarray(at, at + 8 * MiB)).digest());
    return `p8m:${whole.digest('hex')}`;
  };
  const bytesOf = (size: number, seed = 0) => Uint8Array.from({ length: size }, (_, i) => ((i + seed) * 2_654_435_761) >>> 24);

  it('is the same however the file is read, across the pieces’ edges', async () => {
    for (const size of [0, 1, 1_000, 8 * MiB - 1, 8 * MiB, 8 * MiB + 1, 17 * MiB + 5]) {
      const bytes = bytesOf(size);
      const expected = await printOf(bytes);
      for (const chunk of size < 2_000 ? [1, 7, 65_536] : [65_536, 3 * MiB + 1, 9 * MiB]) expect(await filePrint(chunked(bytes, chunk)), `${size} bytes in chunks of ${chunk}`).toBe(expected);
    }
  });

  it('differs for files that differ by one byte, or by one byte more, and never looks like a SHA-256', async () => {
    const bytes = bytesOf(9 * MiB);
    const changed = bytes.slice();
    changed[8 * MiB + 3] = bytes[8 * MiB + 3]! ^ 1;
    const prints = await Promise.all([bytes, changed, bytesOf(9 * MiB + 1), bytesOf(9 * MiB, 1)].map((b) => filePrint(chunked(b, 65_536))));
    expect(new Set(prints).size).toBe(4);
    for (const print of prints) expect(print).toMatch(/^p8m:[0-9a-f]{64}$/);
  });
});
