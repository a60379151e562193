import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_OPERATORS } from '../../../lib/engine/operators';
import { operators } from '../../../plugins/operators';
import { ROOT } from '../../helpers';

describe('the operator registry', () => {
  const files = readdirSync(join(ROOT, 'plugins/operators')).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.slice(0, -3));

  it('registers every operator file under its file name, each with a test, none shadowing a built-in', () => {
    expect(operators.map((op) => op.name).sort()).toEqual(files.sort());
    for (const name of files) expect(existsSync(join(ROOT, 'tests/plugins/operators', `${name}.test.ts`)), `${name}.test.ts`).toBe(true);
    for (const op of operators) expect(BUILT_IN_OPERATORS.map((b) => b.name)).not.toContain(op.name);
  });

  it('describes each operator in English and Chinese', () => {
    for (const op of [...BUILT_IN_OPERATORS, ...operators]) {
      expect(op.description.en.length, op.name).toBeGreaterThan(3);
      expect(op.description['zh-CN'], op.name).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
