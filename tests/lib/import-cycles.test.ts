import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers';

/** Every TypeScript source under a folder. */
function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? sources(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The project's own modules a source imports or re-exports at run time (a type-only import is erased). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const [, typeOnly, from] of text.matchAll(/^(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'(\.[^']+)'/gm)) {
    if (typeOnly) continue;
    const base = resolve(dirname(file), from!);
    const path = [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), base].find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
    if (path) found.push(path);
  }
  return found;
}

/** Each circle of a graph of imports, from the module where the walk first met it. */
function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const done = new Set<string>();
  const path: string[] = [];
  const found: string[][] = [];
  const walk = (file: string) => {
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      const at = path.indexOf(next);
      if (at >= 0) found.push([...path.slice(at), next]);
      else if (!done.has(next)) walk(next);
    }
    path.pop();
    done.add(file);
  };
  for (const file of graph.keys()) if (!done.has(file)) walk(file);
  return found;
}

describe('the modules', () => {
  it('import one another in no circle at run time', () => {
    const files = ['lib', 'plugins', 'entrypoints'].flatMap((folder) => sources(join(ROOT, folder)));
    expect(files.length).toBeGreaterThan(100);
    const graph = new Map(files.map((file) => [file, importsOf(file)]));
    expect(circles(graph).map((circle) => circle.map((file) => relative(ROOT, file)))).toEqual([]);
  });

  it('are read as they import: a type-only import is none, a re-export and a plain import are', () => {
    const lib = (path: string) => join(ROOT, 'lib', path);
    // `import type { Database } from './schema'`: erased.
    expect(importsOf(lib('db/profiles.ts'))).not.toContain(lib('db/schema.ts'));
    expect(importsOf(lib('db/profiles.ts'))).toContain(lib('db/profile-bucket.ts'));
    expect(importsOf(lib('background/store-messages.ts'))).toEqual(expect.arrayContaining([lib('background/rescore.ts'), lib('background/store.ts')]));
  });

  it('would be found in a circle, however long', () => {
    const graph = new Map([['a', ['b']], ['b', ['c', 'd']], ['c', ['a']], ['d', []], ['e', ['e']]]);
    expect(circles(graph)).toEqual([['a', 'b', 'c', 'a'], ['e', 'e']]);
    expect(circles(new Map([['a', ['b']], ['b', []]]))).toEqual([]);
  });
});
