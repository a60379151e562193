import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PastSnapshotStatus } from '../../../lib/snapshots';
import { ALIVE_MS, WORKER_PORT, type JobRequest, type WorkerJob, type WorkerReply } from '../../../lib/background/worker-jobs';

/** The scoring document's port to the background, as the browser gives it. */
const fake = vi.hoisted(() => ({
  posted: [] as unknown[],
  connectedAs: [] as string[],
  onMessage: [] as Array<(request: unknown) => void>,
  onDisconnect: [] as Array<() => void>,
}));
vi.mock('wxt/browser', () => ({
  browser: {
    runtime: {
      connect: ({ name }: { name: string }) => {
        fake.connectedAs.push(name);
        return {
          postMessage: (message: unknown) => fake.posted.push(message),
          onMessage: { addListener: (listener: (request: unknown) => void) => fake.onMessage.push(listener) },
          onDisconnect: { addListener: (listener: () => void) => fake.onDisconnect.push(listener) },
        };
      },
    },
  },
}));

/** Each worker the document starts: the job it was given, and a way to make it answer. */
class FakeWorker {
  static started: FakeWorker[] = [];
  onmessage: ((event: MessageEvent<WorkerReply>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  job: WorkerJob | null = null;
  terminated = false;
  constructor() {
    FakeWorker.started.push(this);
  }
  postMessage(job: WorkerJob) {
    this.job = job;
  }
  terminate() {
    this.terminated = true;
  }
  says(reply: WorkerReply) {
    this.onmessage?.({ data: reply } as MessageEvent<WorkerReply>);
  }
}

const { hostWorkerJobs } = await import('../../../lib/background/worker-host');
const ask = (request: JobRequest) => fake.onMessage.forEach((listener) => listener(request));
const JOB: WorkerJob = { kind: 'pastMonths', options: { timeZone: 'UTC', settings: { clvDiscountRate: 0.1 } } };
const running: PastSnapshotStatus = { id: 'pastSnapshots', state: 'running', startedAt: 1, finishedAt: null, done: 1, of: 24, kept: 1, bytes: 0, days: [], daysFrom: 1, error: null };

describe('the scoring document', () => {
  const close = vi.fn();
  beforeEach(() => {
    vi.useFakeTimers();
    Object.assign(fake, { posted: [], connectedAs: [], onMessage: [], onDisconnect: [] });
    FakeWorker.started = [];
    vi.stubGlobal('Worker', FakeWorker);
    vi.stubGlobal('window', { close });
    close.mockClear();
    hostWorkerJobs();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('calls the background, runs each job in a worker of its own, and passes its replies on by the job’s id', () => {
    expect(fake.connectedAs).toEqual([WORKER_PORT]);
    ask({ type: 'start', id: 7, job: JOB });
    ask({ type: 'start', id: 8, job: JOB });
    const [first, second] = FakeWorker.started;
    expect(first!.job).toEqual(JOB);
    first!.says({ type: 'progress', status: running });
    second!.says({ type: 'done', status: { ...running, state: 'done' } });
    first!.says({ type: 'failed', error: 'out of memory' });
    expect(fake.posted).toEqual([
      { type: 'progress', status: running, id: 7 },
      { type: 'done', status: { ...running, state: 'done' }, id: 8 },
      { type: 'failed', error: 'out of memory', id: 7 },
    ]);
    expect([first!.terminated, second!.terminated]).toEqual([true, true]);
    expect(close).not.toHaveBeenCalled();
  });

  it('says it is alive while a job runs, so the background is not stopped for hearing nothing, and stops saying so after', () => {
    ask({ type: 'start', id: 1, job: JOB });
    vi.advanceTimersByTime(3 * ALIVE_MS);
    expect(fake.posted).toEqual([{ type: 'alive' }, { type: 'alive' }, { type: 'alive' }]);
    FakeWorker.started[0]!.says({ type: 'done', status: { ...running, state: 'done' } });
    fake.posted.length = 0;
    vi.advanceTimersByTime(3 * ALIVE_MS);
    expect(fake.posted).toEqual([]);
  });

  it('says why when a job’s worker does not start', () => {
    ask({ type: 'start', id: 3, job: JOB });
    FakeWorker.started[0]!.onerror?.({ message: '' } as ErrorEvent);
    expect(fake.posted).toEqual([{ type: 'failed', error: 'its worker did not start', id: 3 }]);
  });

  it('closes itself once its last job ends when the background that asked is gone', () => {
    ask({ type: 'start', id: 1, job: JOB });
    ask({ type: 'start', id: 2, job: JOB });
    fake.onDisconnect.forEach((listener) => listener());
    FakeWorker.started[0]!.says({ type: 'done', status: { ...running, state: 'done' } });
    expect(close).not.toHaveBeenCalled();
    FakeWorker.started[1]!.says({ type: 'done', status: { ...running, state: 'done' } });
    expect(close).toHaveBeenCalledTimes(1);
    // Nothing is posted to a port that is gone.
    expect(fake.posted).toEqual([]);
  });
});
