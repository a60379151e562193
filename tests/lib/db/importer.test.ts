import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { chunked, fixture, longShopifyExport } from '../../helpers';
import { openTiermarkDB, storeCounts, groupOf, type Database } from '../../../lib/db/schema';
import { importFile, recoverImports, type ImportFile } from '../../../lib/db/importer';
import { customersForAlias, getCustomerEntry } from '../../../lib/db/customers';
import { bucketOf } from '../../../lib/db/buckets';
import { importChangedStore } from '../../../lib/db/ledger';
import { packOrders, type StagedBatch } from '../../../lib/db/staged-orders';
import { filePrint, sha256Hex } from '../../../lib/import/encoding';
import { both, SellerError, textIn } from '../../../lib/localised';

let dbCount = 0;
const freshDb = () => openTiermarkDB(`importer-test-${(dbCount += 1)}`);

async function fileOf(name: string, bytes: Uint8Array): Promise<ImportFile & { hash: string }> {
  return { name, size: bytes.length, hash: await filePrint(chunked(bytes, 4096)), stream: () => chunked(bytes, 1024) };
}
const fixtureFile = (name: string) => fileOf(name, new Uint8Array(readFileSync(fixture(name))));

async function snapshot(db: Database) {
  const { customers, orders } = await storeCounts(db);
  return { customers, orders, buckets: await db.count('customers'), staged: await db.count('staged'), stagedAliases: await db.count('stagedAliases') };
}

