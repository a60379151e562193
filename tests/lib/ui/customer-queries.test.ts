import { describe, expect, it } from 'vitest';
import { CustomerQueries, type WorkerMessage } from '../../../lib/ui/customer-queries';

/** A worker stand-in: what the page posts, and replies sent back as the real worker sends them. */
class FakeWorker extends EventTarget {
  readonly posted: Array<{ id: number; kind: string }> = [];
  postMessage(request: { id: number; kind: string }) {
    this.posted.push(request);
  }
  reply(message: WorkerMessage) {
    this.dispatchEvent(new MessageEvent('message', { data: message }));
  }
}

const query = { shop: null, text: '', tier: null, badge: null, sortBy: 'monetary', ascending: false };

describe('the page’s side of the query worker', () => {
  it('gives each request its own reply, whatever order they come back in, and the progress of an export', async () => {
    const worker = new FakeWorker();
    const queries = new CustomerQueries(worker);
    const first = queries.ask({ storeVersion: 'v', query, from: 0, count: 40 });
    const shares: number[] = [];
    const exported = queries.exportSegment({ storeVersion: 'v', segment: { kind: 'tier', ref: 'vip' }, shop: null, files: { language: 'en', timeZone: 'UTC', encoding: 'utf-8' } }, (share) => shares.push(share));
    expect(worker.posted.map((request) => request.kind)).toEqual(['window', 'segment']);
    const [windowId, segmentId] = worker.posted.map((request) => request.id);
    worker.reply({ id: segmentId!, kind: 'progress', share: 0.5 });
    worker.reply({ id: segmentId!, kind: 'files', files: [], members: 0, notListed: 0, doNotContact: 0 });
    worker.reply({ id: windowId!, kind: 'missing' });
    expect(await first).toEqual({ id: windowId, kind: 'missing' });
    expect(await exported).toMatchObject({ kind: 'files', members: 0 });
    expect(shares).toEqual([0.5]);
  });

  it('shows a search’s first answer while the worker still searches, and then its full answer', async () => {
    const worker = new FakeWorker();
    const queries = new CustomerQueries(worker);
    const early: unknown[] = [];
    const asked = queries.ask({ storeVersion: 'v', query: { ...query, text: 'tb12345' }, from: 0, count: 40 }, (reply) => early.push(reply));
    const id = worker.posted[0]!.id;
    const answer = (total: number) => ({ customers: 9, total, from: 0, rows: [], choices: { tiers: [], badges: [] } });
    worker.reply({ id, kind: 'answer', answer: answer(1), notListed: 0, searching: true });
    expect(early).toEqual([{ id, kind: 'answer', answer: answer(1), notListed: 0, searching: true }]);
    worker.reply({ id, kind: 'answer', answer: answer(3), notListed: 0 });
    expect(await asked).toEqual({ id, kind: 'answer', answer: answer(3), notListed: 0 });
    expect(early).toHaveLength(1);
  });

  it('tells every waiting page that the worker stopped, rather than leave it reading', async () => {
    const worker = new FakeWorker();
    const queries = new CustomerQueries(worker);
    const waiting = queries.ask({ storeVersion: 'v', query, from: 0, count: 40 });
    worker.dispatchEvent(Object.assign(new Event('error'), { message: 'out of memory' }));
    expect(await waiting).toMatchObject({ kind: 'failed', message: 'out of memory' });
  });
});
