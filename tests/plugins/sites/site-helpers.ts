import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import type { SiteAdapter } from '../../../lib/overlay/site-adapter';
import { FIXTURES } from '../../helpers';

/** The rows an adapter finds in one of its saved pages. */
export function fixtureRows(adapter: SiteAdapter, page: string): Element[] {
  const { document } = parseHTML(readFileSync(join(FIXTURES, 'sites', adapter.id, page), 'utf8'));
  return [...document.querySelectorAll(adapter.rows)];
}

/** Rows of a small page written in the test. */
export function htmlRows(adapter: SiteAdapter, html: string): Element[] {
  return [...parseHTML(html).document.querySelectorAll(adapter.rows)];
}
