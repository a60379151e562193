import { describe, expect, it } from 'vitest';
import { previewBytes, PREVIEW_BYTES } from '../../../lib/import/preview';
import { importToMemory } from '../../../lib/import/collect';
import { chunked } from '../../helpers';
import { taobaoNotesShop } from '../../fixtures/make/taobao-notes';

describe('preview of a file\'s start', () => {
  const shop = taobaoNotesShop();

  it('reads a GBK 订单报表 whose cut falls inside a multi-line 买家留言', async () => {
    expect(shop.bytes.length).toBeGreaterThan(PREVIEW_BYTES);
    // Every note that holds a line break, cut just after that break: the old cut at the last line feed landed inside the quote.
    const cuts = shop.notes
      .filter(([start]) => start > 4096)
      .flatMap(([start, end]) => {
        const at = shop.bytes.subarray(start, end).indexOf(0x0a);
        return at >= 0 ? [start + at + 1] : [];
      })
      .slice(0, 25);
    expect(cuts.length).toBe(25);
    for (const cut of cuts) {
      const preview = await previewBytes(shop.bytes.subarray(0, cut), shop.bytes.length, {});
      expect(preview.ok, `cut at byte ${cut}`).toBe(true);
      if (!preview.ok) continue;
      expect(preview.partial).toBe(true);
      expect(preview.report.format).toBe('taobao');
      expect(preview.report.rowsRejected).toBe(0);
      // The rows before the cut are all there: the note the cut is in belongs to the one row left out.
      const complete = shop.notes.filter(([, end]) => end < cut).length;
      expect(preview.report.rowsRead).toBe(complete);
    }
  });

  it('imports the whole file exactly', async () => {
    const { report, orders } = await importToMemory(chunked(shop.bytes, 65_536), {});
    expect(report).toMatchObject({ rowsRead: shop.orders, rowsImported: shop.orders, rowsRejected: 0, duplicateRows: 0 });
    expect([...orders.values()].reduce((sum, o) => sum + o.totalMinor, 0)).toBe(shop.paidMinor);
    expect(new Set([...orders.values()].map((o) => o.customerKey)).size).toBe(shop.buyers);
  });
});
