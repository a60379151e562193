/// <reference lib="webworker" />
import { openTiermarkDB } from '../db/schema';
import { rescore } from '../db/rescore';
import type { RescoreJob, RescoreReply } from './rescore-protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (reply: RescoreReply) => scope.postMessage(reply);

scope.onmessage = async (event: MessageEvent<RescoreJob>) => {
  try {
    const db = await openTiermarkDB();
    try {
      post({ type: 'done', status: await rescore(db, { ...event.data, onProgress: (status) => post({ type: 'progress', status }) }) });
    } finally {
      db.close();
    }
  } catch (error) {
    post({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
  }
};
