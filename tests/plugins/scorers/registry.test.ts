import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers';
import { scorers } from '../../../plugins/scorers';

describe('the scorer registry', () => {
  const files = readdirSync(join(ROOT, 'plugins/scorers')).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.slice(0, -3));

  it('registers every scorer file under its file name, each with a test', () => {
    expect(scorers.map((s) => s.id).sort()).toEqual(files.sort());
    for (const id of files) expect(existsSync(join(ROOT, 'tests/plugins/scorers', `${id}.test.ts`)), `${id}.test.ts`).toBe(true);
  });

  it('runs each scorer after those it reads from', () => {
    scorers.forEach((scorer, i) => {
      for (const dep of scorer.after ?? []) expect(scorers.slice(0, i).map((s) => s.id), `${scorer.id} after ${dep}`).toContain(dep);
    });
  });

  it('declares each fact once, with an English and a Chinese description', () => {
    const names = scorers.flatMap((s) => Object.keys(s.facts));
    expect(new Set(names).size).toBe(names.length);
    for (const scorer of scorers) {
      for (const [name, spec] of Object.entries(scorer.facts)) {
        expect(spec.description.en.length, name).toBeGreaterThan(5);
        expect(spec.description['zh-CN'], name).toMatch(/[\u4e00-\u9fff]/);
      }
    }
  });
});
