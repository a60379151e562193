import { describe, expect, it, vi } from 'vitest';
import { StagingBeside, type StagingPort } from '../../../lib/import/staging-beside';
import type { StagedBatch } from '../../../lib/db/staged-orders';
import type { StageReply, StageRequest } from '../../../lib/import/worker-protocol';

const batch = (seq: number): StagedBatch => ({ importId: 'import-1', group: seq % 3, seq, json: `[${seq}]` });

/** A worker that answers each request as `answer` says, when the test lets it. */
class FakeWorker implements StagingPort {
  onmessage: ((event: MessageEvent<StageReply>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  readonly asked: StageRequest[] = [];
  stored: number[] = [];
  started = 0;
  terminated = false;
  postMessage(request: StageRequest): void {
    this.asked.push(structuredClone(request));
  }
  reply(id: number, error?: string): void {
    const request = this.asked.find((asked) => asked.id === id)!;
    if (!error) this.stored.push(request.batch.seq);
    this.onmessage!({ data: error ? { id, error } : { id } } as MessageEvent<StageReply>);
  }
  fail(): void {
    this.onerror!({ message: 'the worker could not load' } as ErrorEvent);
  }
  terminate(): void {
    this.terminated = true;
  }
}

function staging() {
  const worker = new FakeWorker();
  const here: number[] = [];
  let full = false;
  const beside = new StagingBeside(() => ((worker.started += 1), worker), async (stagedBatch) => {
    if (full) throw new DOMException('The disk is full', 'QuotaExceededError');
    here.push(stagedBatch.seq);
  });
  return { worker, here, beside, fillDisk: () => (full = true) };
}

/** What a promise came to, without waiting for one still pending. */
async function stateOf(promise: Promise<unknown>): Promise<string> {
  const pending = {};
  return Promise.race([promise, Promise.resolve(pending)]).then(
    (value) => (value === pending ? 'pending' : 'stored'),
    () => 'failed',
  );
}

describe('staging records put by another thread', () => {
  it('starts the other thread with the first record, and resolves each once that thread stored it, in any order', async () => {
    const { worker, here, beside } = staging();
    expect(worker.started).toBe(0);
    const written = [1, 2, 3].map((seq) => beside.stage(batch(seq)));
    expect(worker.asked.map((request) => request.batch)).toEqual([batch(1), batch(2), batch(3)]);
    worker.reply(worker.asked[2]!.id);
    worker.reply(worker.asked[0]!.id);
    await Promise.all([written[0], written[2]]);
    expect(await stateOf(written[1]!)).toBe('pending');
    worker.reply(worker.asked[1]!.id);
    await written[1];
    expect({ there: worker.stored, here, started: worker.started }).toEqual({ there: [3, 1, 2], here: [], started: 1 });
  });

  it('puts a record here that the other thread could not, and every later one, and says so once', async () => {
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { worker, here, beside } = staging();
    const first = beside.stage(batch(1));
    const second = beside.stage(batch(2));
    worker.reply(worker.asked[0]!.id, 'UnknownError: the database could not be opened');
    await first;
    const third = beside.stage(batch(3));
    await third;
    expect(worker.asked).toHaveLength(2);
    worker.reply(worker.asked[1]!.id);
    await second;
    expect({ there: worker.stored, here }).toEqual({ there: [2], here: [1, 3] });
    expect(warned.mock.calls).toEqual([[expect.stringContaining('UnknownError: the database could not be opened')]]);
    warned.mockRestore();
  });

  it('puts here what a worker that failed to start was asked, and stops it', async () => {
    const { worker, here, beside } = staging();
    const asked = [1, 2].map((seq) => beside.stage(batch(seq)));
    worker.fail();
    await Promise.all([...asked, beside.stage(batch(3))]);
    expect({ here, asked: worker.asked.length, terminated: worker.terminated }).toEqual({ here: [1, 2, 3], asked: 2, terminated: true });
  });

  it('fails a record as putting it here fails: a full disk is said as such', async () => {
    const { worker, beside, fillDisk } = staging();
    const written = beside.stage(batch(1));
    fillDisk();
    worker.reply(worker.asked[0]!.id, 'QuotaExceededError');
    await expect(written).rejects.toThrow('The disk is full');
  });
});
