import { browser } from 'wxt/browser';
import { ALIVE_MS, WORKER_PORT, type Alive, type JobReply, type JobRequest, type WorkerReply } from './worker-jobs';

/**
 * The scoring document (an offscreen document in Chromium, whose service worker cannot start
 * workers): runs each long job the background asks for (a whole rescore, past months rebuilt) in a
 * worker of its own, and tells it how each goes. The background's thread stays free for seller
 * pages' badges meanwhile.
 */
export function hostWorkerJobs(): void {
  const port = browser.runtime.connect({ name: WORKER_PORT });
  const workers = new Set<Worker>();
  let connected = true;
  port.onDisconnect.addListener(() => (connected = false));
  setInterval(() => connected && workers.size > 0 && port.postMessage({ type: 'alive' } satisfies Alive), ALIVE_MS);
  port.onMessage.addListener(({ id, job }: JobRequest) => {
    const worker = new Worker(new URL('./job-worker.ts', import.meta.url), { type: 'module' });
    workers.add(worker);
    const reply = (answer: WorkerReply) => {
      if (connected) port.postMessage({ ...answer, id } satisfies JobReply);
      if (answer.type === 'progress') return;
      worker.terminate();
      workers.delete(worker);
      // A background that restarted meanwhile waits for nothing: each job's status is in the store.
      if (!connected && workers.size === 0) window.close();
    };
    worker.onmessage = (event: MessageEvent<WorkerReply>) => reply(event.data);
    worker.onerror = (event) => reply({ type: 'failed', error: event.message || 'its worker did not start' });
    worker.postMessage(job);
  });
}
