import type { ImportProgress } from '../db/importer';
import type { ImportRecord } from '../db/ledger';
import type { StreamSettings } from './stream';
import { importIdOfLock, importLockName, type WorkerReply, type WorkerRequest } from './worker-protocol';
import { both, SellerError } from '../localised';

export interface RunningImport {
  importId: string;
  cancel(): void;
  result: Promise<ImportRecord>;
}

/** Runs an import in a module worker, so the page stays responsive on big files. */
export function startImport(file: File, settings: StreamSettings, onProgress: (progress: ImportProgress) => void): RunningImport {
  const importId = crypto.randomUUID();
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  const result = new Promise<ImportRecord>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      if (reply.type === 'progress') onProgress(reply.progress);
      else {
        worker.terminate();
        if (reply.type === 'done') resolve(reply.record);
        else reject(typeof reply.error === 'string' ? new Error(reply.error) : new SellerError(reply.error));
      }
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new SellerError(both(`The import could not start (${event.message || 'the import worker failed to load'}). Reload this page and try again.`, `导入无法开始（${event.message || '导入程序未能加载'}）。请刷新本页后重试。`)));
    };
  });
  worker.postMessage({ type: 'start', file, settings, importId } satisfies WorkerRequest);
  return { importId, cancel: () => worker.postMessage({ type: 'cancel' } satisfies WorkerRequest), result };
}

/** Ids of imports whose worker still holds its lock, in this browser profile. */
export async function liveImportIds(): Promise<Set<string>> {
  const state = await navigator.locks.query();
  const ids = [...(state.held ?? []), ...(state.pending ?? [])].map((lock) => importIdOfLock(lock.name ?? ''));
  return new Set(ids.filter((id): id is string => id !== null));
}

/** Resolves once no worker holds the import's lock: it finished, or its tab was closed. */
export async function whenImportEnds(importId: string): Promise<void> {
  await navigator.locks.request(importLockName(importId), () => undefined);
}
