/// <reference lib="webworker" />
import { openTiermarkDB } from '../db/schema';
import { importFile } from '../db/importer';
import { sha256OfStream } from './encoding';
import { importLockName, type WorkerReply, type WorkerRequest } from './worker-protocol';
import { sellerText } from '../localised';

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
      // Read twice, a piece at a time: once for the hash (a file imported before is known before anything is staged), once to import.
      const stream = () => file.stream() as unknown as AsyncIterable<Uint8Array>;
      post({ type: 'hashing' });
      const hashStarted = performance.now();
      const hash = await sha256OfStream(stream());
      const hashMs = Math.round(performance.now() - hashStarted);
      const db = await openTiermarkDB();
      let lastPost = 0;
      const record = await importFile(
        db,
        { name: file.name, size: file.size, hash, stream },
        { ...settings, importId },
        {
          signal: controller.signal,
          onProgress: (progress) => {
            // Progress is for eyes: a few updates a second are plenty.
            const now = performance.now();
            if (now - lastPost < 100) return;
            lastPost = now;
            post({ type: 'progress', progress });
            // Reading awaits only promises, so a cancel message would wait for the end of the file: yield to it.
            return new Promise((resolve) => setTimeout(resolve, 0));
          },
        },
      );
      record.timings.hashMs = hashMs;
      await db.put('imports', record);
      db.close();
      post({ type: 'done', record });
    })
    .catch((error: unknown) => post({ type: 'error', error: sellerText(error) }));
};
