import { browser, type Browser } from 'wxt/browser';
import type { RescoreStatus } from '../db/profiles';
import type { Database } from '../db/schema';
import { both } from '../localised';
import { RESCORE_PORT, type RescoreJob, type RescoreReply, type RescoreRequest } from './rescore-protocol';

const DOCUMENT = '/rescore.html';
/** How long the rescore's document may take to load and call: past it, the background rescores on its own thread. */
const CONNECT_MS = 30_000;

let waiting: ((port: Browser.runtime.Port) => void) | null = null;

/** Hears the rescore's document call. Registered synchronously at the top of the background: MV3 drops events whose listeners come later. */
export function listenForRescoreDocument(): void {
  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== RESCORE_PORT) return;
    if (waiting) waiting(port);
    // A document nobody waits for any more (it was late): it closes, and its worker with it.
    else port.disconnect();
    waiting = null;
  });
}

/**
 * A whole rescore in a worker of an offscreen document, where the browser has them (Chromium's
 * service worker cannot start workers itself): at a million customers the rescore is two minutes
 * of work, and seller pages' badges, which this thread answers, waited seconds behind it. Null
 * where no worker could start it, before any of it was done: the caller rescores on its own thread.
 */
export async function rescoreInWorker(db: Database, job: RescoreJob, onProgress: (status: RescoreStatus) => void): Promise<RescoreStatus | null> {
  const offscreen = browser.offscreen as typeof browser.offscreen | undefined;
  if (!offscreen?.createDocument) return null;
  let port: Browser.runtime.Port;
  try {
    // One a background that stopped midway left holds a rescore nobody waits for: it goes.
    if (await offscreen.hasDocument?.()) await offscreen.closeDocument();
    const called = new Promise<Browser.runtime.Port | null>((resolve) => {
      waiting = resolve;
      setTimeout(() => resolve(null), CONNECT_MS);
    });
    await offscreen.createDocument({ url: DOCUMENT, reasons: [browser.offscreen.Reason.WORKERS], justification: 'Rescores every customer off the background, which answers the badges of seller pages meanwhile.' });
    const connected = await called;
    waiting = null;
    if (!connected) throw new Error('the rescore’s document did not load');
    port = connected;
  } catch (error) {
    console.warn('Tiermark: rescoring on the background’s thread', error);
    await offscreen.closeDocument().catch(() => {});
    return null;
  }
  let last: RescoreStatus | null = null;
  try {
    return await new Promise<RescoreStatus | null>((resolve, reject) => {
      port.onMessage.addListener((reply: RescoreReply) => {
        if (reply.type === 'progress') onProgress((last = reply.status));
        else if (reply.type === 'done') resolve(reply.status);
        // A worker that failed before the rescore began: the caller rescores.
        else if (last === null) resolve(null);
        else reject(new Error(reply.error));
      });
      port.onDisconnect.addListener(() => reject(new Error('its document closed before the end')));
      port.postMessage({ type: 'start', job: { ...job, thread: 'worker' } } satisfies RescoreRequest);
    });
  } catch (error) {
    // The worker is gone midway (the browser ran out of memory, or closed the document): the status says so, not "running".
    const status: RescoreStatus = {
      ...(last ?? (await db.get('meta', 'rescore')) as RescoreStatus),
      state: 'failed',
      finishedAt: Date.now(),
      error: `The rescore stopped: ${error instanceof Error ? error.message : String(error)}`,
      problem: both('The rescore stopped before the end: its worker closed (the browser may have run short of memory). Close other tabs, then rescore again: Settings, “Save and rescore”.', '重新评分未完成就停止了：评分程序已关闭（浏览器可能内存不足）。请关闭其他标签页，然后在“设置”中点击“保存并重新评分”。'),
    };
    await db.put('meta', status);
    onProgress(status);
    return status;
  } finally {
    port.disconnect();
    await offscreen.closeDocument().catch(() => {});
  }
}
