import type { FollowUpRecord } from '../follow-ups';
import { bucketOf } from './buckets';
import type { Profile } from './profiles';
import { groupOf, type Database } from './schema';

/**
 * What the rescore of the touched customers found (see rescore-touched.ts), by bucket group, over
 * the whole rescore's profiles and follow-ups until the next whole rescore clears it. Readers of a
 * customer's profile or follow-ups look here first.
 */

/** A touched customer as rescored: the profile, and the follow-ups the rules raise for them now (merged with what staff did when read). */
export interface RescoredCustomer {
  profile: Profile;
  raised: FollowUpRecord[];
}

/** A bucket group's rescored customers, as stored in `rescored`. */
export type RescoredGroup = Record<string, RescoredCustomer>;

/** The rescored customers of a key's bucket group (none when no rescore of the touched lies over the whole one). */
export async function rescoredGroupOf(db: Database, key: string): Promise<RescoredGroup> {
  const stored = await db.get('rescored', groupOf(bucketOf(key)));
  return stored ? (JSON.parse(stored.json) as RescoredGroup) : {};
}

/** A customer as the last rescore found them: the rescore of the touched over the whole one. */
export async function rescoredCustomer(db: Database, key: string): Promise<RescoredCustomer | undefined> {
  return (await rescoredGroupOf(db, key))[key];
}

/** Every rescored customer, by key: a rescore of the touched holds a day's changed customers, a few thousand. */
export async function allRescored(db: Database): Promise<Map<string, RescoredCustomer>> {
  const all = new Map<string, RescoredCustomer>();
  for (const stored of await db.getAll('rescored')) for (const [key, rescored] of Object.entries(JSON.parse(stored.json) as RescoredGroup)) all.set(key, rescored);
  return all;
}
