/// <reference lib="webworker" />
import { openTiermarkDB } from '../db/schema';
import { scorePart } from '../db/rescore';
import { partBuffers, type PartJob } from '../db/rescore-part';
import { defaultRegistry } from '../engine/registry';
import type { PartReply } from './part-thread';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (reply: PartReply, transfer: Transferable[] = []) => scope.postMessage(reply, transfer);

/** The second thread of a whole rescore: scores the buckets it is given and hands over what it made. */
scope.onmessage = async ({ data: job }: MessageEvent<PartJob>) => {
  try {
    const db = await openTiermarkDB();
    try {
      const part = await scorePart(db, job, defaultRegistry(), (customers) => post({ type: 'scored', customers }));
      // Its columns moved, not copied: the thread ends here.
      post({ type: 'done', part }, partBuffers(part));
    } finally {
      db.close();
    }
  } catch (error) {
    post({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
  }
};
