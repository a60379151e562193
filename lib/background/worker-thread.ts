import { browser, type Browser } from 'wxt/browser';
import type { RescoreStatus } from '../db/profiles';
import type { Database } from '../db/schema';
import { both } from '../localised';
import type { PastSnapshotStatus } from '../snapshots';
import { WORKER_PORT, type Alive, type JobReply, type JobRequest, type JobStatus, type WorkerJob } from './worker-jobs';

const DOCUMENT = '/scoring.html';
/** How long the scoring document may take to load and call: past it, the background does the job on its own thread. */
const CONNECT_MS = 30_000;

type Port = Browser.runtime.Port;

let waiting: ((port: Port) => void) | null = null;
/** The scoring document's port while it is open (or opening); null when it is not. */
let documentPort: Promise<Port | null> | null = null;
/** Opening and closing the document, one after the other. */
let lifecycle: Promise<unknown> = Promise.resolve();
const jobs = new Map<number, (reply: JobReply | null) => void>();
let jobsMade = 0;

/** Hears the scoring document call. Registered synchronously at the top of the background: MV3 drops events whose listeners come later. */
export function listenForWorkerDocument(): void {
  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== WORKER_PORT) return;
    if (waiting) waiting(port);
    // A document nobody waits for any more (it was late): it closes, and its workers with it.
    else port.disconnect();
    waiting = null;
  });
}

const offscreenApi = () => browser.offscreen as typeof browser.offscreen | undefined;

/** The scoring document, opened once for the jobs that run together; null where it cannot be. */
function scoringDocument(): Promise<Port | null> {
  if (!documentPort) lifecycle = documentPort = lifecycle.then(openDocument);
  return documentPort;
}

/** Opens the scoring document and waits for its call; null (and none kept, so the next job tries again) where it cannot. */
async function openDocument(): Promise<Port | null> {
  const offscreen = offscreenApi();
  // Firefox: its background page does the jobs itself, as it always has.
  if (!offscreen?.createDocument) {
    documentPort = null;
    return null;
  }
  try {
    // One a background that stopped midway left holds jobs nobody waits for: it goes.
    if (await offscreen.hasDocument?.()) await offscreen.closeDocument();
    const called = new Promise<Port | null>((resolve) => {
      waiting = resolve;
      setTimeout(() => resolve(null), CONNECT_MS);
    });
    await offscreen.createDocument({ url: DOCUMENT, reasons: [browser.offscreen.Reason.WORKERS], justification: 'Scores every customer off the background, which answers the badges of seller pages meanwhile.' });
    const port = await called;
    waiting = null;
    if (!port) throw new Error('the scoring document did not load');
    // Each reply to its job; the document's word that it is alive needs none, only to be heard.
    port.onMessage.addListener((reply: JobReply | Alive) => 'id' in reply && jobs.get(reply.id)?.(reply));
    port.onDisconnect.addListener(() => {
      documentPort = null;
      for (const job of jobs.values()) job(null);
    });
    return port;
  } catch (error) {
    console.warn('Tiermark: scoring on the background’s thread', error);
    documentPort = null;
    await offscreen.closeDocument().catch(() => {});
    return null;
  }
}

/** Closes the scoring document once no job runs in it. */
function closeWhenIdle(port: Port): void {
  if (jobs.size > 0) return;
  documentPort = null;
  lifecycle = lifecycle.then(async () => {
    port.disconnect();
    await offscreenApi()?.closeDocument().catch(() => {});
  });
}

/** A job's worker lost midway (the browser ran out of memory, or closed the document): its status says so, not "running". */
async function lost(db: Database, job: WorkerJob, last: RescoreStatus | PastSnapshotStatus, why: string): Promise<RescoreStatus | PastSnapshotStatus> {
  const status = { ...last, state: 'failed' as const, finishedAt: Date.now(), error: `It stopped before the end: ${why}` };
  if (job.kind === 'rescore') {
    Object.assign(status, {
      problem: both(
        'The rescore stopped before the end: its worker closed (the browser may have run short of memory). Close other tabs, then rescore again: Settings, “Save and rescore”.',
        '重新评分未完成就停止了：评分程序已关闭（浏览器可能内存不足）。请关闭其他标签页，然后在“设置”中点击“保存并重新评分”。',
      ),
    });
  }
  await db.put('meta', status);
  return status;
}

/**
 * A long job in a worker of an offscreen document, where the browser has them (Chromium's service
 * worker cannot start workers itself): at a million customers a whole rescore is two minutes of
 * work and the past months' rebuild eight, and seller pages' badges, which this thread answers,
 * waited seconds behind them. Null where no worker could start the job, before any of it was done:
 * the caller then does it on its own thread.
 */
export async function inWorker<J extends WorkerJob>(db: Database, job: J, onProgress: (status: JobStatus<J>) => void): Promise<JobStatus<J> | null> {
  const id = (jobsMade += 1);
  let last: JobStatus<J> | null = null;
  // Replies in the order they came (null: the document closed), and the loop below woken for them.
  const replies: Array<JobReply | null> = [];
  let wake = () => {};
  // Counted before the document opens: one job ending meanwhile does not close it under this one.
  jobs.set(id, (reply) => {
    replies.push(reply);
    wake();
  });
  const port = await scoringDocument();
  if (!port) {
    jobs.delete(id);
    return null;
  }
  try {
    port.postMessage({ type: 'start', id, job } satisfies JobRequest);
    for (;;) {
      if (replies.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const reply = replies.shift()!;
      if (reply?.type === 'progress') onProgress((last = reply.status as JobStatus<J>));
      else if (reply?.type === 'done') return reply.status as JobStatus<J>;
      // A worker that failed, or a document that closed, before the job began: the caller does it.
      else if (last === null) return null;
      else {
        const status = (await lost(db, job, last, reply ? reply.error : 'its document closed')) as JobStatus<J>;
        onProgress(status);
        return status;
      }
    }
  } finally {
    jobs.delete(id);
    closeWhenIdle(port);
  }
}
