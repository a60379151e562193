/// <reference lib="webworker" />
import { openTiermarkDB } from '../db/schema';
import { RescoreHalf } from '../db/rescore';
import { partBuffers } from '../db/rescore-part';
import { defaultRegistry } from '../engine/registry';
import type { PartReply, PartRequest } from './part-thread';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (reply: PartReply, transfer: Transferable[] = []) => scope.postMessage(reply, transfer);

/**
 * The second thread of a whole rescore: reads its half of the customers and keeps them, fits on them
 * round by round, then scores the slices it is given, handing over what it made of each. Started
 * again once they are scored, it finishes and puts the badge index's shards.
 */
let half: RescoreHalf | null = null;
scope.onmessage = async ({ data: request }: MessageEvent<PartRequest>) => {
  try {
    // Open while the half is kept: its slices are scored later, in the same store.
    half ??= new RescoreHalf(await openTiermarkDB(), defaultRegistry());
    if (request.kind === 'read') post({ type: 'read', half: await half.read(request.starts) });
    else if (request.kind === 'fit') post({ type: 'fitted', taken: half.fit(request.round, request.base, request.models) });
    else if (request.kind === 'index') post({ type: 'indexed', put: await half.index(request.part, request.built, request.counts) });
    else {
      // Each slice's columns moved, not copied.
      await half.score(request.job, (part) => post({ type: 'part', part }, partBuffers(part)));
      post({ type: 'done' });
    }
  } catch (error) {
    post({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
  }
};
