import { describe, expect, it } from 'vitest';
import { fnv1a } from '../../../lib/hash';
import { KeySample } from '../../../lib/scoring/sample';

/** Customer keys as a Shopify export makes them, in a shuffled order of its own. */
function keys(count: number, seed: number): string[] {
  const list = Array.from({ length: count }, (_, i) => `shopify:customer${String(i).padStart(6, '0')}@example.com`);
  let state = seed;
  for (let i = list.length - 1; i > 0; i -= 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

/** The sample worked out whole: every key hashed, sorted by hash then key, the first `limit`. */
function chosenWhole(all: string[], limit: number): string[] {
  return all
    .map((key) => ({ key, hash: fnv1a(key) }))
    .sort((a, b) => a.hash - b.hash || (a.key < b.key ? -1 : 1))
    .slice(0, limit)
    .map((entry) => entry.key);
}

describe('the customers a model is fitted on', () => {
  it('are the first by hash of their key, as if every customer had been kept and sorted', () => {
    const all = keys(25_000, 7);
    const sample = new KeySample<string>(1_000);
    for (const key of all) sample.add(key, key);
    expect(sample.take()).toEqual(chosenWhole(all, 1_000));
    expect(sample.size).toBe(25_000);
  });

  it('are the same whatever the order of the file', () => {
    const [first, second] = [keys(12_345, 1), keys(12_345, 99)];
    const a = new KeySample<string>(500);
    const b = new KeySample<string>(500);
    for (const key of first) a.add(key, key);
    for (const key of second) b.add(key, key);
    expect(a.take()).toEqual(b.take());
  });

  it('are all of them, in the order they came, when there are no more than the limit', () => {
    const all = keys(800, 3);
    const sample = new KeySample<string>(800);
    for (const key of all) sample.add(key, key);
    expect(sample.take()).toEqual(all);
  });

  it('are chosen the same just past the limit, before any trimming', () => {
    const all = keys(1_500, 5);
    const sample = new KeySample<string>(1_000);
    for (const key of all) sample.add(key, key);
    expect(sample.take()).toEqual(chosenWhole(all, 1_000));
  });

  it('are made only while they may still be chosen, and are the same as if each had been made', () => {
    const all = keys(50_000, 11);
    const sample = new KeySample<string>(1_000);
    let made = 0;
    for (const key of all) {
      sample.offer(key, () => {
        made += 1;
        return key;
      });
    }
    expect(sample.take()).toEqual(chosenWhole(all, 1_000));
    expect(sample.size).toBe(50_000);
    // Every key until the first trim (twice the limit), then about limit × ln(n / 2·limit) more.
    expect(made).toBeGreaterThan(2_000);
    expect(made).toBeLessThan(2_000 + 1_000 * Math.log(50_000 / 2_000) * 1.5);
  });
});

describe('a sample taken on two threads', () => {
  /** The keys offered in two halves, the second's taken in by the first, as a large shop's fits do. */
  function joined(all: string[], at: number, limit: number): KeySample<string> {
    const [first, second] = [new KeySample<string>(limit), new KeySample<string>(limit)];
    for (const key of all.slice(0, at)) first.offer(key, () => key);
    for (const key of all.slice(at)) second.offer(key, () => key);
    first.join(structuredClone(second.taken()));
    return first;
  }

  it('chooses what one sample offered both halves in turn chooses, wherever the halves part', () => {
    const all = keys(30_000, 13);
    const whole = chosenWhole(all, 1_000);
    // Each half trimmed many times, one half short of the limit, one empty.
    for (const at of [0, 1, 700, 15_000, 29_500, 30_000]) {
      const sample = joined(all, at, 1_000);
      expect(sample.take(), `parted at ${at}`).toEqual(whole);
      expect(sample.size).toBe(30_000);
    }
  });

  it('keeps the order they came in when both halves together are no more than the limit', () => {
    const all = keys(900, 17);
    expect(joined(all, 400, 1_000).take()).toEqual(all);
    // Just past the limit together, neither half trimmed: chosen by hash.
    const more = keys(1_200, 19);
    expect(joined(more, 600, 1_000).take()).toEqual(chosenWhole(more, 1_000));
  });
});
