import type { Shop } from '../shops';
import type { Language } from '../ui/i18n';
import { PLATFORMS, type Customer, type Platform } from '../model';
import type { BadgeView, RowMatch } from '../overlay/badge-view';
import type { Ref } from '../overlay/site-adapter';
import { aliasKey, byStrength } from '../aliases';
import { formatMajor } from '../money';
import { bucketOf, readBucket, withChanges } from './buckets';
import { bucketAndChanges } from './slices';
import { clearBadgeCache } from './badge-index';
import { readProfiles, type Profile, type StoredProfile } from './profiles';
import { isScored } from './profile-bucket';
import { baseOfBuild, customerInBucket, digestsOf, forgetBases, profileOf } from './profile-facts';
import { groupOf, type Database } from './schema';
import { allKeptDates } from './kept-dates';
import { rescoredGroupOf, type RescoredGroup } from './rescored';

const SUMMARY: Record<Language, (c: Customer, recency: number | null) => string> = {
  en: (c, recency) => `${c.orderCount} orders · ${formatMajor(c.monetaryMinor, c.currency)} ${c.currency}${recency === null ? '' : ` · last ${recency} days ago`}`,
  'zh-CN': (c, recency) => `${c.orderCount} 单 · 累计 ${formatMajor(c.monetaryMinor, c.currency)} ${c.currency}${recency === null ? '' : ` · ${recency} 天前购买`}`,
};

type LookupStore = 'aliases' | 'profiles';

/**
 * Parsed buckets (and whether a customer is hidden from pages) kept between lookups: a seller pages
 * through the same customers all day, and a 500-row page asks for a few hundred buckets. Cleared
 * whenever an import or a rescore has written; saving a customer's notes rescores.
 */
const buckets = new WeakMap<Database, Map<string, Promise<unknown>>>();

const versions = new WeakMap<Database, string>();
/** The shops, read once until the store changes: every buyer-id lookup needs them. */
const shopLists = new WeakMap<Database, Promise<Shop[]>>();
let versionsMade = 0;

export function clearLookupCache(db: Database): void {
  buckets.delete(db);
  forgetBases();
  shopLists.delete(db);
  clearBadgeCache(db);
  versions.delete(db);
}

/** Names what the store holds now: new after every import and rescore, and after the worker restarts. */
export function lookupVersion(db: Database): string {
  let version = versions.get(db);
  if (!version) versions.set(db, (version = `${Date.now().toString(36)}.${(versionsMade += 1)}`));
  return version;
}

/** A customer's tier and rule badges in the page's language. */
function badgesOf(profile: Profile | undefined, language: Language): Pick<BadgeView, 'tier' | 'badges'> {
  return {
    tier: profile?.tier ? { label: profile.tier.label[language], colour: profile.tier.colour } : null,
    badges: (profile?.badges ?? []).map((b) => ({ label: b.label[language], colour: b.colour, tooltip: b.tooltip?.[language] ?? null })),
  };
}

/**
 * Bucket reads in flight at once. A million customers' buckets take milliseconds each to parse:
 * a 500-row page's hundreds of reads, all queued, held every other page's badges for seconds
 * behind them. A few at a time, a page's question for its badges waits for a few parses at most.
 */
const READS_AT_ONCE = 4;
let reading = 0;
const waitingReads: Array<() => void> = [];
async function fewAtOnce<T>(read: () => Promise<T>): Promise<T> {
  if (reading >= READS_AT_ONCE) await new Promise<void>((start) => waitingReads.push(start));
  reading += 1;
  try {
    return await read();
  } finally {
    reading -= 1;
    waitingReads.shift()?.();
  }
}

/**
 * Resolves the rows of a page to customers: by buyer id (the customer key), then through the
 * aliases. A name shared by two buyers comes back ambiguous with both, never a guess. Each bucket
 * is read and parsed once until the store changes.
 */
