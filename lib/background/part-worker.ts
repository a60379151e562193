/// <reference lib="webworker" />
import { openTiermarkDB } from '../db/schema';
import { populationPart, scorePart } from '../db/rescore';
import { partBuffers } from '../db/rescore-part';
import { defaultRegistry } from '../engine/registry';
import { populationPartBuffers } from '../scoring/population';
import type { PartReply, PartRequest } from './part-thread';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (reply: PartReply, transfer: Transferable[] = []) => scope.postMessage(reply, transfer);

/** The second thread of a whole rescore: reads its half of the customers for the fits, or scores the slices it is given, handing over what it made of each. */
scope.onmessage = async ({ data: request }: MessageEvent<PartRequest>) => {
  try {
    const db = await openTiermarkDB();
    try {
      if (request.kind === 'population') {
        const part = await populationPart(db, request.starts);
        post({ type: 'population', part }, populationPartBuffers(part));
      } else {
        // Each slice's columns moved, not copied.
        await scorePart(db, request.job, defaultRegistry(), (part) => post({ type: 'part', part }, partBuffers(part)));
        post({ type: 'done' });
      }
    } finally {
      db.close();
    }
  } catch (error) {
    post({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
  }
};
