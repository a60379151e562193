import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { BadgeFacts } from '../../lib/overlay/inspect';

/** A badge as the content script knows it, with its centre on screen (in a frame: in the frame's own viewport). */
export type BadgeInfo = BadgeFacts & { x: number; y: number };

interface Seen {
  text: string;
  attributes: Record<string, string>;
  x: number;
  y: number;
}

interface ExecutionContext {
  id: number;
  auxData?: { type?: string; isDefault?: boolean; frameId?: string };
}

/**
 * Evaluates an expression in Tiermark's content script world of a page, over the DevTools
 * protocol: badges and cards are in closed shadow roots and carry nothing the page can read, so
 * only the content script's own inspector (lib/overlay/inspect.ts) can say what they show.
 */
export async function inContentScript<T>(page: Page, expression: string): Promise<T> {
  const [first] = await inContentScripts<T>(page, expression, true);
  if (first === undefined) throw new Error('Tiermark’s content script is not running on this page');
  return first.value;
}

/** The same in the content script of every frame of the page that runs one (frames of the page's process), in the order the frames started; the first only with `firstOnly`. */
async function inContentScripts<T>(page: Page, expression: string, firstOnly = false): Promise<Array<{ value: T }>> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const contexts: ExecutionContext[] = [];
    cdp.on('Runtime.executionContextCreated', ({ context }: { context: ExecutionContext }) => contexts.push(context));
    await cdp.send('Runtime.enable');
    const answers: Array<{ value: T }> = [];
    for (const context of contexts.filter((c) => c.auxData?.type === 'isolated')) {
      const probe = (await cdp.send('Runtime.evaluate', { expression: 'typeof tiermarkInspector', contextId: context.id, returnByValue: true })) as { result: { value: string } };
      if (probe.result.value !== 'object') continue;
      const answer = (await cdp.send('Runtime.evaluate', { expression, contextId: context.id, returnByValue: true, awaitPromise: true })) as { result: { value: T }; exceptionDetails?: { text: string } };
      if (answer.exceptionDetails) throw new Error(`In the content script: ${answer.exceptionDetails.text}`);
      answers.push({ value: answer.result.value });
      if (firstOnly) break;
    }
    return answers;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

let probes = 0;

/** The badges in (or at) the elements a locator matches, in page order; none when it matches nothing or the script is not there yet. */
export async function badgesIn(locator: Locator): Promise<BadgeInfo[]> {
  const probe = `p${(probes += 1)}`;
  const marked = await locator.evaluateAll((elements, mark) => {
    for (const element of elements) element.setAttribute('data-tm-probe', mark);
    return elements.length;
  }, probe);
  if (marked === 0) return [];
  const page = locator.page();
  // Every frame's script is asked: only the one whose document holds the marked elements finds them.
  const found = await inContentScripts<BadgeInfo[][]>(page, `tiermarkInspector.badgesIn('[data-tm-probe="${probe}"]')`).catch(() => []);
  return found.flatMap(({ value }) => value.flat());
}

/** The customer key of the first badge a locator holds, or null. */
export async function customerOf(locator: Locator): Promise<string | null> {
  return (await badgesIn(locator))[0]?.customerKey ?? null;
}

/** The pills' text of the first badge a locator holds (tier first), or []. */
export async function labelsOf(locator: Locator): Promise<string[]> {
  return (await badgesIn(locator))[0]?.labels ?? [];
}

/** The tooltip of the first badge a locator holds, or null. */
export async function tooltipOf(locator: Locator): Promise<string | null> {
  return (await badgesIn(locator))[0]?.tooltip ?? null;
}

/** How many badges on the page the lookup has described (a tooltip says whose they are). */
export async function describedBadges(page: Page): Promise<number> {
  return (await badgesIn(page.locator('body'))).filter((badge) => badge.tooltip !== '').length;
}

/** The open card's elements that match a selector; null when no card is open. */
export async function cardElements(page: Page, selector: string): Promise<Seen[] | null> {
  return inContentScript<Seen[] | null>(page, `tiermarkInspector.card(${JSON.stringify(selector)})`).catch(() => null);
}

/** The text of the open card's first element that matches, or null. */
export async function cardText(page: Page, selector: string): Promise<string | null> {
  return (await cardElements(page, selector))?.[0]?.text ?? null;
}

/** Clicks the open card's nth element that matches, as the seller's mouse does (a trusted click at its centre). */
export async function clickInCard(page: Page, selector: string, nth = 0): Promise<void> {
  await inContentScript<boolean>(page, `tiermarkInspector.revealInCard(${JSON.stringify(selector)}, ${nth})`);
  const element = (await cardElements(page, selector))?.[nth];
  if (!element) throw new Error(`No ${selector} in an open card`);
  await page.mouse.click(element.x, element.y);
}

/** The tier shown on each row's badge (null: no badge), rows by a selector, read in the content script. */
export async function tiersIn(page: Page, rows: string): Promise<Array<string | null>> {
  return inContentScript<Array<string | null>>(page, `tiermarkInspector.badgesIn(${JSON.stringify(rows)}).map((badges) => badges[0]?.labels[0] ?? null)`);
}

/**
 * Opens a customer's card as the seller does, with a trusted click on their badge, once the badge
 * is there (found through the content script: the page cannot tell whose a badge is). Pressing
 * Escape first closes a card left open, so it can be called again to reopen.
 */
export async function openCardOf(page: Page, customerKey: string): Promise<void> {
  const badge = async () => (await badgesIn(page.locator('body'))).find((b) => b.customerKey === customerKey) ?? null;
  await expect.poll(badge, { timeout: 15_000 }).not.toBeNull();
  await page.keyboard.press('Escape');
  const { x, y } = (await badge())!;
  await page.mouse.click(x, y);
  // The card is the background's answer, which a busy worker (a rebuild of past months after an import) gives later than a poll's default second.
  await expect.poll(() => cardElements(page, '[role=dialog]'), { timeout: 10_000 }).not.toBeNull();
}

/** Waits until a condition read from the page holds (for setup, where expect.poll is not allowed). */
export async function until(check: () => Promise<boolean>, timeout = 15_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('The condition did not come true in time');
    await new Promise((resume) => setTimeout(resume, 100));
  }
}
