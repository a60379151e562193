import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RescoreStatus } from '../../../lib/db/profiles';
import type { Database } from '../../../lib/db/schema';
import type { PastSnapshotStatus } from '../../../lib/snapshots';
import { WORKER_PORT, type JobReply, type JobRequest, type WorkerJob, type WorkerReply } from '../../../lib/background/worker-jobs';

/** The browser as the background sees it: the port listeners registered, and an offscreen API whose document does what each test says. */
const fake = vi.hoisted(() => ({
  connectListeners: [] as Array<(port: unknown) => void>,
  offscreen: undefined as unknown,
}));
vi.mock('wxt/browser', () => ({
  browser: {
    runtime: { onConnect: { addListener: (listener: (port: unknown) => void) => fake.connectListeners.push(listener) } },
    get offscreen() {
      return fake.offscreen;
    },
  },
}));

const { inWorker, listenForWorkerDocument } = await import('../../../lib/background/worker-thread');

/** The document's end of the runtime port: the jobs the background asks for, and a way to answer each. */
function documentPort() {
  const onMessage: Array<(reply: JobReply) => void> = [];
  const onDisconnect: Array<() => void> = [];
  const requests: JobRequest[] = [];
  const port = {
    name: WORKER_PORT,
    requests,
    disconnected: false,
    started: (_request: JobRequest): void => {},
    onMessage: { addListener: (listener: (reply: JobReply) => void) => onMessage.push(listener) },
    onDisconnect: { addListener: (listener: () => void) => onDisconnect.push(listener) },
    postMessage(request: JobRequest) {
      requests.push(request);
      port.started(request);
    },
    disconnect() {
      port.disconnected = true;
    },
    reply: (id: number, reply: WorkerReply) => onMessage.forEach((listener) => listener({ ...reply, id })),
    closed: () => onDisconnect.forEach((listener) => listener()),
  };
  return port;
}
type DocumentPort = ReturnType<typeof documentPort>;

const rescoring = (state: RescoreStatus['state'], scored: number): RescoreStatus => ({
  id: 'rescore', state, reason: 'daily', startedAt: 1, finishedAt: state === 'running' ? null : 2, asOfDay: 20_000,
  customers: 10, scored, followUpsOpen: 0, ruleProblems: [], error: null,
});
const rebuilding = (state: PastSnapshotStatus['state'], done: number): PastSnapshotStatus => ({
  id: 'pastSnapshots', state, startedAt: 1, finishedAt: state === 'running' ? null : 2, done, of: 24, kept: done, bytes: 0, days: [], daysFrom: 1, error: null,
});

/**
 * An offscreen API whose document loads and calls (or, with `loads: false`, never does), then
 * hands each job asked of it to `run` with a way to answer it.
 */
function offscreenWith(run: (port: DocumentPort, request: JobRequest) => void, { loads = true, open = false } = {}) {
  const ports: DocumentPort[] = [];
  const api = {
    ports,
    open,
    Reason: { WORKERS: 'WORKERS' },
    hasDocument: vi.fn(async () => api.open),
    closeDocument: vi.fn(async () => {
      api.open = false;
    }),
    createDocument: vi.fn(async (parameters: { url: string; reasons: string[] }) => {
      if (api.open) throw new Error('Only a single offscreen document may be created.');
      api.open = true;
      expect(parameters).toMatchObject({ url: '/scoring.html', reasons: ['WORKERS'] });
      if (!loads) return;
      const port = documentPort();
      ports.push(port);
      // Each job is answered in tasks of its own, as a worker's messages come.
      port.started = (request) => setTimeout(() => run(port, request), 1);
      // The document loads and calls after the creation resolves, as a page does.
      setTimeout(() => fake.connectListeners.forEach((listener) => listener(port)), 5);
    }),
  };
  fake.offscreen = api;
  return api;
}

/** The store's `meta` as the background writes it. */
function metaStore() {
  const put = vi.fn(async (_store: string, _value: unknown) => 'rescore');
  return { db: { put } as unknown as Database, put };
}

const RESCORE = { kind: 'rescore', options: { reason: 'daily', timeZone: 'Asia/Shanghai', settings: { clvDiscountRate: 0.1 } } } satisfies WorkerJob;
const PAST_MONTHS = { kind: 'pastMonths', options: { timeZone: 'Asia/Shanghai', settings: { clvDiscountRate: 0.1 } } } satisfies WorkerJob;

