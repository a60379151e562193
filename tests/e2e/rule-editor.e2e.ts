import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, ROOT } from '../helpers';
import { importAndScore, openEmptyDashboard, type LoadedExtension } from './extension';

describe('the rule editor', () => {
  let browser: LoadedExtension;
  let page: Page;
  let shipped: string;

  beforeAll(async () => {
    ({ browser, page } = await openEmptyDashboard());
    await importAndScore(page, join(FIXTURES, 'demo/ExportOrderList202611201200.csv'));
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#rules`);
    await page.click('.tm-rule-file[data-file="member-ladder.json"] .tm-rule-edit');
    await page.locator('.cm-editor').waitFor();
    // The file as shipped, as the editor shows it (CodeMirror draws only the lines in view).
    shipped = JSON.stringify(JSON.parse(readFileSync(join(ROOT, 'rules/member-ladder.json'), 'utf8')), null, 2);
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Replaces the whole text, as a seller pasting a file would. */
  const typeText = async (text: string) => {
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(text);
  };
  const seniorCount = async () => Number((await page.locator('.tm-preview-rules li[data-rule="member-ladder/senior"] .tm-preview-count').innerText()).replace(/\D/g, ''));
  const overviewSenior = async () => {
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#overview`);
    const bar = page.locator('.tm-bars li[data-tier="member-ladder/senior"] .tm-bar-count');
    await bar.waitFor();
    return Number((await bar.innerText()).split('·')[0]!.replace(/\D/g, ''));
  };

  it('previews the file over the shop’s customers', async () => {
    expect(shipped).toContain('"CNY": 400');
    expect(await page.locator('.cm-line').first().innerText()).toBe('{');
    // The preview over every customer of the store, not its first run before they are read.
    const customers = await page.locator('#tm-count-customers').innerText();
    await expect.poll(() => page.locator('#tm-preview-matches').locator('..').innerText()).toContain(`/ ${customers}`);
    expect(await seniorCount()).toBeGreaterThan(0);
  });

  it('marks a mistake at its line as the seller types, and the preview waits for the fix', async () => {
    const broken = shipped.replace('"fact": "monetary"', '"fact": "totalSpend"');
    const line = broken.split('\n').findIndex((l) => l.includes('totalSpend')) + 1;
    await typeText(broken);
    const problem = page.locator('.tm-editor-problems li').first();
    await expect.poll(() => problem.innerText()).toContain('unknown fact "totalSpend"; did you mean "monetary"');
    expect(await problem.getAttribute('data-line')).toBe(String(line));
    // CodeMirror marks the same line.
    // A click on the problem takes the editor to its line, which CodeMirror marks too.
    await problem.locator('button').click();
    await expect.poll(() => page.locator('.cm-line', { hasText: 'totalSpend' }).locator('.cm-lintRange-error').count()).toBe(1);
    expect(await page.locator('#tm-editor-save').isDisabled()).toBe(true);
    expect(await page.locator('#tm-preview-matches').count()).toBe(0);
  });

  it('suggests fact names with their meaning', async () => {
    // The cursor right after what the seller has typed of a fact's name.
    await typeText('{"rules": [{"conditions": {"all": [{"fact": "monet');
    await page.keyboard.press('Control+Space');
    const option = page.locator('.cm-tooltip-autocomplete li', { hasText: 'monetaryLast365d' });
    await option.waitFor();
    expect(await page.locator('.cm-tooltip-autocomplete li').first().innerText()).toContain('monetary');
    // With what the fact means, beside the list.
    await expect.poll(() => page.locator('.cm-tooltip.cm-completionInfo').innerText()).toMatch(/Net spend|累计消费/);
  });

  it('follows a fixed threshold in the preview, and a save moves customers up the ladder', async () => {
    await typeText(shipped);
    await expect.poll(() => page.locator('#tm-preview-matches').count()).toBe(1);
    const before = await seniorCount();
    const ladderBefore = await overviewSenior();
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#rules?edit=member-ladder.json`);
    await page.locator('.cm-editor').waitFor();
    // 高级会员 from 300 instead of 400.
    await typeText(shipped.replace('"CNY": 400', '"CNY": 300'));
    await expect.poll(seniorCount).toBeGreaterThan(before);
    const previewed = await seniorCount();
    await page.click('#tm-editor-save');
    expect(await page.locator('#tm-editor-message').innerText()).toContain('Saved');
    await expect.poll(() => page.locator('.tm-rescore').getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    await expect.poll(overviewSenior, { timeout: 30_000 }).toBeGreaterThan(ladderBefore);
    // The preview counted every customer whose conditions pass; the ladder keeps only the best tier each.
    expect(await overviewSenior()).toBeLessThanOrEqual(previewed);
    // The shipped text is kept as an earlier version.
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#rules?edit=member-ladder.json`);
    await page.locator('.tm-editor-versions li').first().waitFor();
    expect(await page.locator('.tm-editor-versions li').first().innerText()).toContain('as shipped');
  });
});
