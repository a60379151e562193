import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RescoreStatus } from '../../../lib/db/profiles';
import type { Database } from '../../../lib/db/schema';
import { RESCORE_PORT, type RescoreReply, type RescoreRequest } from '../../../lib/background/rescore-protocol';

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

const { listenForRescoreDocument, rescoreInWorker } = await import('../../../lib/background/rescore-thread');

/** One end of a runtime port: what the background posts to it, and the document's replies. */
function documentPort() {
  const onMessage: Array<(reply: RescoreReply) => void> = [];
  const onDisconnect: Array<() => void> = [];
  const posted: RescoreRequest[] = [];
  return {
    name: RESCORE_PORT,
    posted,
    disconnected: false,
    onMessage: { addListener: (listener: (reply: RescoreReply) => void) => onMessage.push(listener) },
    onDisconnect: { addListener: (listener: () => void) => onDisconnect.push(listener) },
    postMessage(request: RescoreRequest) {
      posted.push(request);
    },
    disconnect() {
      this.disconnected = true;
    },
    reply: (reply: RescoreReply) => onMessage.forEach((listener) => listener(reply)),
    closed: () => onDisconnect.forEach((listener) => listener()),
  };
}
type DocumentPort = ReturnType<typeof documentPort>;

const status = (state: RescoreStatus['state'], scored: number): RescoreStatus => ({
  id: 'rescore', state, reason: 'daily', startedAt: 1, finishedAt: state === 'running' ? null : 2, asOfDay: 20_000,
  customers: 10, scored, followUpsOpen: 0, ruleProblems: [], error: null,
});

/** An offscreen API whose document connects as `loaded` says, then answers the rescore asked for with `run`. */
function offscreenWith(run: (port: DocumentPort) => void, loaded: 'connects' | 'never' = 'connects', open = false) {
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
      expect(parameters).toMatchObject({ url: '/rescore.html', reasons: ['WORKERS'] });
      if (loaded === 'never') return;
      const port = documentPort();
      ports.push(port);
      // The document loads and calls after the creation resolves, as a page does.
      setTimeout(() => {
        fake.connectListeners.forEach((listener) => listener(port));
        queueMicrotask(() => port.posted.length > 0 && run(port));
      }, 5);
    }),
  };
  fake.offscreen = api;
  return api;
}

/** The store's `meta` as the background reads and writes it. */
function metaStore(kept?: RescoreStatus) {
  const put = vi.fn(async (_store: string, _value: unknown) => 'rescore');
  return { db: { get: async () => kept, put } as unknown as Database, put };
}

const JOB = { reason: 'daily' as const, timeZone: 'Asia/Shanghai', settings: { clvDiscountRate: 0.1 } };

describe('the whole rescore in a worker of its own', () => {
  beforeEach(() => {
    fake.connectListeners.length = 0;
    listenForRescoreDocument();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is asked of the offscreen document’s worker, says how it goes, and closes the document at the end', async () => {
    const api = offscreenWith((port) => {
      port.reply({ type: 'progress', status: status('running', 4) });
      port.reply({ type: 'progress', status: status('running', 10) });
      port.reply({ type: 'done', status: { ...status('done', 10), thread: 'worker' } });
    });
    const progress: number[] = [];
    const { db, put } = metaStore();
    const done = await rescoreInWorker(db, JOB, (s) => progress.push(s.scored));
    expect(done).toMatchObject({ state: 'done', scored: 10, thread: 'worker' });
    expect(progress).toEqual([4, 10]);
    // The job as the background's own rescore would run it, marked as a worker's.
    expect(api.ports[0]!.posted).toEqual([{ type: 'start', job: { ...JOB, thread: 'worker' } }]);
    expect(api.closeDocument).toHaveBeenCalled();
    expect(api.open).toBe(false);
    expect(api.ports[0]!.disconnected).toBe(true);
    // The worker's rescore writes its own status; the background writes none over it.
    expect(put).not.toHaveBeenCalled();
  });

  it('closes a document a background that stopped midway left before it starts one', async () => {
    const api = offscreenWith((port) => port.reply({ type: 'done', status: status('done', 10) }), 'connects', true);
    expect(await rescoreInWorker(metaStore().db, JOB, () => {})).toMatchObject({ state: 'done' });
    expect(api.closeDocument.mock.invocationCallOrder[0]).toBeLessThan(api.createDocument.mock.invocationCallOrder[0]!);
  });

  it('leaves the rescore to the background’s thread where the browser has no offscreen documents', async () => {
    fake.offscreen = undefined;
    expect(await rescoreInWorker(metaStore().db, JOB, () => {})).toBeNull();
  });

  it('leaves it to the background’s thread when the worker fails before the rescore began', async () => {
    const api = offscreenWith((port) => port.reply({ type: 'failed', error: 'the rescore’s worker did not start' }));
    const { db, put } = metaStore();
    expect(await rescoreInWorker(db, JOB, () => {})).toBeNull();
    expect(put).not.toHaveBeenCalled();
    expect(api.open).toBe(false);
  });

  it('leaves it to the background’s thread when the document does not load', async () => {
    vi.useFakeTimers();
    const api = offscreenWith(() => {}, 'never');
    const result = rescoreInWorker(metaStore().db, JOB, () => {});
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await result).toBeNull();
    expect(api.open).toBe(false);
    // Calling late, the document is sent away: nobody waits for it.
    const late = documentPort();
    fake.connectListeners.forEach((listener) => listener(late));
    expect(late.disconnected).toBe(true);
  });

  it('says the rescore failed, with what to do, when its document closes midway', async () => {
    const api = offscreenWith((port) => {
      port.reply({ type: 'progress', status: status('running', 4) });
      port.closed();
    });
    const progress: RescoreStatus[] = [];
    const { db, put } = metaStore(status('running', 0));
    const failed = await rescoreInWorker(db, JOB, (s) => progress.push(s));
    expect(failed).toMatchObject({ state: 'failed', scored: 4, error: expect.stringContaining('closed') });
    expect(failed!.finishedAt).toEqual(expect.any(Number));
    expect(failed!.problem!['zh-CN']).toContain('重新评分');
    expect(failed!.problem!.en).toContain('Save and rescore');
    // Stored, so the dashboard does not show it running for ever, and told to the pages that watch it.
    expect(put).toHaveBeenCalledWith('meta', failed);
    expect(progress.at(-1)).toEqual(failed);
    expect(api.open).toBe(false);
  });

  it('says so too when the worker fails midway', async () => {
    offscreenWith((port) => {
      port.reply({ type: 'progress', status: status('running', 4) });
      port.reply({ type: 'failed', error: 'out of memory' });
    });
    const { db } = metaStore();
    expect(await rescoreInWorker(db, JOB, () => {})).toMatchObject({ state: 'failed', error: expect.stringContaining('out of memory') });
  });
});
