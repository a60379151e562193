import type { CommitBeside, CommitPlan, CommitTally, CommitThere } from '../db/commit';
import type { CommitReply, CommitRequest } from './worker-protocol';

/** The part of a Worker that a commit beside uses: a test hands in its own. */
export interface CommitPort {
  postMessage(request: CommitRequest): void;
  onmessage: ((event: MessageEvent<CommitReply>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

type Waiting = { resolve(tally: CommitTally | undefined): void; reject(error: Error): void };

/**
 * Commits staged groups, then ranges of identifiers, in a worker of its own while the import's thread
 * commits others: building buckets (their text, the customers, their identifiers) was most of a
 * million customers' commit, on one thread while the other core was half idle. What it fails is
 * done on the import's thread (see finishCommit).
 */
export class CommitThread implements CommitBeside {
  private port: CommitPort | null = null;
  private readonly pending = new Map<number, Waiting>();
  private next = 0;

  constructor(private readonly open: () => CommitPort) {}

  async start(plan: CommitPlan): Promise<CommitThere> {
    const port = this.open();
    this.port = port;
    port.onmessage = ({ data: reply }) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if ('error' in reply) waiting.reject(new Error(reply.error));
      else waiting.resolve(reply.tally);
    };
    port.onerror = (event) => {
      this.failAll(new Error(event.message || 'it did not start'));
      this.end();
    };
    await this.ask({ plan });
    return {
      group: async (group) => (await this.ask({ group }))!,
      aliases: async (pass, staging) => void (await this.ask({ pass, staging })),
    };
  }

  end(): void {
    this.port?.terminate();
    this.port = null;
    this.failAll(new Error('it was stopped'));
  }

  private ask(request: { plan: CommitPlan } | { group: number } | { pass: number; staging: boolean }): Promise<CommitTally | undefined> {
    const port = this.port;
    if (!port) return Promise.reject(new Error('it was stopped'));
    return new Promise((resolve, reject) => {
      const id = (this.next += 1);
      this.pending.set(id, { resolve, reject });
      port.postMessage({ id, ...request });
    });
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
