/// <reference lib="webworker" />
import { openTiermarkDB } from '../db/schema';
import { rescore } from '../db/rescore';
import { rebuildPastSnapshots } from '../db/past-snapshots';
import type { RescoreStatus } from '../db/profiles';
import type { PastSnapshotStatus } from '../snapshots';
import type { WorkerJob, WorkerReply } from './worker-jobs';
import { partThread } from './part-thread';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (reply: WorkerReply) => scope.postMessage(reply);

/** One job per worker: the scoring document starts a worker for each. */
scope.onmessage = async ({ data: job }: MessageEvent<WorkerJob>) => {
  try {
    const db = await openTiermarkDB();
    try {
      const onProgress = (status: RescoreStatus | PastSnapshotStatus) => post({ type: 'progress', status });
      // Its status says where it ran.
      const status = job.kind === 'rescore' ? await rescore(db, { ...job.options, onProgress, thread: 'worker', helper: partThread() }) : await rebuildPastSnapshots(db, { ...job.options, onProgress, thread: 'worker' });
      post({ type: 'done', status });
    } finally {
      db.close();
    }
  } catch (error) {
    post({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
  }
};
