/// <reference lib="webworker" />
import { openTiermarkDB } from '../db/schema';
import { scorePart } from '../db/rescore';
import { partBuffers, type PartJob } from '../db/rescore-part';
import { defaultRegistry } from '../engine/registry';
import type { PartReply } from './part-thread';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (reply: PartReply, transfer: Transferable[] = []) => scope.postMessage(reply, transfer);

/** The second thread of a whole rescore: scores the slices it is given and hands over what it made of each. */
scope.onmessage = async ({ data: job }: MessageEvent<PartJob>) => {
  try {
    const db = await openTiermarkDB();
    try {
      // Each slice's columns moved, not copied.
      await scorePart(db, job, defaultRegistry(), (part) => post({ type: 'part', part }, partBuffers(part)));
      post({ type: 'done' });
    } finally {
      db.close();
    }
  } catch (error) {
    post({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
  }
};
