import { describe, expect, it, vi } from 'vitest';
import { emptyTally, type CommitTally } from '../../../lib/db/commit';
import { CommitThread, type CommitPort } from '../../../lib/import/commit-beside';
import type { CommitReply, CommitRequest } from '../../../lib/import/worker-protocol';

/** A worker played here: it answers the plan, each group with a tally naming it, a group it is told to fail with an error. */
function fakeWorker(failGroup: number) {
  const seen: CommitRequest[] = [];
  const port: CommitPort = {
    onmessage: null,
    onerror: null,
    postMessage(request) {
      seen.push(request);
      const reply: CommitReply =
        !('group' in request) ? { id: request.id } : request.group === failGroup ? { id: request.id, error: 'QuotaExceededError' } : { id: request.id, tally: { ...emptyTally(), ordersAdded: request.group } };
      // Answered out of order, as a worker's replies may come.
      setTimeout(() => port.onmessage?.({ data: reply } as MessageEvent<CommitReply>), 'group' in request ? 10 - request.group : 0);
    },
    terminate: vi.fn(),
  };
  return { port, seen };
}

describe('CommitThread', () => {
  it('sends the plan once, then each group, and gives each group the reply to it', async () => {
    const { port, seen } = fakeWorker(5);
    const thread = new CommitThread(() => port);
    const plan = { importId: 'i', clashes: null, timeZone: 'Asia/Shanghai', aliasBase: 0 };
    const there = await thread.start(plan);
    const tallies = await Promise.allSettled([1, 2, 5, 3].map((group) => there.group(group)));
    expect(tallies.map((t) => (t.status === 'fulfilled' ? (t.value as CommitTally).ordersAdded : (t.reason as Error).message))).toEqual([1, 2, 'QuotaExceededError', 3]);
    await there.aliases(7, true);
    expect(seen.map(({ id: _, ...request }) => request)).toEqual([{ plan }, { group: 1 }, { group: 2 }, { group: 5 }, { group: 3 }, { pass: 7, staging: true }]);
    thread.end();
    expect(port.terminate).toHaveBeenCalled();
    await expect(there.group(4)).rejects.toThrow('it was stopped');
  });

  it('fails every group under way when its worker fails', async () => {
    const { port } = fakeWorker(-1);
    const thread = new CommitThread(() => port);
    const there = await thread.start({ importId: 'i', clashes: null, timeZone: 'UTC', aliasBase: 0 });
    const under = [there.group(1), there.aliases(0, false)];
    port.onerror?.({ message: 'out of memory' } as ErrorEvent);
    for (const group of under) await expect(group).rejects.toThrow('out of memory');
    expect(port.terminate).toHaveBeenCalled();
  });
});
