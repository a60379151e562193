/**
 * An init script for a page under measurement, from its first byte: `window.__load.badgedAt` maps
 * each row (the closest `row` selector) to when its badge went into the DOM,
 * `window.__load.badged(n)` resolves once n rows have one (no polling task to start frames), and
 * `window.__load.frames` holds every long animation frame.
 */
export const watchLoad = (row: string) => `window.__load = { badgedAt: new Map(), frames: [], waiters: [] };
  window.__load.badged = (n) => new Promise((resolve) => (window.__load.badgedAt.size >= n ? resolve() : window.__load.waiters.push([n, resolve])));
  new PerformanceObserver((list) => window.__load.frames.push(...list.getEntries())).observe({ type: 'long-animation-frame', buffered: true });
  new MutationObserver((records) => {
    const now = performance.now();
    for (const record of records) for (const node of record.addedNodes) if (node.localName === 'tm-badge') window.__load.badgedAt.set(node.closest(${JSON.stringify(row)}), now);
    window.__load.waiters = window.__load.waiters.filter(([n, resolve]) => (window.__load.badgedAt.size >= n ? (resolve(), false) : true));
  }).observe(document, { childList: true, subtree: true });`;