describe('long jobs in a worker of the scoring document', () => {
  beforeEach(() => {
    fake.connectListeners.length = 0;
    listenForWorkerDocument();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('asks the offscreen document’s worker for a rescore, says how it goes, and closes the document at the end', async () => {
    const api = offscreenWith((port, { id }) => {
      // Replies that come in one task are all heard, in order.
      port.reply(id, { type: 'progress', status: rescoring('running', 4) });
      port.reply(id, { type: 'progress', status: rescoring('running', 10) });
      port.reply(id, { type: 'done', status: { ...rescoring('done', 10), thread: 'worker' } });
    });
    const progress: number[] = [];
    const { db, put } = metaStore();
    const done = await inWorker(db, RESCORE, (s) => progress.push(s.scored));
    expect(done).toMatchObject({ state: 'done', scored: 10, thread: 'worker' });
    expect(progress).toEqual([4, 10]);
    expect(api.ports[0]!.requests).toEqual([{ type: 'start', id: expect.any(Number), job: RESCORE }]);
    await vi.waitFor(() => expect(api.open).toBe(false));
    expect(api.ports[0]!.disconnected).toBe(true);
    // The worker's rescore writes its own status; the background writes none over it.
    expect(put).not.toHaveBeenCalled();
  });

  it('runs a rescore and the past months’ rebuild together in one document, closed once both are done', async () => {
    let finishRescore = () => {};
    const api = offscreenWith((port, { id, job }) => {
      if (job.kind === 'pastMonths') {
        port.reply(id, { type: 'progress', status: rebuilding('running', 1) });
        port.reply(id, { type: 'done', status: rebuilding('done', 24) });
      } else finishRescore = () => port.reply(id, { type: 'done', status: rescoring('done', 10) });
    });
    const { db } = metaStore();
    const rescore = inWorker(db, RESCORE, () => {});
    const months: number[] = [];
    expect(await inWorker(db, PAST_MONTHS, (s) => months.push(s.done))).toMatchObject({ state: 'done', done: 24 });
    expect(months).toEqual([1]);
    // The rescore still runs: its document stays.
    expect(api.open).toBe(true);
    expect(api.createDocument).toHaveBeenCalledTimes(1);
    finishRescore();
    expect(await rescore).toMatchObject({ state: 'done' });
    await vi.waitFor(() => expect(api.open).toBe(false));
    // A job after both opens the document again.
    expect(await inWorker(db, PAST_MONTHS, () => {})).toMatchObject({ state: 'done' });
    expect(api.createDocument).toHaveBeenCalledTimes(2);
  });

  it('closes a document a background that stopped midway left before it opens one', async () => {
    const api = offscreenWith((port, { id }) => port.reply(id, { type: 'done', status: rescoring('done', 10) }), { open: true });
    expect(await inWorker(metaStore().db, RESCORE, () => {})).toMatchObject({ state: 'done' });
    expect(api.closeDocument.mock.invocationCallOrder[0]).toBeLessThan(api.createDocument.mock.invocationCallOrder[0]!);
  });

  it('leaves the job to the background’s thread where the browser has no offscreen documents', async () => {
    fake.offscreen = undefined;
    expect(await inWorker(metaStore().db, RESCORE, () => {})).toBeNull();
  });

  it('leaves it to the background’s thread when the worker fails before the job began', async () => {
    const api = offscreenWith((port, { id }) => port.reply(id, { type: 'failed', error: 'its worker did not start' }));
    const { db, put } = metaStore();
    expect(await inWorker(db, RESCORE, () => {})).toBeNull();
    expect(put).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(api.open).toBe(false));
  });

  it('leaves it to the background’s thread when the document does not load, and sends the document away if it calls late', async () => {
    vi.useFakeTimers();
    const api = offscreenWith(() => {}, { loads: false });
    const result = inWorker(metaStore().db, RESCORE, () => {});
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await result).toBeNull();
    expect(api.open).toBe(false);
    const late = documentPort();
    fake.connectListeners.forEach((listener) => listener(late));
    expect(late.disconnected).toBe(true);
  });

  it('leaves it to the background’s thread when the document closes before the job began', async () => {
    const api = offscreenWith((port) => port.closed());
    const { db, put } = metaStore();
    expect(await inWorker(db, RESCORE, () => {})).toBeNull();
    expect(put).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(api.open).toBe(false));
  });

  it('says the rescore failed, with what to do, when its document closes midway', async () => {
    const api = offscreenWith((port, { id }) => {
      port.reply(id, { type: 'progress', status: rescoring('running', 4) });
      port.closed();
    });
    const progress: RescoreStatus[] = [];
    const { db, put } = metaStore();
    const failed = await inWorker(db, RESCORE, (s) => progress.push(s));
    expect(failed).toMatchObject({ state: 'failed', scored: 4, error: expect.stringContaining('closed') });
    expect(failed!.finishedAt).toEqual(expect.any(Number));
    expect(failed!.problem!['zh-CN']).toContain('保存并重新评分');
    expect(failed!.problem!.en).toContain('Save and rescore');
    // Stored, so the dashboard does not show it running for ever, and told to the pages that watch it.
    expect(put).toHaveBeenCalledWith('meta', failed);
    expect(progress.at(-1)).toEqual(failed);
    await vi.waitFor(() => expect(api.open).toBe(false));
  });

  it('says the rebuild failed when its worker fails midway, so the Overview stops saying it runs', async () => {
    offscreenWith((port, { id }) => {
      port.reply(id, { type: 'progress', status: rebuilding('running', 3) });
      port.reply(id, { type: 'failed', error: 'out of memory' });
    });
    const { db, put } = metaStore();
    const failed = await inWorker(db, PAST_MONTHS, () => {});
    expect(failed).toMatchObject({ id: 'pastSnapshots', state: 'failed', done: 3, error: expect.stringContaining('out of memory') });
    expect(failed).not.toHaveProperty('problem');
    expect(put).toHaveBeenCalledWith('meta', failed);
  });
});
