import type { RaisedOver } from '../follow-up-list';
import type { FollowUpRecord } from '../follow-ups';
import { bucketOf } from './buckets';
import { profilesText, readProfiles, type Profile } from './profile-bucket';
import { groupOf, type Database, type TiermarkDB } from './schema';

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

/** A group as stored in `rescored`. */
export type StoredRescored = TiermarkDB['rescored']['value'];

/**
 * A group for `rescored`: the profiles as a profile bucket keeps them (each tier, badge and
 * treatment once: as plain JSON, 3 kB a customer, 37 MB for a day's customers at a million, made
 * and written again by each rescore of the touched), and the raised follow-ups by customer.
 */
export function storedRescored(group: number, rescored: RescoredGroup): StoredRescored {
  const raised: Record<string, FollowUpRecord[]> = {};
  for (const [key, customer] of Object.entries(rescored)) if (customer.raised.length > 0) raised[key] = customer.raised;
  return { group, json: profilesText(Object.values(rescored).map(({ profile }) => profile)), raised: JSON.stringify(raised) };
}

/** A stored group's customers; one the release before wrote (no `raised`) is one map of both. */
function readRescored(stored: StoredRescored | undefined): RescoredGroup {
  if (!stored) return {};
  if (stored.raised === undefined) return JSON.parse(stored.json) as RescoredGroup;
  const raised = JSON.parse(stored.raised) as Record<string, FollowUpRecord[]>;
  const group: RescoredGroup = {};
  // The layer's text is `v: 2`: its profiles are whole.
  for (const [key, profile] of Object.entries(readProfiles({ bucket: stored.group, json: stored.json }) as Record<string, Profile>)) group[key] = { profile, raised: raised[key] ?? [] };
  return group;
}

/** The rescored customers of a key's bucket group (none when no rescore of the touched lies over the whole one). */
export async function rescoredGroupOf(db: Database, key: string): Promise<RescoredGroup> {
  return readRescored(await db.get('rescored', groupOf(bucketOf(key))));
}

/** A customer as the last rescore found them: the rescore of the touched over the whole one. */
export async function rescoredCustomer(db: Database, key: string): Promise<RescoredCustomer | undefined> {
  return (await rescoredGroupOf(db, key))[key];
}

/** Every rescored customer, by key: a rescore of the touched holds a day's changed customers, a few thousand. */
export async function allRescored(db: Database): Promise<Map<string, RescoredCustomer>> {
  return layerOf(await db.getAll('rescored'));
}

/** The rescored customers of stored groups, by key. */
export function layerOf(groups: readonly StoredRescored[]): Map<string, RescoredCustomer> {
  return new Map(groups.flatMap((stored) => Object.entries(readRescored(stored))));
}

/**
 * The customer table's record (`raisedOver`, under the build the layer lies over) of what the
 * follow-ups' readers need of the layer: every rescored customer's key, with what the rules raise
 * for them now, as of the day of the rescore. The Follow-ups page, the popup and the reminder read
 * it rather than the profiles: 4.6 MB of them for a day's 11,861 customers at a million.
 */
export const RAISED_OVER = 'raisedOver';

/** The record's text for a layer of customers rescored as of `asOfDay` (one rescore scores all its layer as of its day). */
export function storedRaisedOver(asOfDay: number, layer: ReadonlyMap<string, Pick<RaisedOver, 'raised'>>): string {
  const raised: Record<string, readonly FollowUpRecord[]> = {};
  for (const [key, customer] of layer) raised[key] = customer.raised;
  return JSON.stringify({ asOfDay, raised });
}

export function readRaisedOver(text: string): Map<string, RaisedOver> {
  const { asOfDay, raised } = JSON.parse(text) as { asOfDay: number; raised: Record<string, FollowUpRecord[]> };
  const profile = { asOfDay };
  return new Map(Object.entries(raised).map(([key, records]) => [key, { profile, raised: records }]));
}
