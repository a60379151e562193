/** A turn for the thread's other tasks: a page's input and paint, or the background's other messages. */
export const pause = (ms = 0): Promise<void> => new Promise((resume) => setTimeout(resume, ms));

/**
 * A pause long enough for a seller page's badge request to be answered whole, not only begun: it
 * waits on IndexedDB a few times, and each answer needs a turn of its own.
 */
export const breather = (): Promise<void> => pause(50);

/**
 * Pauses once some milliseconds of work have passed since the last pause, else not at all: long
 * work awaited in a loop gives other tasks a turn without paying a pause per item. Promises alone
 * never give one.
 */
export function pacer(budgetMs = 16): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < budgetMs) return;
    await pause();
    since = performance.now();
  };
}
