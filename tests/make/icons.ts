// Draws the toolbar and store icons from lib/ui/icon/icon.svg with Chromium: `npx tsx tests/make/icons.ts`.
// The PNGs are committed, so a build needs no browser; run this again after changing the SVG.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ICON_SIZES } from '../../lib/ui/manifest-messages';
import { ROOT } from '../helpers';
const DIR = join(ROOT, 'lib/ui/icon');

const svg = readFileSync(join(DIR, 'icon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  for (const size of ICON_SIZES) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`);
    await page.screenshot({ path: join(DIR, `icon-${size}.png`), omitBackground: true });
    await page.close();
  }
} finally {
  await browser.close();
}
