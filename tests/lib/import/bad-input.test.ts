import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { chunked, fixture, inEnglish } from '../../helpers';
import { importToMemory } from '../../../lib/import/collect';
import { InputError } from '../../../lib/import/encoding';
import { previewBytes, PREVIEW_BYTES } from '../../../lib/import/preview';

const run = (bytes: Uint8Array, chunk = 4096) => importToMemory(chunked(bytes, chunk), {});
const utf8 = (text: string) => new TextEncoder().encode(text);

describe('bad input', () => {
  it('says an empty file is empty', async () => {
    await expect(run(new Uint8Array(0))).rejects.toSatisfy((error) =>
      error instanceof InputError
      && error.message === 'The file is empty (0 bytes). Export the orders again and import that file.'
      && error.text['zh-CN'] === '文件是空的（0 字节）。请重新导出订单，再导入该文件。');
  });

  it('says a header-only file has no order rows', async () => {
    await expect(run(utf8('Name,Email,Financial Status,Created at,Lineitem name,Total\n'))).rejects.toThrow(/header but no order rows/);
  });

  it('refuses a binary file', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    await expect(run(png)).rejects.toThrow(/not a text file/);
  });

  it('names the row of a quote that never closes (a truncated file)', async () => {
    const text = readFileSync(fixture('shopify-orders-79.csv'), 'utf8');
    const cut = text.indexOf('Leave at door') + 5; // inside the quoted multi-line note of #1002
    await expect(run(utf8(text.slice(0, cut)))).rejects.toThrow(/Row 4 has a quote \(\"\) that is never closed/);
  });

  it('refuses the rows of a file that turns from UTF-8 into GBK part-way, naming each, and imports the rest', async () => {
    const head = utf8(`订单编号,买家会员名,订单创建时间,买家实际支付金额\n${'1,小王,2024-01-01 10:00:00,10.00\n'.repeat(5000)}`);
    const tail = new Uint8Array([...utf8('2,'), 0xd0, 0xa1, 0xcd, 0xf5, ...utf8(',2024-01-02 10:00:00,5.00\n')]);
    const bytes = new Uint8Array([...head, ...tail]);
    // 小 (D0 A1) happens to be valid UTF-8 too; 王 (CD F5) is not. The verdict is the same however
    // the file arrives: in small pieces, or whole in one (as a browser's file stream sometimes gives it).
    for (const chunk of [4096, bytes.length]) {
      const { report } = await run(bytes, chunk);
      // The 5,000 rows before it are one row repeated: counted once, the rest skipped as duplicates.
      expect(report).toMatchObject({ rowsRead: 5001, rowsImported: 1, duplicateRows: 4999, rowsRejected: 1 });
      expect(inEnglish(report.rejections)).toEqual([
        { row: 5002, reason: 'holds bytes that are not UTF-8 text (shown as �): the file mixes encodings. Re-save it in one encoding, or choose the file\'s encoding in the preview (--encoding on the command line).' },
      ]);
    }
  });

  it('reports a problem even when the file stream never finishes cancelling (as Chromium\'s file streams can)', async () => {
    const bytes = utf8(`Order Number,When,Email,Total\n${'1,2024-01-01,a@b.c,10.00\n'.repeat(5000)}`);
    let at = 0;
    const stuck: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => (at < bytes.length ? { done: false, value: bytes.subarray(at, (at += 4096)) } : { done: true, value: undefined }),
        return: () => new Promise<IteratorResult<Uint8Array>>(() => undefined),
      }),
    };
    // The generic format without a date column: refused at the header, while the stream still runs.
    await expect(importToMemory(stuck, { format: 'generic', mapping: { order: 'Order Number', amount: 'Total' } })).rejects.toThrow(/Choose the date column/);
  });

  it('refuses a 50 MB single field without holding it whole', async () => {
    const header = utf8('Order Number,Order Date,Email (Billing),Order Total,Item Name\n1,2024-01-01,a@b.c,1.00,"');
    async function* huge() {
      yield header;
      const block = new Uint8Array(1 << 20).fill(0x61);
      for (let i = 0; i < 50; i += 1) yield block;
      yield utf8('"\n');
    }
    await expect(importToMemory(huge(), {})).rejects.toThrow(/Row 2 runs past 16 MB/);
  });

  it('previews a file whose first row is longer than the preview reads, leaving the verdict to the import', async () => {
    const head = new Uint8Array([...utf8('Order Number,Order Date,Email (Billing),Order Total,Item Name\n1,2024-01-01,a@b.c,1.00,"'), ...new Uint8Array(PREVIEW_BYTES).fill(0x61)]);
    const preview = await previewBytes(head.subarray(0, PREVIEW_BYTES), 50 * 1024 * 1024, {});
    expect(preview).toMatchObject({ ok: true, orders: [], partial: true, firstRowTooLong: true, report: { format: 'woocommerce' } });
    // The same bytes as a whole file are a header with nothing under it.
    expect(await previewBytes(utf8('Order Number,Order Date,Email (Billing),Order Total,Item Name\n'), 62, {})).toEqual({
      ok: false,
      error: { en: 'The file has a header but no order rows.', 'zh-CN': '文件只有表头，没有订单行。' },
    });
  });

  it('gives the same orders whatever the chunk edges (multi-byte characters and quoted newlines split)', async () => {
    const bytes = new Uint8Array(readFileSync(fixture('taobao-order-report.gbk.csv')));
    const whole = await run(bytes, bytes.length);
    for (const size of [1, 7, 64]) {
      const pieces = await run(bytes, size);
      expect([...pieces.orders.values()]).toEqual([...whole.orders.values()]);
    }
    const shopify = new Uint8Array(readFileSync(fixture('shopify-orders-79.csv')));
    expect([...(await run(shopify, 3)).orders.values()]).toEqual([...(await run(shopify, shopify.length)).orders.values()]);
  });

  it('rejects a bad row with its number and keeps read = imported + rejected', async () => {
    const text = 'Order Number,Order Date,Email (Billing),Order Total,Item Name\n1,2024-01-01,a@b.c,1.00,Tea\n2,yesterday,a@b.c,2.00,Tea\n3,2024-01-03,a@b.c,lots,Tea\n,2024-01-04,a@b.c,4.00,Tea\n\n5,2024-01-05,b@b.c,5.00,Tea\n';
    const { report } = await run(utf8(text));
    expect(inEnglish(report.rejections)).toEqual([
      { row: 3, reason: 'unparseable date in column "Order Date": "yesterday"' },
      { row: 4, reason: 'column "Order Total": "lots" is not an amount' },
      { row: 5, reason: 'missing order number (column "Order Number" is empty)' },
    ]);
    expect(report).toMatchObject({ rowsRead: 5, rowsImported: 2, rowsRejected: 3, orders: 2 });
  });
});
