import { badgeIndexBuffers, type BadgeIndexHead, type BadgeIndexPart, type PutBadgeShards } from '../db/badge-index';
import type { HalfRead, PartJob, RescoreHelper, RescorePart } from '../db/rescore-part';
import type { ScoringBase } from '../scoring/history';

/** What the rescore's worker asks of the second scoring thread: its half of the customers read (and kept), each round of the fits on them, its slices scored, then the badge index's shards put. */
export type PartRequest =
  | { kind: 'read'; starts: number[] }
  | { kind: 'fit'; round: number; base: ScoringBase; models: Record<string, unknown> }
  | { kind: 'slices'; job: PartJob }
  | { kind: 'index'; part: BadgeIndexPart; built: string; counts: BadgeIndexHead['counts'] };

/** What the second scoring thread tells the rescore's (see part-worker.ts). */
export type PartReply =
  | { type: 'read'; half: HalfRead }
  | { type: 'fitted'; taken: unknown[] }
  | { type: 'part'; part: RescorePart }
  | { type: 'done' }
  | { type: 'indexed'; put: PutBadgeShards }
  | { type: 'failed'; error: string };

/**
 * Below this many customers the whole rescore stays on one thread: it takes seconds there, and a
 * second thread starts a worker and reads the rules, the snapshot and staff's notes again. A
 * judgement, not a measured crossing point (at 100,000 customers two threads take 8.7 s).
 */
const HELPED_FROM = 20_000;

/**
 * A second thread for the whole rescore, started from its worker: one worker, which reads its half
 * of the customers and keeps them, to fit on and to score. It ends once it has scored them, or failed;
 * a request after that starts another: one after a failure reads them again, and the badge index's
 * is made by a worker that holds nothing else (the rescore's memory peaks at its end).
 */
export function partThread(): RescoreHelper {
  let worker: Worker | null = null;
  let hear: ((reply: PartReply) => void) | null = null;
  const end = () => {
    worker?.terminate();
    worker = null;
  };
  const started = () => {
    if (worker) return worker;
    worker = new Worker(new URL('./part-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data: reply }: MessageEvent<PartReply>) => hear?.(reply);
    worker.onerror = (event) => {
      event.preventDefault();
      hear?.({ type: 'failed', error: event.message || 'the second scoring thread did not start' });
    };
    worker.onmessageerror = () => hear?.({ type: 'failed', error: 'what the second scoring thread handed over could not be read' });
    return worker;
  };
  /** Asks the worker one thing; `onReply` hears each reply before the last, which settles it. `last`: the worker ends then. */
  const ask = <T>(request: PartRequest, last: boolean, onReply: (reply: PartReply, resolve: (value: T) => void) => void, transfer: Transferable[] = []) =>
    new Promise<T>((resolve, reject) => {
      hear = (reply) => {
        if (reply.type !== 'failed') return onReply(reply, (value) => {
          hear = null;
          if (last) end();
          resolve(value);
        });
        hear = null;
        end();
        reject(new Error(reply.error));
      };
      started().postMessage(request, transfer);
    });
  return {
    from: HELPED_FROM,
    read: (starts) => ask<HalfRead>({ kind: 'read', starts }, false, (reply, resolve) => reply.type === 'read' && resolve(reply.half)),
    fit: (round, base, models) => ask<unknown[]>({ kind: 'fit', round, base, models }, false, (reply, resolve) => reply.type === 'fitted' && resolve(reply.taken)),
    score: (job, onPart) =>
      ask<void>({ kind: 'slices', job }, true, (reply, resolve) => {
        if (reply.type === 'part') onPart(reply.part);
        else if (reply.type === 'done') resolve();
      }),
    index: (part, built, counts) =>
      ask<PutBadgeShards>({ kind: 'index', part, built, counts }, true, (reply, resolve) => reply.type === 'indexed' && resolve(reply.put), badgeIndexBuffers(part)),
    end,
  };
}
