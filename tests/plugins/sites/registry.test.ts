import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MatchPattern } from 'wxt/utils/match-patterns';
import { siteAdapters } from '../../../plugins/sites';
import { ROOT } from '../../helpers';

describe('the site adapters', () => {
  const files = readdirSync(join(ROOT, 'plugins/sites')).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.slice(0, -3));

  it('registers every adapter file under its file name, each with a test and saved pages', () => {
    expect(siteAdapters.map((a) => a.id).sort()).toEqual(files.sort());
    for (const id of files) {
      expect(existsSync(join(ROOT, 'tests/plugins/sites', `${id}.test.ts`)), `${id}.test.ts`).toBe(true);
      expect(readdirSync(join(ROOT, 'tests/fixtures/sites', id)).filter((f) => f.endsWith('.html')).length, id).toBeGreaterThan(0);
    }
  });

  it('takes its own pages, each within its match patterns, and no other adapter’s', () => {
    for (const adapter of siteAdapters) {
      const patterns = adapter.matches.map((m) => new MatchPattern(m));
      for (const url of adapter.testUrls.pages) {
        // An adapter without patterns (a seller's own domain) runs only where the seller switched Tiermark on.
        if (patterns.length > 0) expect(patterns.some((p) => p.includes(url)), `${adapter.id} injects on ${url}`).toBe(true);
        for (const other of siteAdapters) expect(other.isPage(new URL(url)), `${other.id} on ${url}`).toBe(other === adapter);
      }
      for (const url of adapter.testUrls.notPages) expect(adapter.isPage(new URL(url)), `${adapter.id} leaves ${url}`).toBe(false);
    }
  });

  it('never asks for every site', () => {
    for (const adapter of siteAdapters) for (const m of adapter.matches) expect(m).toMatch(/^https:\/\/[a-z0-9.-]+\.[a-z]+\//);
  });
});
