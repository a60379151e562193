import type { BadgeOutcome, TierOutcome, TreatmentOutcome } from '../engine/outcome';
import type { Facts } from '../scoring/scorer';
import { textOfUtf8, utf8Of, type StoredBucket } from './buckets';

/** What a rescore found about one customer: every fact and what the rules say. */
export interface Profile {
  key: string;
  facts: Facts;
  tier: TierOutcome | null;
  badges: BadgeOutcome[];
  treatments: TreatmentOutcome[];
  /** Ids of the follow-ups the rules raise for the customer (records in `followups`). */
  followUps: string[];
  /** The local day the profile was scored as of. */
  asOfDay: number;
}

/**
 * A bucket of profiles as stored (`v: 2`). Most of a profile was the same tier, badge and treatment
 * texts written again for every customer, and fact names: 2.3 kB per customer, whose writing was
 * half the rescore at a million. So a bucket keeps each distinct outcome (`looks`) and each set of
 * fact names (`shapes`) once, and a customer's row refers to them by place.
 */
interface ProfileBucket {
  v: 2;
  looks: unknown[];
  shapes: string[][];
  /** key → [shape, fact values, tier look or -1, badge looks, treatment looks, follow-up ids, as-of day]. */
  rows: Record<string, [number, unknown[], number, number[], number[], string[], number]>;
}

/** Profiles as the `v: 2` text (the layer of a rescore of the touched keeps a day's customers so); outcomes shared by object (as the rules return them) are coded without being serialised again. */
export const profilesText = (profiles: Iterable<Profile>): string => profilesTextParts(profiles).join('');

/**
 * The `v: 2` text in parts: the rows apart from the outcomes, whose Chinese labels would make all
 * of the text two bytes a character, which JSON.stringify wrote 1.7 times slower.
 */
function profilesTextParts(profiles: Iterable<Profile>): string[] {
  const stored: ProfileBucket = { v: 2, looks: [], shapes: [], rows: {} };
  const lookByObject = new Map<object, number>();
  const lookByText = new Map<string, number>();
  const shapeByNames = new Map<string, number>();
  const lookOf = (look: object): number => {
    let code = lookByObject.get(look);
    if (code !== undefined) return code;
    const text = JSON.stringify(look);
    code = lookByText.get(text);
    if (code === undefined) {
      lookByText.set(text, (code = stored.looks.length));
      stored.looks.push(look);
    }
    lookByObject.set(look, code);
    return code;
  };
  let last = -1;
  for (const profile of profiles) {
    // Facts the customer lacks (undefined) are left out, as JSON text of the object left them out.
    const names = Object.keys(profile.facts).filter((name) => profile.facts[name] !== undefined);
    // Most customers have the last one's shape: compared name by name, with no text made.
    const previous = stored.shapes[last];
    let shape = previous && previous.length === names.length && previous.every((name, i) => name === names[i]) ? last : undefined;
    if (shape === undefined) {
      const joined = names.join('\n');
      shape = shapeByNames.get(joined);
      if (shape === undefined) {
        shapeByNames.set(joined, (shape = stored.shapes.length));
        stored.shapes.push(names);
      }
      last = shape;
    }
    stored.rows[profile.key] = [
      shape, names.map((name) => profile.facts[name]), profile.tier ? lookOf(profile.tier) : -1,
      profile.badges.map(lookOf), profile.treatments.map(lookOf), profile.followUps, profile.asOfDay,
    ];
  }
  return [`{"v":2,"looks":${JSON.stringify(stored.looks)},"shapes":${JSON.stringify(stored.shapes)},"rows":`, JSON.stringify(stored.rows), '}'];
}

/**
 * A bucket of profiles as the whole rescore writes it: the `v: 2` text in UTF-8. The outcomes'
 * Chinese labels make the text two bytes a character, which Chromium stored 20 times slower: a
 * million customers' profiles took 10 s to put, of the rescore's minute and a half.
 */
export interface ProfileBytes {
  bucket: number;
  utf8: Uint8Array;
}

/** A stored bucket of profiles: as bytes, or as text (written before bytes, or read from a backup). */
export type StoredProfiles = StoredBucket | ProfileBytes;

export const storedProfiles = (bucket: number, profiles: Iterable<Profile>): ProfileBytes => ({ bucket, utf8: utf8Of(profilesTextParts(profiles)) });

/** A bucket as text, as a backup (JSON lines) holds it. */
export const profilesAsText = (stored: StoredProfiles): StoredBucket => ('utf8' in stored ? { bucket: stored.bucket, json: textOfUtf8(stored.utf8) } : stored);

/** A bucket's profiles by customer key, of either layout (a bucket from before `v: 2` is a plain map). */
export function readProfiles(stored: StoredProfiles | undefined): Record<string, Profile> {
  if (!stored) return {};
  const parsed = JSON.parse(profilesAsText(stored).json) as ProfileBucket | Record<string, Profile>;
  if (parsed.v !== 2) return parsed as Record<string, Profile>;
  const { looks, shapes, rows } = parsed as ProfileBucket;
  const profiles: Record<string, Profile> = {};
  for (const [key, [shape, values, tier, badges, treatments, followUps, asOfDay]] of Object.entries(rows)) {
    const facts: Facts = {};
    shapes[shape]!.forEach((name, i) => (facts[name] = values[i] as Facts[string]));
    profiles[key] = {
      key, facts, tier: tier < 0 ? null : (looks[tier] as TierOutcome), badges: badges.map((i) => looks[i] as BadgeOutcome),
      treatments: treatments.map((i) => looks[i] as TreatmentOutcome), followUps, asOfDay,
    };
  }
  return profiles;
}

