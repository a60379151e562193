/**
 * An init script for a page under measurement, from its first byte: `window.__load.badgedAt` maps
 * each row (the closest `row` selector) to when its badge went into the DOM,
 * `window.__load.badged(want)` resolves once `want` rows have one, or every row of a list `want`
 * (no polling task to start frames), `window.__load.near()` lists the rows wholly within a window's
 * height of the view (those Tiermark badges before the seller scrolls), `window.__load.nearBadged(deadline)`
 * waits until those are badged and returns them, `window.__load.frames` holds every long animation frame,
 * and `window.__load.firstFrame` times the frame after DOMContentLoaded.
 */
/**
 * In-page source of a test for a row wholly within a window's height of the view: the rows
 * Tiermark badges before the seller scrolls (`NEAR_MARGIN` in lib/overlay/overlay.ts).
 */
export const NEAR_ROW = '(row) => { const box = row.getBoundingClientRect(); return box.top >= -innerHeight && box.bottom <= 2 * innerHeight; }';

/**
 * In-page source of a function taking a long animation frame apart: its scripts (the page's only:
 * Chromium names no extension's) and its rendering.
 */
export const FRAME_PARTS = `(frame) => ({
  ms: Math.round(frame.duration),
  scripts: frame.scripts.map((s) => ({ ms: Math.round(s.duration), by: s.invoker, from: (s.sourceURL || '').split('/').pop(), layout: Math.round(s.forcedStyleAndLayoutDuration) })),
  renderMs: frame.renderStart ? Math.round(frame.startTime + frame.duration - frame.renderStart) : 0,
  styleAndLayoutMs: frame.styleAndLayoutStart ? Math.round(frame.startTime + frame.duration - frame.styleAndLayoutStart) : 0,
  // Main-thread time past 50 ms per task, plus the render's: 0 when the frame was long only for
  // waiting. Before the render and outside the page's scripts: Tiermark's script, or the main
  // thread idle while the compositor rasters.
  blockingMs: Math.round(frame.blockingDuration),
  beforeRenderMs: Math.round((frame.renderStart || frame.startTime + frame.duration) - frame.startTime - frame.scripts.reduce((sum, s) => sum + s.duration, 0)),
})`;

/**
 * In-page source of a function giving the badges a mutation record shows going in: a new badge's
 * host, or a kept place filled (its class becomes the host's; an empty place is no badge).
 */
export const BADGES_IN = `(record) => (record.type === 'attributes' ? [record.target] : [...record.addedNodes]).filter((node) => node.localName === 'tm-badge' && node.classList.contains('tm-badge-host'))`;
/** In-page source of the MutationObserver options BADGES_IN needs. */
export const BADGE_MUTATIONS = `{ childList: true, subtree: true, attributes: true, attributeFilter: ['class'] }`;

export const watchLoad = (row: string) => `window.__load = { badgedAt: new Map(), frames: [], waiters: [] };
  window.__load.badged = (want) => new Promise((resolve) => {
    const done = () => (typeof want === 'number' ? window.__load.badgedAt.size >= want : want.every((row) => window.__load.badgedAt.has(row)));
    if (done()) resolve(); else window.__load.waiters.push([done, resolve]);
  });
  window.__load.near = () => [...document.querySelectorAll(${JSON.stringify(row)})].filter(${NEAR_ROW});
  // Badges make rows taller and push the last near ones out of the margin: wait until every row near the view, as laid out now, is badged.
  window.__load.nearBadged = async (deadline) => {
    let timedOut = false;
    deadline.then(() => (timedOut = true));
    let near = window.__load.near();
    while (!timedOut) {
      await Promise.race([window.__load.badged(near), deadline]);
      const now = window.__load.near();
      if (now.every((row) => window.__load.badgedAt.has(row))) return now;
      near = now;
    }
    return window.__load.near();
  };
  new PerformanceObserver((list) => window.__load.frames.push(...list.getEntries())).observe({ type: 'long-animation-frame', buffered: true });
  // The frame after the markup is parsed, which an extension that starts then puts its first badges
  // into: from DOMContentLoaded (this listener runs before any extension's) to that frame's
  // animation callbacks, then its rendering, to the task after it.
  document.addEventListener('DOMContentLoaded', () => {
    const parsed = performance.now();
    requestAnimationFrame(() => {
      const rendering = performance.now();
      setTimeout(() => (window.__load.firstFrame = { taskMs: rendering - parsed, renderMs: performance.now() - rendering, frameMs: performance.now() - parsed }), 0);
    });
  });
  new MutationObserver((records) => {
    const now = performance.now();
    for (const record of records) for (const node of (${BADGES_IN})(record)) window.__load.badgedAt.set(node.closest(${JSON.stringify(row)}), now);
    window.__load.waiters = window.__load.waiters.filter(([done, resolve]) => (done() ? (resolve(), false) : true));
  }).observe(document, ${BADGE_MUTATIONS});`;
