import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { mergeStaged, STAGED_WORDS, stagedNamed, stagedWords } from '../../../lib/db/staged-identifiers';
import { openTiermarkDB } from '../../../lib/db/schema';
import { touchedSince } from '../../../lib/db/touched';
import type { Named } from '../../../lib/db/buckets';
import { keyHashes } from '../../../lib/overlay/badge-index';

/** Whom a staged identifier names, as stagedNamed says it. */
const expected = (named: Named) => (typeof named === 'string' ? { holders: 1, key: keyHashes(named) } : { holders: named });

/** A day's stagings as imports make them: order numbers, emails and names of a few hundred buyers, some staged again later naming others. */
function stagings(): Array<Array<[string, Named]>> {
  const parts: Array<Array<[string, Named]>> = [];
  for (let part = 0; part < 6; part += 1) {
    const staged: Array<[string, Named]> = [];
    for (let i = 0; i < 300; i += 1) {
      const buyer = (part * 131 + i * 7) % 500;
      staged.push([`order:#${10_000 + buyer}`, `shopify:${buyer}@example.com`]);
      staged.push([`email:${buyer}@example.com`, `shopify:${buyer}@example.com`]);
      // A name shared by more buyers as the day goes on.
      staged.push([`name:buyer ${buyer % 40}`, 2 + part]);
    }
    staged.push([`ext:shopify:${part}`, 'shopify:0@example.com']);
    parts.push([...new Map(staged)]);
  }
  return parts;
}

describe('identifiers staged by their hashes', () => {
  it('says whom each names, a customer or how many, and leaves out the ids no page shows', () => {
    const words = stagedWords([
      ['email:ada@example.com', 'shopify:ada@example.com'],
      ['name:wei wang', 2],
      ['ext:shopify:55501', 'shopify:ada@example.com'],
    ]);
    expect(words.length).toBe(2 * STAGED_WORDS);
    expect(stagedNamed(words, 'email:ada@example.com')).toEqual({ holders: 1, key: keyHashes('shopify:ada@example.com') });
    expect(stagedNamed(words, 'name:wei wang')).toEqual({ holders: 2 });
    expect(stagedNamed(words, 'ext:shopify:55501')).toBeNull();
  });

  it('merges stagings into one, sorted by hash, each identifier once as the last staging left it', () => {
    const parts = stagings();
    // What each identifier names after all of them, kept by a map in the order staged.
    const last = new Map<string, Named>();
    for (const part of parts) for (const [identifier, named] of part) if (!identifier.startsWith('ext:')) last.set(identifier, named);
    const check = (merged: Uint32Array) => {
      expect(merged.length / STAGED_WORDS).toBe(last.size);
      for (const [identifier, named] of last) expect(stagedNamed(merged, identifier)).toEqual(expected(named));
      for (let at = STAGED_WORDS; at < merged.length; at += STAGED_WORDS) {
        const [first, second, before, beforeSecond] = [merged[at]!, merged[at + 1]!, merged[at - STAGED_WORDS]!, merged[at + 1 - STAGED_WORDS]!];
        expect(first > before || (first === before && second > beforeSecond)).toBe(true);
      }
    };
    const merged = mergeStaged(parts.map(stagedWords));
    check(merged);
    // A rescore's compacted staging first, then the next imports': the same as all at once.
    const compacted = mergeStaged(parts.slice(0, 3).map(stagedWords));
    check(mergeStaged([compacted, ...parts.slice(3).map(stagedWords)]));
    expect(mergeStaged([compacted, ...parts.slice(3).map(stagedWords)])).toEqual(merged);
    expect(mergeStaged([merged])).toEqual(merged);
    expect(mergeStaged([])).toEqual(new Uint32Array(0));
  });

  it('reads a staging of the release before, its identifiers as text, as it reads its own', async () => {
    const db = await openTiermarkDB(`staged-${Math.random()}`);
    const [older, newer] = stagings();
    // The release before staged text, a shared identifier with its list of customers.
    const asText = older!.map(([identifier, named]) => [identifier, typeof named === 'number' ? Array.from({ length: named }, (_, i) => `shopify:${i}`) : named]);
    await db.put('touched', { json: JSON.stringify({ aliases: asText }) });
    await db.put('touched', { identifiers: stagedWords(newer!).buffer });
    const { identifiers } = await touchedSince(db);
    expect(identifiers).toEqual(mergeStaged([stagedWords(older!), stagedWords(newer!)]));
    const last = new Map([...older!, ...newer!].filter(([identifier]) => !identifier.startsWith('ext:')));
    for (const [identifier, named] of last) expect(stagedNamed(identifiers, identifier)).toEqual(expected(named));
    db.close();
  });
});