export async function lookupRows(db: Database, platform: Platform | null, rows: readonly Ref[][], language: Language): Promise<RowMatch[]> {
  let cache = buckets.get(db);
  if (!cache) buckets.set(db, (cache = new Map()));
  const parsed = cache;
  const cached = <T>(id: string, read: () => Promise<T>): Promise<T> => {
    let found = parsed.get(id) as Promise<T> | undefined;
    if (!found) parsed.set(id, (found = read()));
    return found;
  };
  const bucket = <T,>(store: LookupStore, key: string) =>
    cached(`${store}:${bucketOf(key)}`, () => fewAtOnce(async () => (store === 'profiles' ? readProfiles(await db.get(store, bucketOf(key))) : readBucket(withChanges(...(await bucketAndChanges(db, store, bucketOf(key)))))))) as Promise<Record<string, T>>;
  // A customers bucket's records, and its order digests parsed only when a profile is scored again from them.
  const customersIn = (key: string) =>
    cached(`customers:${bucketOf(key)}`, () => fewAtOnce(async () => {
      const stored = withChanges(...(await bucketAndChanges(db, 'customers', bucketOf(key))));
      let digests: ReturnType<typeof digestsOf> | undefined;
      return { records: readBucket<Customer>(stored), digests: () => (digests === undefined ? (digests = digestsOf(stored)) : digests) };
    }));
  const customerOf = async (key: string) => (await customersIn(key)).records[key];
  const rescoredOf = (key: string) => cached(`rescored:${groupOf(bucketOf(key))}`, () => rescoredGroupOf(db, key)).then((group: RescoredGroup) => group[key]);
  const notesOf = (key: string) => cached(`notes:${key}`, () => db.get('customerNotes', key));
  // Staff hid the customer from seller pages (their notes): no badge, no card.
  const hiddenOnPages = async (key: string) => (await notesOf(key))?.hideOnPages === true;
  /** A `v: 3` profile whole: its facts scored again, with its build's base. */
  const scoredAgain = async (key: string, stored: StoredProfile): Promise<Profile | undefined> => {
    if (isScored(stored)) return stored;
    const [{ records, digests }, kept, notes, base] = await Promise.all([
      // Few customers have kept dates: read whole once, not once per row.
      customersIn(key), cached('keptDates', () => allKeptDates(db)).then((all) => all.get(key)), notesOf(key),
      baseOfBuild(db, stored.built),
    ]);
    const scored = customerInBucket(records, digests(), key, kept, notes);
    return profileOf(stored, scored, base);
  };
  let shopList = shopLists.get(db);
  if (!shopList) shopLists.set(db, (shopList = db.getAll('shops')));
  const allShops = shopList;

  async function keysFor(ref: Ref): Promise<string[]> {
    if (ref.kind === 'id') {
      // On a page no adapter knows, a buyer id could be any platform's; and any of that platform's shops'.
      const shops = allShops.then((all) => all.filter((shop) => !platform || shop.platform === platform).map((shop) => shop.id));
      const keys = [...new Set([...(platform ? [platform] : PLATFORMS), ...(await shops)])].map((shop) => `${shop}:${ref.value}`);
      const found = await Promise.all(keys.map(async (key) => ((await customerOf(key)) ? key : null)));
      return found.filter((key): key is string => key !== null);
    }
    const alias = aliasKey[ref.kind](ref.value);
    return (await bucket<string[]>('aliases', alias))[alias] ?? [];
  }

  async function view(key: string): Promise<BadgeView | null> {
    const [customer, hidden] = await Promise.all([customerOf(key), hiddenOnPages(key)]);
    if (!customer || hidden) return null;
    // The rescore of the touched customers over the whole one, where it found them.
    const [profiles, rescored] = await Promise.all([bucket<StoredProfile>('profiles', key), rescoredOf(key)]);
    const stored = rescored?.profile ?? profiles[key];
    const profile = stored && (await scoredAgain(key, stored));
    const recency = typeof profile?.facts.recencyDays === 'number' ? profile.facts.recencyDays : null;
    return {
      customerKey: key,
      buyerId: customer.buyerId,
      ...badgesOf(profile, language),
      summary: SUMMARY[language](customer, recency),
      followUpsOpen: profile?.followUps.length ?? 0,
    };
  }

  async function resolve(refs: readonly Ref[]): Promise<RowMatch> {
    for (const ref of byStrength(refs)) {
      const keys = await keysFor(ref);
      if (keys.length > 1) {
        const candidates = await Promise.all(keys.map(async (key) => (await customerOf(key))?.buyerId ?? key));
        return { kind: 'ambiguous', candidates };
      }
      if (keys.length === 1) {
        const found = await view(keys[0]!);
        if (found) return { kind: 'customer', view: found };
      }
    }
    return { kind: 'none' };
  }

  return Promise.all(rows.map(resolve));
}
