import type { BadgeOutcome, TierOutcome, TreatmentOutcome } from '../engine/outcome';
import type { Facts } from '../scoring/scorer';
import type { Standing } from '../snapshots';
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

/** Each distinct outcome of a bucket, once, by its place: found by the object first, which the rules share among the customers a rule fires for. */
function outcomeLooks() {
  const looks: unknown[] = [];
  const lookByObject = new Map<object, number>();
  const lookByText = new Map<string, number>();
  const lookOf = (look: object): number => {
    let code = lookByObject.get(look);
    if (code !== undefined) return code;
    const text = JSON.stringify(look);
    code = lookByText.get(text);
    if (code === undefined) {
      lookByText.set(text, (code = looks.length));
      looks.push(look);
    }
    lookByObject.set(look, code);
    return code;
  };
  return { looks, lookOf };
}

/**
 * The `v: 2` text in parts: the rows apart from the outcomes, whose Chinese labels would make all
 * of the text two bytes a character, which JSON.stringify wrote 1.7 times slower.
 */
function profilesTextParts(profiles: Iterable<Profile>): string[] {
  const { looks, lookOf } = outcomeLooks();
  const stored: ProfileBucket = { v: 2, looks, shapes: [], rows: {} };
  const shapeByNames = new Map<string, number>();
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

/** A customer's standing before, as a `v: 3` row keeps it: [day, tier, segment, stage, tier since, segment since]. */
type StoredStanding = [number, string | null, string | null, string | null, number, number];

/**
 * A bucket of what the whole rescore decided (`v: 3`): each customer's outcomes and where they stood
 * before, not their facts. The facts were two thirds of a profile's bytes, and the customer table
 * keeps them too: a million customers' profiles took 8–10 s of the whole rescore to write. A reader
 * scores them again from the customer with the build's base (`ProfileBase`), as the rescore did.
 */
interface OutcomeBucket {
  v: 3;
  /** The whole rescore that wrote it: its base scores the facts again. */
  built: string;
  looks: unknown[];
  /** key → [tier look or -1, badge looks, treatment looks, follow-up ids, standing before or 0]. */
  rows: Record<string, [number, number[], number[], string[], StoredStanding | 0]>;
}

/** A customer's profile as a `v: 3` bucket holds it: what the rules said, and where they stood before, without the facts. */
export interface UnscoredProfile extends Omit<Profile, 'facts' | 'asOfDay'> {
  built: string;
  previous: Standing | null;
}

/** A stored profile: whole (`v: 2` and before, and the layer of the touched), or without its facts (`v: 3`). */
export type StoredProfile = Profile | UnscoredProfile;

export const isScored = (profile: StoredProfile): profile is Profile => 'facts' in profile;

/**
 * A bucket's `v: 3` text as the whole rescore writes it, made a customer at a time: each row's text
 * as the customer is scored, so no profile (and its facts) is held to the end of the slice, where
 * the collector had to carry a slice's thousands of them out of its young generation.
 */
export class OutcomesText {
  private readonly looks = outcomeLooks();
  private readonly rows: string[] = [];

  /** A customer's outcomes, and where they stood before they were scored. */
  add({ key, tier, badges, treatments, followUps }: Profile, p: Standing | null): void {
    const { lookOf } = this.looks;
    const row: OutcomeBucket['rows'][string] = [tier ? lookOf(tier) : -1, badges.map(lookOf), treatments.map(lookOf), followUps, p ? [p.day, p.tier, p.segment, p.stage, p.tierSince, p.segmentSince] : 0];
    // The rows object's JSON, a key at a time (a key is never a number, so JSON keeps their order).
    this.rows.push(`${JSON.stringify(key)}:${JSON.stringify(row)}`);
  }

  stored(bucket: number, built: string): ProfileBytes {
    return { bucket, utf8: utf8Of([`{"v":3,"built":${JSON.stringify(built)},"looks":${JSON.stringify(this.looks.looks)},"rows":{`, this.rows.join(','), '}}']) };
  }
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

/** A bucket as text, as releases before bytes stored it. */
export const profilesAsText = (stored: StoredProfiles): StoredBucket => ('utf8' in stored ? { bucket: stored.bucket, json: textOfUtf8(stored.utf8) } : stored);

/** A bucket's profiles by customer key, of any layout (a bucket from before `v: 2` is a plain map; one of `v: 3` holds no facts). */
export function readProfiles(stored: StoredProfiles | undefined): Record<string, StoredProfile> {
  if (!stored) return {};
  const parsed = JSON.parse(profilesAsText(stored).json) as ProfileBucket | OutcomeBucket | Record<string, Profile>;
  if (parsed.v === 3) return outcomesOf(parsed as OutcomeBucket);
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

function outcomesOf({ built, looks, rows }: OutcomeBucket): Record<string, UnscoredProfile> {
  const profiles: Record<string, UnscoredProfile> = {};
  for (const [key, [tier, badges, treatments, followUps, p]] of Object.entries(rows)) {
    profiles[key] = {
      key, built, tier: tier < 0 ? null : (looks[tier] as TierOutcome), badges: badges.map((i) => looks[i] as BadgeOutcome),
      treatments: treatments.map((i) => looks[i] as TreatmentOutcome), followUps,
      previous: p ? { day: p[0], tier: p[1], segment: p[2], stage: p[3], tierSince: p[4], segmentSince: p[5] } : null,
    };
  }
  return profiles;
}
