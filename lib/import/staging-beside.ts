import type { StagedBatch } from '../db/staged-orders';
import type { StageReply, StageRequest } from './worker-protocol';

/** The part of a Worker that staging beside uses: a test hands in its own. */
export interface StagingPort {
  postMessage(request: StageRequest): void;
  onmessage: ((event: MessageEvent<StageReply>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

/**
 * Staging records put by another thread: IndexedDB copies a value on the thread that puts it, some
 * 2 ms a MB, which was 4 s of the reading of a million customers' file (0.9 GB staged). That thread
 * starts with the first record: most files are held in memory whole and stage none. A record it
 * could not put is put here, and every one from the moment it fails, so that a put fails only as it
 * would have here: a full disk is said as such.
 */
export class StagingBeside {
  private readonly pending = new Map<number, Waiting>();
  private port: StagingPort | null = null;
  private next = 0;
  private failed = false;

  constructor(
    private readonly start: () => StagingPort,
    private readonly putHere: (batch: StagedBatch) => Promise<unknown>,
  ) {}

  /** Resolves once the record is stored. */
  stage(batch: StagedBatch): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiting = { batch, resolve, reject };
      if (this.failed) return this.here(waiting);
      const id = (this.next += 1);
      this.pending.set(id, waiting);
      // Copied, not transferred: the record stays here until it is stored, in case it must be put here.
      (this.port ??= this.opened()).postMessage({ id, batch });
    });
  }

  end(): void {
    this.port?.terminate();
  }

  private opened(): StagingPort {
    const port = this.start();
    port.onmessage = ({ data: reply }) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (!('error' in reply)) return waiting.resolve();
      this.fail(reply.error);
      this.here(waiting);
    };
    port.onerror = (event) => {
      this.fail(event.message || 'it did not start');
      port.terminate();
      for (const waiting of this.pending.values()) this.here(waiting);
      this.pending.clear();
    };
    return port;
  }

  /** From now on records are put here; said once, as the rescore's second thread says its failure. */
  private fail(why: string): void {
    if (!this.failed) console.warn(`Tiermark: the staging worker failed (${why}); the import stages on its own thread.`);
    this.failed = true;
  }

  private here({ batch, resolve, reject }: Waiting): void {
    this.putHere(batch).then(() => resolve(), reject);
  }
}

type Waiting = { batch: StagedBatch; resolve(): void; reject(error: unknown): void };
