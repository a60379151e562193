import type { PartJob, RescoreHelper, RescorePart } from '../db/rescore-part';
import type { PopulationPart } from '../scoring/population';

/** What the rescore's worker asks of the second scoring thread: its half of the customers read for the fits, or its slices scored. */
export type PartRequest = { kind: 'population'; starts: number[] } | { kind: 'slices'; job: PartJob };

/** What the second scoring thread tells the rescore's (see part-worker.ts). */
export type PartReply = { type: 'population'; part: PopulationPart } | { type: 'part'; part: RescorePart } | { type: 'done' } | { type: 'failed'; error: string };

/**
 * Below this many customers the whole rescore stays on one thread: it takes seconds there, and a
 * second thread starts a worker and reads the rules, the snapshot and staff's notes again. A
 * judgement, not a measured crossing point (at 100,000 customers two threads take 8.7 s).
 */
const HELPED_FROM = 20_000;

/** Runs one request in a worker of its own; `onReply` hears each reply before the last, which settles it. */
function askPartWorker<T>(request: PartRequest, onReply: (reply: PartReply, settle: { resolve(value: T): void; reject(error: Error): void }) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(new URL('./part-worker.ts', import.meta.url), { type: 'module' });
    const settle = {
      resolve: (value: T) => (worker.terminate(), resolve(value)),
      reject: (error: Error) => (worker.terminate(), reject(error)),
    };
    worker.onmessage = ({ data: reply }: MessageEvent<PartReply>) => (reply.type === 'failed' ? settle.reject(new Error(reply.error)) : onReply(reply, settle));
    worker.onerror = (event) => {
      event.preventDefault();
      settle.reject(new Error(event.message || 'the second scoring thread did not start'));
    };
    worker.onmessageerror = () => settle.reject(new Error('what the second scoring thread handed over could not be read'));
    worker.postMessage(request);
  });
}

/** A second thread for the whole rescore, started from its worker: a worker of its own for each request. */
export function partThread(): RescoreHelper {
  return {
    from: HELPED_FROM,
    population: (starts) => askPartWorker<PopulationPart>({ kind: 'population', starts }, (reply, { resolve }) => reply.type === 'population' && resolve(reply.part)),
    score: (job, onPart) =>
      askPartWorker<void>({ kind: 'slices', job }, (reply, { resolve }) => {
        if (reply.type === 'part') onPart(reply.part);
        else if (reply.type === 'done') resolve();
      }),
  };
}
