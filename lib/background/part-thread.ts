import type { RescoreHelper, RescorePart } from '../db/rescore-part';

/** What the second scoring thread tells the rescore's (see part-worker.ts). */
export type PartReply = { type: 'part'; part: RescorePart } | { type: 'done' } | { type: 'failed'; error: string };

/**
 * Below this many customers the whole rescore stays on one thread: at 20,000 it takes a second or
 * two, about what starting a second one and taking over its part cost.
 */
const HELPED_FROM = 20_000;

/** A second thread for the whole rescore, started from its worker: a worker of its own for each rescore. */
export function partThread(): RescoreHelper {
  return {
    from: HELPED_FROM,
    score: (job, onPart) =>
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(new URL('./part-worker.ts', import.meta.url), { type: 'module' });
        const end = (settle: () => void) => {
          worker.terminate();
          settle();
        };
        worker.onmessage = ({ data: reply }: MessageEvent<PartReply>) => {
          if (reply.type === 'part') onPart(reply.part);
          else if (reply.type === 'done') end(resolve);
          else end(() => reject(new Error(reply.error)));
        };
        worker.onerror = (event) => {
          event.preventDefault();
          end(() => reject(new Error(event.message || 'the second scoring thread did not start')));
        };
        worker.onmessageerror = () => end(() => reject(new Error('a part from the second scoring thread could not be read')));
        worker.postMessage(job);
      }),
  };
}
