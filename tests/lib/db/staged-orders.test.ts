import { createReadStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../helpers';
import { importStream, type StreamSettings } from '../../../lib/import/stream';
import { packOrders, stagedOrdersOf, unpackOrders, type StagedOrder } from '../../../lib/db/staged-orders';
import type { Order } from '../../../lib/model';
import { mergeOrders } from '../../../lib/db/buckets';
import { historyOfStored, orderOfStored, orderTuple, storedHistory, type OrderTuple } from '../../../lib/db/stored-orders';

const formatFiles = readdirSync(join(FIXTURES, 'formats')).filter((name) => /\.(csv|tsv|txt)$/.test(name));
/** A file whose columns cannot be guessed, read as the command line's tests read it. */
const SETTINGS: Record<string, StreamSettings> = {
  'generic-whitespace.txt': { hasHeader: false, delimiter: 'whitespace', mapping: { customer: '1', date: '3', quantity: '4', amount: '5' }, dateFormat: 'yyyyMMdd', timeZone: 'UTC' },
};

async function foldedOf(name: string): Promise<StagedOrder[]> {
  const parts: StagedOrder[] = [];
  await importStream(createReadStream(join(FIXTURES, 'formats', name), { highWaterMark: 4096 }) as AsyncIterable<Uint8Array>, { importId: 'import-1', ...SETTINGS[name] }, ({ order, continuation, rows }) => {
    parts.push({ order, continuation, rows });
  });
  return parts;
}

const order = (fields: Partial<Order> = {}): Order => ({
  key: 'shop:1001',
  platform: 'taobao',
  orderId: '1001',
  customerKey: 'shop:tb_阿明',
  buyer: { id: 'tb_阿明', email: undefined, name: '王小明', phone: '138****0000', birthday: undefined },
  createdAt: 1_780_000_000_000,
  paidAt: undefined,
  deliveredAt: undefined,
  status: 'completed',
  totalMinor: 12_900,
  refundedMinor: 0,
  currency: 'CNY',
  isReturn: false,
  items: [{ sku: '', title: '夏季连衣裙 😀', quantity: 1, priceMinor: 12_900 }],
  importId: 'import-1',
  ...fields,
});

describe('staged orders packed into columns', () => {
  it.each(formatFiles)('gives back every order of %s as the import folded it, field for field', async (name) => {
    const parts = await foldedOf(name);
    expect(parts.length).toBeGreaterThan(0);
    // In batches, as the import stages them: each batch has its own words.
    const back = [0, 1, 2].flatMap((third) => unpackOrders(packOrders(parts.filter((_, i) => i % 3 === third))));
    const inTurn = [0, 1, 2].flatMap((third) => parts.filter((_, i) => i % 3 === third));
    // Text equal: every field back, in the order the import made them.
    expect(back.map((part) => JSON.stringify(part))).toEqual(inTurn.map((part) => JSON.stringify(part)));
    expect(back).toEqual(inTurn);
  });

  it('keeps absent fields absent and odd text whole', () => {
    const parts: StagedOrder[] = [
      { order: order(), continuation: null, rows: [2, 3] },
      // No buyer, both instants, a platform id, a return, no items, no rows (staged by a test or an old path).
      { order: order({ key: 'shop:1002', orderId: '1002', customerKey: null, buyer: { id: undefined, email: undefined, name: undefined, phone: undefined, birthday: undefined }, paidAt: 1_780_000_100_000, deliveredAt: 1_780_000_200_000, isReturn: true, refundedMinor: 500, items: [], externalId: '5172037091578' }), continuation: 'sum' },
      // Separators and controls inside cells, an empty SKU, a birthday, three items, another currency and status.
      { order: order({ key: 'shop:1003', orderId: '1003', customerKey: 'shop:zoë', buyer: { id: undefined, email: 'a\u0000b@example.com', name: 'Zoë "Z" O\u0001Neil\r\n', phone: '', birthday: '02-29' }, status: 'refunded', currency: 'EUR', items: [1, 2, 3].map((n) => ({ sku: `S\t${n}`, title: `Größe ${n},"x"`, quantity: n, priceMinor: -n * 1.5 })) }), continuation: 'items', rows: [7, 9, 11] },
    ];
    const packed = packOrders(parts);
    const back = unpackOrders(packed);
    expect(back).toEqual(parts);
    expect(back.map((part) => JSON.stringify(part))).toEqual(parts.map((part) => JSON.stringify(part)));
    expect(Object.hasOwn(back[0]!.order, 'externalId')).toBe(false);
    expect('rows' in back[1]!).toBe(false);
    expect(back[1]!.order.customerKey).toBeNull();
    // Chinese text goes as UTF-8 (Chromium stores a two-byte string slowly), Latin-1 as it is.
    expect(packed.text).toBeInstanceOf(Uint8Array);
    expect(typeof packOrders(parts.slice(2)).text).toBe('string');
    // The shared texts once per batch.
    expect(packed.words.sort()).toEqual(['CNY', 'EUR', 'completed', 'import-1', 'refunded', 'taobao']);
  });

  it('reads a batch an earlier release staged as JSON', () => {
    const parts: StagedOrder[] = [{ order: order(), continuation: null, rows: [2] }];
    expect(stagedOrdersOf({ importId: 'i', group: 0, seq: 1, json: JSON.stringify(parts) })).toEqual(JSON.parse(JSON.stringify(parts)));
    expect(stagedOrdersOf({ importId: 'i', group: 0, seq: 1, packed: packOrders(parts) })).toEqual(parts);
  });

  it('stores far fewer bytes than the JSON it replaces', async () => {
    const parts = await foldedOf('shopify-orders-79.csv');
    const packed = packOrders(parts);
    const bytes = (typeof packed.text === 'string' ? packed.text.length : packed.text.byteLength) + packed.lengths.byteLength + packed.numbers.byteLength + packed.words.join('').length;
    expect(bytes).toBeLessThan(JSON.stringify(parts).length * 0.75);
  });
});

describe('orders stored as tuples in their buckets', () => {
  it.each(formatFiles)('read back every order of %s as the import folded it, field for field', async (name) => {
    const orders = (await foldedOf(name)).map(({ order }) => order);
    const back = historyOfStored(JSON.parse(JSON.stringify(storedHistory(orders))) as OrderTuple[]);
    // Text equal: every field back, in the order the import made them.
    expect(back.map((order) => JSON.stringify(order))).toEqual(orders.map((order) => JSON.stringify(order)));
    expect(back).toEqual(orders);
  });

  it('keep absent fields absent, and are about half the text of the objects', () => {
    const orders = [
      order(),
      order({ key: 'shop:1002', orderId: '1002', customerKey: null, buyer: { id: undefined, email: undefined, name: undefined, phone: undefined, birthday: '02-29' }, paidAt: 1_780_000_100_000, deliveredAt: 0, isReturn: true, items: [], externalId: '' }),
    ];
    const text = JSON.stringify(storedHistory(orders));
    const back = historyOfStored(JSON.parse(text) as OrderTuple[]);
    expect(back).toEqual(orders);
    expect(back[0]!.externalId).toBeUndefined();
    expect(Object.hasOwn(back[0]!, 'externalId')).toBe(false);
    expect([back[1]!.externalId, back[1]!.deliveredAt, back[1]!.buyer.birthday, back[1]!.customerKey]).toEqual(['', 0, '02-29', null]);
    expect(text.length).toBeLessThan(JSON.stringify(orders).length * 0.6);
  });

  it('let an import find an order it brings again unchanged, whatever order its fields were made in', () => {
    const stored = historyOfStored(JSON.parse(JSON.stringify(storedHistory([order()]))) as OrderTuple[]);
    // The same order from another import, its fields and its item's made in another order (a format plugin's own).
    const { items, buyer, ...rest } = order({ importId: 'import-2' });
    const again: Order = { items: items.map(({ priceMinor, quantity, title, sku }) => ({ priceMinor, quantity, title, sku })), ...rest, buyer: { name: buyer.name, id: buyer.id, phone: buyer.phone } };
    const counts = { added: 0, updated: 0 };
    expect(mergeOrders(stored, [again], counts)).toBeNull();
    expect(counts).toEqual({ added: 0, updated: 0 });
    expect(mergeOrders(stored, [{ ...again, refundedMinor: 100 }], counts)).toHaveLength(1);
    expect(counts).toMatchObject({ added: 0, updated: 1 });
  });

  it('read an order stored as an object by an earlier release as it is, and refuse a layout they do not know', () => {
    const stored = JSON.parse(JSON.stringify(order())) as Order;
    expect(orderOfStored(stored)).toBe(stored);
    // A bucket holds both after a day's import over an older bucket.
    expect(historyOfStored([stored, orderTuple(order({ orderId: '2' }))]).map((o) => o.orderId)).toEqual(['1001', '2']);
    expect(() => orderOfStored([2, 'x'] as unknown as OrderTuple)).toThrow(/layout 2/);
  });
});
