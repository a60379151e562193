import { SENT_MAX, type AbTest } from '../ab-test';
import type { Database } from './schema';

export async function saveAbTest(db: Database, test: AbTest): Promise<void> {
  await db.put('abTests', test);
}

/** Every saved test, newest first. */
export async function allAbTests(db: Database): Promise<AbTest[]> {
  return (await db.getAll('abTests')).sort((a, b) => b.createdAt - a.createdAt);
}

export async function deleteAbTest(db: Database, id: string): Promise<void> {
  await db.delete('abTests', id);
}

/** Notes what a test's group was sent (trimmed, at most SENT_MAX characters); the test as saved, or null when it is gone. */
export async function noteGroupSent(db: Database, id: string, group: string, sent: string): Promise<AbTest | null> {
  const tx = db.transaction('abTests', 'readwrite');
  const test = await tx.store.get(id);
  if (!test) return null;
  const saved = { ...test, groups: test.groups.map((g) => (g.name === group ? { ...g, sent: sent.trim().slice(0, SENT_MAX) } : g)) };
  await Promise.all([tx.store.put(saved), tx.done]);
  return saved;
}