describe('importing into IndexedDB', () => {
  it('stores customers with their histories and aliases, and records the import in the ledger', async () => {
    const db = await freshDb();
    const record = await importFile(db, await fixtureFile('shopify-orders-79.csv'), {});
    expect(record).toMatchObject({ status: 'complete', format: 'shopify', rowsRead: 8, rowsImported: 8, rowsRejected: 0, orders: 7, ordersAdded: 7, ordersUpdated: 0, customersTouched: 4 });
    expect(await snapshot(db)).toMatchObject({ customers: 4, orders: 7, staged: 0, stagedAliases: 0 });
    const ada = (await getCustomerEntry(db, 'shopify:ada@example.com'))!;
    expect(ada.customer).toMatchObject({ orderCount: 2, monetaryMinor: 18450, names: ['Ada Lovelace'] });
    expect(ada.orders.map((o) => o.orderId)).toEqual(['#1001', '#1002']);
    // A guest order is kept (it counts toward sales) under an entry with no customer.
    expect((await getCustomerEntry(db, 'guest:shopify:#1005'))!.customer).toBeNull();
    expect(await customersForAlias(db, 'order:#1002')).toEqual(['shopify:ada@example.com']);
    expect(await customersForAlias(db, 'name:grace hopper')).toEqual(['shopify:grace@example.com']);
    expect(await db.get('imports', record.id)).toEqual(record);
  });

  it('keeps a name shared by two buyers as one ambiguous alias, never a merge', async () => {
    const db = await freshDb();
    const csv = 'Order Number,Order Date,Email (Billing),First Name (Billing),Last Name (Billing),Order Total\n1,2024-01-01,a@example.com,Wei,Wang,10.00\n2,2024-01-02,b@example.com,Wei,Wang,20.00\n';
    await importFile(db, await fileOf('same-name.csv', new TextEncoder().encode(csv)), {});
    expect((await customersForAlias(db, 'name:wei wang')).sort()).toEqual(['woocommerce:a@example.com', 'woocommerce:b@example.com']);
    expect((await storeCounts(db)).customers).toBe(2);
  });

  it('spills a file too big for memory into staging, with the same result', async () => {
    const inMemory = await freshDb();
    const spilled = await freshDb();
    const held = await importFile(inMemory, await fixtureFile('shopify-orders-79.csv'), {});
    const staged = await importFile(spilled, await fixtureFile('shopify-orders-79.csv'), {}, {}, 2);
    expect([held.commitFrom, staged.commitFrom]).toEqual(['memory', 'staging']);
    expect({ ...staged, id: '', commitFrom: '', timings: {}, startedAt: 0, updatedAt: 0, finishedAt: 0 }).toEqual({ ...held, id: '', commitFrom: '', timings: {}, startedAt: 0, updatedAt: 0, finishedAt: 0 });
    expect(await snapshot(spilled)).toEqual(await snapshot(inMemory));
    for (const key of ['shopify:ada@example.com', 'shopify:grace@example.com', 'guest:shopify:#1005']) {
      const strip = (entry: Awaited<ReturnType<typeof getCustomerEntry>>) => entry && { ...entry, orders: entry.orders.map((o) => ({ ...o, importId: '' })) };
      expect(strip(await getCustomerEntry(spilled, key))).toEqual(strip(await getCustomerEntry(inMemory, key)));
    }
    expect(await customersForAlias(spilled, 'order:#1002')).toEqual(['shopify:ada@example.com']);
  });

  it('adds nothing when the same file comes again', async () => {
    const db = await freshDb();
    await importFile(db, await fixtureFile('taobao-order-report.gbk.csv'), {});
    const before = await snapshot(db);
    const again = await importFile(db, await fixtureFile('taobao-order-report.gbk.csv'), {});
    expect(again.status).toBe('duplicate');
    expect(await snapshot(db)).toEqual(before);
    expect(await db.count('imports')).toBe(2);
  });

  it('says which imports changed the store: not a repeated file, nor one whose orders were all known', async () => {
    const db = await freshDb();
    const first = await importFile(db, await fixtureFile('taobao-order-report.gbk.csv'), {});
    const again = await importFile(db, await fixtureFile('taobao-order-report.gbk.csv'), {});
    // The same orders under another file's bytes (a line break added): read, nothing new.
    const bytes = new Uint8Array(readFileSync(fixture('taobao-order-report.gbk.csv')));
    const known = await importFile(db, await fileOf('known.csv', new Uint8Array([...bytes, 0x0d, 0x0a])), {});
    expect([first.status, again.status, known.status]).toEqual(['complete', 'duplicate', 'complete']);
    expect(await importChangedStore(db, first.id)).toBe(true);
    expect(await importChangedStore(db, again.id)).toBe(false);
    expect(await importChangedStore(db, known.id)).toBe(false);
    // One the ledger never had (refused before it was read): it may have, so a rescore is not skipped.
    expect(await importChangedStore(db, 'not-in-the-ledger')).toBe(true);
  });

  it('finds a repeated file by a hash taken while it is read, and saves none of it, whenever the hash comes', async () => {
    const db = await freshDb();
    // In pieces of 64 bytes: some fifty turns of reading.
    const bytes = new Uint8Array(readFileSync(fixture('shopify-orders-79.csv')));
    const file = { ...(await fileOf('shopify-orders-79.csv', bytes)), stream: () => chunked(bytes, 64) };
    let fullReads = 0;
    await importFile(db, file, {}, { onProgress: (p) => void (p.phase === 'reading' && (fullReads += 1)) });
    const before = await snapshot(db);
    // Known a moment after the read starts (the worker yields at each progress): the read stops there.
    let reads = 0;
    const soon = new Promise<string>((resolve) => setTimeout(() => resolve(file.hash), 0));
    const early = await importFile(db, { ...file, hash: soon }, {}, { onProgress: (p) => { if (p.phase === 'reading') reads += 1; return new Promise((resolve) => setTimeout(resolve, 0)); } }, 5);
    expect(early.status).toBe('duplicate');
    expect(reads).toBeLessThan(fullReads / 2);
    // Known only once every row was read and staged.
    let release = (_hash: string) => {};
    const hash = new Promise<string>((resolve) => (release = resolve));
    async function* thenHashed() {
      yield* file.stream();
      setTimeout(() => release(file.hash), 0);
    }
    expect((await importFile(db, { ...file, hash, stream: thenHashed }, {}, {}, 5)).status).toBe('duplicate');
    expect(await snapshot(db)).toEqual(before);
    expect(await db.count('imports')).toBe(3);
    // A hash that cannot be taken fails the import, saving nothing, and says why.
    await expect(importFile(db, { ...file, hash: Promise.reject(new SellerError(both('The file could not be read', '无法读取文件'))) }, {}, {}, 5)).rejects.toThrow('could not be read');
    expect((await db.getAll('imports')).filter((r) => r.status === 'failed')).toMatchObject([{ error: { en: expect.stringContaining('could not be read') } }]);
    expect(await snapshot(db)).toEqual(before);
  });

  it('keeps a new file whose hash came while it was read, under that hash', async () => {
    const db = await freshDb();
    const file = await fixtureFile('shopify-orders-79.csv');
    const record = await importFile(db, { ...file, hash: new Promise((resolve) => setTimeout(() => resolve(file.hash), 5)) }, {});
    expect(record).toMatchObject({ status: 'complete', hash: file.hash });
    expect((await importFile(db, file, {})).status).toBe('duplicate');
  });

  it('knows a file an earlier release imported by its SHA-256, taken only for a file of that size', async () => {
    const db = await freshDb();
    const bytes = new Uint8Array(readFileSync(fixture('shopify-orders-79.csv')));
    // What releases before prints kept: the SHA-256 of the whole file.
    const earlier = await importFile(db, { ...(await fileOf('shopify-orders-79.csv', bytes)), hash: await sha256Hex(bytes) }, {});
    expect(earlier.hash).toMatch(/^[0-9a-f]{64}$/);
    const before = await snapshot(db);
    let asked = 0;
    const withSha256 = async (name: string, content: Uint8Array): Promise<ImportFile> => ({ ...(await fileOf(name, content)), sha256: () => ((asked += 1), sha256Hex(content)) });
    const again = await importFile(db, await withSha256('shopify-orders-79.csv', bytes), {});
    expect([again.status, asked]).toEqual(['duplicate', 1]);
    expect(await snapshot(db)).toEqual(before);
    // The same size, other bytes (a note's letter changed): read as a new file.
    const edited = bytes.slice();
    edited[edited.lastIndexOf(0x61)] = 0x62;
    const other = await importFile(db, await withSha256('edited.csv', edited), {});
    expect([other.status, asked]).toEqual(['complete', 2]);
    expect(other.hash.startsWith('p8m:')).toBe(true);
    // Another size: no earlier record can be it, so no SHA-256 is taken.
    await importFile(db, await withSha256('longer.csv', new Uint8Array([...bytes, 0x0a])), {});
    expect(asked).toBe(2);
    // Once imported under its print, a file is known by it.
    expect((await importFile(db, await withSha256('edited.csv', edited), {})).status).toBe('duplicate');
    expect(asked).toBe(2);
  });

  it('updates changed orders by id and adds new ones from an overlapping newer export', async () => {
    const db = await freshDb();
    const older = readFileSync(fixture('shopify-orders-79.csv'), 'utf8');
    await importFile(db, await fileOf('older.csv', new TextEncoder().encode(older)), {});
    const lines = older.trimEnd().split('\n');
    const header = lines[0]!.split(',');
    const i1004 = lines.findIndex((l) => l.startsWith('#1004,'));
    const refunded = lines[i1004]!.split(',');
    refunded[header.indexOf('Financial Status')] = 'refunded';
    refunded[header.indexOf('Refunded Amount')] = '60.00';
    const added = refunded.map((cell, i) => (i === 0 ? '#1008' : i === header.indexOf('Financial Status') ? 'paid' : i === header.indexOf('Refunded Amount') ? '0.00' : cell));
    const newer = [header.join(','), ...lines.slice(1, i1004), refunded.join(','), ...lines.slice(i1004 + 1), added.join(',')].join('\n');
    const record = await importFile(db, await fileOf('newer.csv', new TextEncoder().encode(newer)), {});
    expect(record).toMatchObject({ status: 'complete', orders: 8, ordersAdded: 1, ordersUpdated: 1, customersTouched: 1 });
    expect(await storeCounts(db)).toMatchObject({ orders: 8, customers: 4 });
    // #1003 and now #1004 are refunded in full: history, not purchases; #1008 is her one purchase.
    expect((await getCustomerEntry(db, 'shopify:grace@example.com'))!.customer).toMatchObject({ orderCount: 1, monetaryMinor: 6000, refundCount: 2 });
  });

  it('writes nothing from a file it refuses, and says why in the ledger', async () => {
    const db = await freshDb();
    await importFile(db, await fixtureFile('jd-orders.gbk.csv'), {});
    const before = await snapshot(db);
    const broken = new TextEncoder().encode('Name,Email,Financial Status,Created at,Lineitem name,Total\n#1,"a@b.c,paid,2024-01-01,Tea,1.00\n');
    const record = await importFile(db, await fileOf('broken.csv', broken), {});
    expect(record.status).toBe('failed');
    expect(textIn(record.error, 'en')).toMatch(/Row 2 has a quote/);
    expect(await snapshot(db)).toEqual(before);
    // Also when what was read had already spilled into staging.
    const longer = new TextEncoder().encode(`${readFileSync(fixture('shopify-orders-79.csv'), 'utf8').trimEnd()}\n#1,"a@b.c,paid\n`);
    expect(await importFile(db, await fileOf('broken-late.csv', longer), {}, {}, 1)).toMatchObject({ status: 'failed', error: { en: expect.stringMatching(/has a quote/), 'zh-CN': expect.stringMatching(/引号/) } });
    expect(await snapshot(db)).toEqual(before);
  });

  it('drops everything read so far when cancelled', async () => {
    const db = await freshDb();
    const controller = new AbortController();
    const bytes = new Uint8Array(readFileSync(fixture('shopify-orders-79.csv')));
    const file: ImportFile = { name: 'x.csv', size: bytes.length, hash: 'h', stream: () => chunked(bytes, 200) };
    let calls = 0;
    const record = await importFile(db, file, {}, { signal: controller.signal, onProgress: () => void ((calls += 1) === 2 && controller.abort()) });
    expect(record.status).toBe('cancelled');
    expect(await snapshot(db)).toEqual({ customers: 0, orders: 0, buckets: 0, staged: 0, stagedAliases: 0 });
  });

  it('drops what was staged when cancelled, also what another thread stored only after the cancel', async () => {
    const db = await freshDb();
    const controller = new AbortController();
    const bytes = longShopifyExport();
    const file: ImportFile = { name: 'x.csv', size: bytes.length, hash: 'h', stream: () => chunked(bytes, 4096) };
    // A staging thread slower than the reading: its puts land once the reading has stopped.
    const late: Array<() => void> = [];
    const stage = (batch: StagedBatch) => new Promise<void>((resolve) => late.push(resolve)).then(() => db.put('staged', batch));
    // Cancelled once a first record is on its way.
    const cancelled = importFile(db, file, {}, { signal: controller.signal, stage, onProgress: () => void (late.length > 0 && controller.abort()) }, 1);
    await vi.waitFor(() => expect(controller.signal.aborted).toBe(true));
    for (const land of late.splice(0)) land();
    expect((await cancelled).status).toBe('cancelled');
    expect(await snapshot(db)).toEqual({ customers: 0, orders: 0, buckets: 0, staged: 0, stagedAliases: 0 });
  });

  it('after a closed tab: an unfinished read is marked interrupted and dropped; a started commit is finished', async () => {
    const db = await freshDb();
    const done = await importFile(db, await fixtureFile('shopify-orders-79.csv'), {});
    const template = (await getCustomerEntry(db, 'shopify:ada@example.com'))!.orders[0]!;
    const order = (id: string, importId: string) => ({ ...template, key: `shopify:${id}`, orderId: id, importId });
    const group = groupOf(bucketOf('shopify:ada@example.com'));
    // A tab closed while reading: the ledger says running, some orders are staged.
    await db.put('imports', { ...done, id: 'reading', hash: 'r', status: 'running', ordersAdded: 0 });
    await db.put('staged', { importId: 'reading', group, seq: 1, json: JSON.stringify([{ order: order('#9999', 'reading'), continuation: null }]) });
    // A tab closed while committing: its orders are still staged.
    await db.put('imports', { ...done, id: 'committing', hash: 'c', status: 'committing', commitFrom: 'staging', ordersAdded: 0, customersTouched: 0 });
    await db.put('staged', { importId: 'committing', group, seq: 1, packed: packOrders([{ order: order('#2000', 'committing'), continuation: null }]) });
    // And one record as the release before staged it, as JSON.
    await db.put('staged', { importId: 'committing', group, seq: 2, json: JSON.stringify([{ order: order('#2001', 'committing'), continuation: null }]) });

    const recovered = await recoverImports(db, () => false);
    expect(recovered.map((r) => [r.id, r.status, r.ordersAdded])).toEqual([
      ['committing', 'complete', 2],
      ['reading', 'interrupted', 0],
    ]);
    expect(textIn((await db.get('imports', 'reading'))!.error, 'en')).toMatch(/tab was closed/);
    const ada = (await getCustomerEntry(db, 'shopify:ada@example.com'))!;
    expect(ada.orders.map((o) => o.orderId)).toEqual(['#1001', '#2000', '#2001', '#1002']);
    expect(ada.customer).toMatchObject({ orderCount: 4, monetaryMinor: 18450 + 12000 * 2 });
    expect(await snapshot(db)).toMatchObject({ customers: 4, orders: 9, staged: 0, stagedAliases: 0 });
  });

  it('after a closed tab: a commit run again keeps every identifier its first run staged', async () => {
    const db = await freshDb();
    const done = await importFile(db, await fixtureFile('shopify-orders-79.csv'), {});
    const template = (await getCustomerEntry(db, 'shopify:ada@example.com'))!.orders[0]!;
    const group = groupOf(bucketOf('shopify:ada@example.com'));
    await db.put('imports', { ...done, id: 'committing', hash: 'c', status: 'committing', commitFrom: 'staging', ordersAdded: 0, customersTouched: 0 });
    await db.put('staged', { importId: 'committing', group, seq: 1, packed: packOrders([{ order: { ...template, key: 'shopify:#3000', orderId: '#3000', importId: 'committing' }, continuation: null }]) });
    // The first run committed the last group only: its one staged record is numbered where this group's
    // record for the same range would be, were records numbered from how many there are.
    const pass = Math.floor((bucketOf('order:#3000') * 16) / 1024);
    await db.put('stagedAliases', { importId: 'committing', seq: pass * 2 ** 32 + 1 + group + 1, json: JSON.stringify([['email:last-group@example.com', 'shopify:grace@example.com']]) });

    await recoverImports(db, () => false);
    expect(await customersForAlias(db, 'order:#3000')).toEqual(['shopify:ada@example.com']);
    expect(await customersForAlias(db, 'email:last-group@example.com')).toEqual(['shopify:grace@example.com']);
    expect(await snapshot(db)).toMatchObject({ orders: 8, staged: 0, stagedAliases: 0 });
  });

  it('after a closed tab while saving from memory: the saved part stays whole and findable, the import is marked incomplete', async () => {
    const db = await freshDb();
    const done = await importFile(db, await fixtureFile('shopify-orders-79.csv'), {});
    // What a commit from memory leaves after its first group: that group's aliases still staged.
    const jd = await fixtureFile('jd-orders.gbk.csv');
    await db.put('imports', { ...done, id: 'saving', hash: jd.hash, status: 'committing', commitFrom: 'memory' });
    await db.put('stagedAliases', { importId: 'saving', seq: 1, json: JSON.stringify([['email:new@example.com', 'shopify:ada@example.com']]) });
    // Staged by this release: one record per range of alias buckets, its range in the high part of its seq.
    const passes = Array.from({ length: 16 }, (_, pass) => pass);
    for (const pass of passes) await db.put('stagedAliases', { importId: 'saving', seq: pass * 2 ** 32 + 2 + pass, json: JSON.stringify([[`email:pass${pass}@example.com`, 'shopify:ada@example.com']]) });

    const [recovered] = await recoverImports(db, () => false);
    expect(recovered).toMatchObject({ id: 'saving', status: 'interrupted', error: { en: expect.stringMatching(/part of the file was saved.*Import the file again/) } });
    expect(await customersForAlias(db, 'email:new@example.com')).toEqual(['shopify:ada@example.com']);
    for (const pass of passes) expect(await customersForAlias(db, `email:pass${pass}@example.com`)).toEqual(['shopify:ada@example.com']);
    expect(await snapshot(db)).toMatchObject({ customers: 4, orders: 7, staged: 0, stagedAliases: 0 });
    // Importing the file again is not refused as a duplicate.
    expect((await importFile(db, jd, {})).status).toBe('complete');
  });
});
