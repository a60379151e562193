/** A turn for the thread's other tasks: a page's input and paint, or the background's other messages. */
export const pause = (ms = 0): Promise<void> => new Promise((resume) => setTimeout(resume, ms));

/**
 * Pauses for `restMs` once `budgetMs` of work have passed since the last pause, else not at all:
 * long work awaited in a loop gives other tasks a turn without paying a pause per item, and a small
 * shop's work none. Promises alone never give one.
 */
export function pacer(budgetMs = 16, restMs = 0): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < budgetMs) return;
    await pause(restMs);
    since = performance.now();
  };
}

/** The longest the background works before its other messages (a seller page's badges) get a turn. */
export const TURN_MS = 40;

/**
 * The turn after a long step (a scorer's fit, the table or the index finished): long enough for a
 * badge request to be answered whole, not only begun. It waits on IndexedDB a few times, and each
 * answer needs a turn of its own; with a pause of no time the next fit (up to 3 s at a million
 * customers) held it.
 */
export const ANSWER_MS = 50;
