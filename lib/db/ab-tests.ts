import type { AbTest } from '../ab-test';
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
