import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseHTML } from 'linkedom';
import { adapterFinder, askWhileParsing } from '../../../lib/overlay/overlay';
import type { Ref } from '../../../lib/overlay/site-adapter';
import shopifyAdmin from '../../../plugins/sites/shopify-admin';

/** A Shopify admin orders page as the parser has it so far: the header, no rows yet. */
function parsing() {
  const { window, document } = parseHTML(`<html><body><table><thead><tr><th>Order</th><th>Customer</th></tr></thead><tbody id="rows"></tbody></table></body></html>`);
  vi.stubGlobal('MutationObserver', window.MutationObserver);
  vi.stubGlobal('Element', window.Element);
  const tbody = document.getElementById('rows')!;
  /** Row `i` as the parser adds it: the row element first, then its cells. */
  const parseRow = async (i: number) => {
    const row = document.createElement('tr');
    row.id = `gid://shopify/Order/${5_550_000 + i}`;
    row.className = 'Polaris-IndexTable__TableRow';
    tbody.append(row);
    await settled();
    row.innerHTML = `<td><a href="/store/tea-house/orders/${5_550_000 + i}">#${1000 + i}</a></td><td>Buyer ${i}</td>`;
    await settled();
  };
  return { document, parseRow };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the first rows asked for while the page is parsed', () => {
  it('asks once for the first 20 rows in page order, each whole, once the parser has gone past them', async () => {
    const { document, parseRow } = parsing();
    const asked: Ref[][][] = [];
    const stop = askWhileParsing(adapterFinder(shopifyAdmin), document as unknown as Document, (rows) => asked.push(rows));
    for (let i = 0; i < 20; i += 1) await parseRow(i);
    // The 20th row may not be whole yet while it is the last one parsed.
    expect(asked).toEqual([]);
    for (let i = 20; i < 60; i += 1) await parseRow(i);
    stop();
    expect(asked).toHaveLength(1);
    expect(asked[0]).toEqual(Array.from({ length: 20 }, (_, i) => [{ kind: 'order', value: `#${1000 + i}` }, { kind: 'name', value: `Buyer ${i}` }]));
  });

  it('counts the rows parsed before it started, first', async () => {
    const { document, parseRow } = parsing();
    for (let i = 0; i < 8; i += 1) await parseRow(i);
    const asked: Ref[][][] = [];
    const stop = askWhileParsing(adapterFinder(shopifyAdmin), document as unknown as Document, (rows) => asked.push(rows));
    for (let i = 8; i < 30; i += 1) await parseRow(i);
    stop();
    expect(asked.map((rows) => rows.map((refs) => refs[0]!.value))).toEqual([Array.from({ length: 20 }, (_, i) => `#${1000 + i}`)]);
  });

  it('asks nothing for a page with fewer rows than a turn: the overlay asks for them as it starts', async () => {
    const { document, parseRow } = parsing();
    const asked: Ref[][][] = [];
    const stop = askWhileParsing(adapterFinder(shopifyAdmin), document as unknown as Document, (rows) => asked.push(rows));
    for (let i = 0; i < 12; i += 1) await parseRow(i);
    stop();
    await parseRow(12);
    for (let i = 13; i < 30; i += 1) await parseRow(i);
    expect(asked).toEqual([]);
  });
});
