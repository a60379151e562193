import { browser } from 'wxt/browser';
import { RESCORE_PORT, type RescoreReply, type RescoreRequest } from './rescore-protocol';

/**
 * The rescore's document (an offscreen document in Chromium, whose service worker cannot start
 * workers): runs the whole rescore the background asks for in a worker, and tells it how it goes.
 * The background's own thread stays free for seller pages' badges meanwhile.
 */
export function hostRescore(): void {
  const port = browser.runtime.connect({ name: RESCORE_PORT });
  let connected = true;
  port.onDisconnect.addListener(() => (connected = false));
  port.onMessage.addListener((message: RescoreRequest) => {
    if (message.type !== 'start') return;
    const worker = new Worker(new URL('./rescore-worker.ts', import.meta.url), { type: 'module' });
    const reply = (answer: RescoreReply) => {
      if (connected) port.postMessage(answer);
      if (answer.type === 'progress') return;
      worker.terminate();
      // A background that restarted meanwhile is not waiting: the rescore's status is in the store.
      if (!connected) window.close();
    };
    worker.onmessage = (event: MessageEvent<RescoreReply>) => reply(event.data);
    worker.onerror = (event) => reply({ type: 'failed', error: event.message || 'the rescore’s worker did not start' });
    worker.postMessage(message.job);
  });
}
