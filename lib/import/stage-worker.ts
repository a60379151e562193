/// <reference lib="webworker" />
import { openTiermarkDB } from '../db/schema';
import type { StageReply, StageRequest } from './worker-protocol';

/** Puts the import's staging records into IndexedDB beside its reading (see StagingBeside). */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const opened = openTiermarkDB();
// Heard by each put below, not as an unhandled rejection.
opened.catch(() => {});

scope.onmessage = async (event: MessageEvent<StageRequest>) => {
  const { id, batch } = event.data;
  try {
    await (await opened).put('staged', batch);
    scope.postMessage({ id } satisfies StageReply);
  } catch (error) {
    scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) } satisfies StageReply);
  }
};
