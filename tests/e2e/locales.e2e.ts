import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchExtension, type LoadedExtension } from './extension';

describe('a browser in Chinese', () => {
  let browser: LoadedExtension;

  beforeAll(async () => {
    browser = await launchExtension({ locale: 'zh-CN' });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('names the extension in Chinese and opens the dashboard in Chinese', async () => {
    const page = await browser.openOptions();
    expect(await page.evaluate(`chrome.i18n.getMessage('extName')`)).toBe('Tiermark 客户分级');
    expect(await page.evaluate(`chrome.i18n.getMessage('actionTitle')`)).toBe('Tiermark：当前页面、待跟进、查找客户');
    expect(await page.locator('nav a[href="#overview"]').innerText()).toBe('概览');
    expect(await page.locator('nav a[href="#customers"]').innerText()).toBe('客户');
    // Switchable: English at one click, kept for the next visit.
    await page.click('.tm-lang');
    expect(await page.locator('nav a[href="#overview"]').innerText()).toBe('Overview');
    await page.reload();
    expect(await page.locator('nav a[href="#overview"]').innerText()).toBe('Overview');
    // And back from Settings.
    await page.goto(`chrome-extension://${browser.extensionId}/options.html#settings`);
    await page.selectOption('#tm-language', 'zh-CN');
    expect(await page.locator('#settings-title').innerText()).toBe('设置');
  });
});
