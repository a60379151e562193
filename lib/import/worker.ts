/// <reference lib="webworker" />
import { openTiermarkDB } from '../db/schema';
import { importFile } from '../db/importer';
import { sha256OfStream } from './encoding';
import { piecesOf } from './file-pieces';
import { StagingBeside } from './staging-beside';
import { CommitThread } from './commit-beside';
import { importLockName, type HashReply, type WorkerReply, type WorkerRequest } from './worker-protocol';
import { both, SellerError, sellerText } from '../localised';
import { pause } from '../pace';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const controller = new AbortController();
const post = (reply: WorkerReply) => scope.postMessage(reply);

scope.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  if (request.type === 'cancel') {
    controller.abort();
    return;
  }
  const { file, settings, importId } = request;
  void navigator.locks
    .request(importLockName(importId), async () => {
      const stream = () => piecesOf(file);
      // The file's print is taken on the other core while it is imported here: a file imported before
      // is found once its print is known, and the import stops before anything is saved.
      let hashMs: number | undefined;
      const hashed = hashBeside(file).then(({ hash, ms }) => {
        hashMs = ms;
        return hash;
      });
      // The import hears a failed hash; before it starts listening, the rejection is not unhandled.
      hashed.catch(() => {});
      // Asked only to know a file an earlier release imported: a file moved meanwhile is said as the print's is.
      const sha256 = () => sha256OfStream(stream()).catch((error: unknown) => Promise.reject(unreadable(file.name, error instanceof Error ? error.message : String(error))));
      const db = await openTiermarkDB();
      const staging = new StagingBeside(() => new Worker(new URL('./stage-worker.ts', import.meta.url), { type: 'module' }), (batch) => db.put('staged', batch));
      let lastPost = 0;
      const record = await importFile(
        db,
        { name: file.name, size: file.size, hash: hashed, sha256, stream },
        { ...settings, importId },
        {
          signal: controller.signal,
          stage: (batch) => staging.stage(batch),
          commitBeside: new CommitThread(() => new Worker(new URL('./commit-worker.ts', import.meta.url), { type: 'module' })),
          onProgress: (progress) => {
            // Progress is for eyes: a few updates a second are plenty.
            const now = performance.now();
            if (now - lastPost < 100) return;
            lastPost = now;
            post({ type: 'progress', progress });
            // Reading awaits only promises, so a cancel message would wait for the end of the file: yield to it.
            return pause();
          },
        },
      ).finally(() => staging.end());
      // Not waited for: a cancelled or refused import ends at once, its hash unfinished.
      if (hashMs !== undefined) record.timings.hashMs = hashMs;
      await db.put('imports', record);
      db.close();
      post({ type: 'done', record });
    })
    .catch((error: unknown) => post({ type: 'error', error: sellerText(error) }));
};

/** The file's print from a worker of its own (Chromium and Firefox both start workers from workers). */
function hashBeside(file: File): Promise<{ hash: string; ms: number }> {
  const worker = new Worker(new URL('./hash-worker.ts', import.meta.url), { type: 'module' });
  return new Promise((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<HashReply>) => {
      worker.terminate();
      const reply = event.data;
      if ('hash' in reply) resolve(reply);
      else reject(unreadable(file.name, reply.error));
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(unreadable(file.name, event.message || 'the check did not start'));
    };
    worker.postMessage(file);
  });
}

/** The hash worker could not read the file: most often it was moved or changed after it was chosen. */
const unreadable = (name: string, why: string) =>
  new SellerError(both(
    `${name} could not be read to check whether it was imported before (${why}). Choose the file again; if it was moved or changed since, choose it where it is now.`,
    `无法读取 ${name}，不能校验它是否已导入（${why}）。请重新选择文件；如果文件已被移动或更改，请从新位置选择。`,
  ));
