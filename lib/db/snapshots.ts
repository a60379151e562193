import type { IDBPObjectStore, StoreNames } from 'idb';
import { daysToKeep, extendPath, keyHashes, movedCustomers, movement, SnapshotReader, withPatch, type MovedCell, type PathStep, type Movement, type MovementDimension, type SnapshotRecord } from '../snapshots';
import type { Database, TiermarkDB } from './schema';

/**
 * A day's snapshot is the record a whole rescore (or a rebuild of past months) wrote, with the
 * standings the day's rescores of the touched found since over it (`snapshotPatches`): read
 * together, in one transaction, so no reader sees one without the other.
 */
export async function snapshotOf(db: Database, day: number): Promise<SnapshotRecord | undefined> {
  const [record, patch] = await dayRecords(db, day);
  return record && withPatch(record, patch);
}

function dayRecords(db: Database, day: number) {
  const tx = db.transaction(['snapshots', 'snapshotPatches']);
  return Promise.all([tx.objectStore('snapshots').get(day), tx.objectStore('snapshotPatches').get(day)]);
}

type Writable<Name extends 'snapshots' | 'snapshotPatches'> = IDBPObjectStore<TiermarkDB, ArrayLike<StoreNames<TiermarkDB>>, Name, 'readwrite'>;

/**
 * Puts a day's snapshot whole (`record`, none to only thin), which its patch no longer lies over,
 * and lets go of the kept `days` not in `keep`, with their patches.
 */
export async function putSnapshotDays(snapshots: Writable<'snapshots'>, patches: Writable<'snapshotPatches'>, record: SnapshotRecord | null, days: readonly number[], keep: ReadonlySet<number>): Promise<void> {
  const patched = (await patches.getAllKeys()) as number[];
  await Promise.all([
    record && snapshots.put(record),
    ...days.filter((day) => !keep.has(day)).map((day) => snapshots.delete(day)),
    ...patched.filter((day) => !keep.has(day) || day === record?.day).map((day) => patches.delete(day)),
  ]);
}

/** Keeps a rescore's snapshot (replacing one of the same day), and lets the older ones thin out as they age. */
export async function writeSnapshot(db: Database, record: SnapshotRecord): Promise<void> {
  const tx = db.transaction(['snapshots', 'snapshotPatches'], 'readwrite');
  const days = (await tx.objectStore('snapshots').getAllKeys()) as number[];
  const keep = new Set(daysToKeep([...days, record.day], record.day));
  await Promise.all([putSnapshotDays(tx.objectStore('snapshots'), tx.objectStore('snapshotPatches'), record, days, keep), tx.done]);
}

/** The days snapshots are kept for, oldest first. */
export async function snapshotDays(db: Database): Promise<number[]> {
  return ((await db.getAllKeys('snapshots')) as number[]).sort((a, b) => a - b);
}

/** Movement between two kept days; null when either is gone. */
export async function movementBetween(db: Database, fromDay: number, toDay: number, dimension: MovementDimension): Promise<Movement | null> {
  const [from, to] = await Promise.all([snapshotOf(db, fromDay), snapshotOf(db, toDay)]);
  return from && to ? movement(from, to, dimension) : null;
}

/** The key hashes of a movement cell's customers; none when either day is no longer kept. */
export async function movedBetween(db: Database, cell: MovedCell): Promise<{ first: Uint32Array; second: Uint32Array }> {
  const [from, to] = await Promise.all([snapshotOf(db, cell.fromDay), snapshotOf(db, cell.toDay)]);
  return from && to ? movedCustomers(from, to, cell) : { first: new Uint32Array(0), second: new Uint32Array(0) };
}

/** The snapshot of the latest day before a day, to read customers' standing from; null when none is kept. */
export async function snapshotBefore(db: Database, day: number): Promise<SnapshotReader | null> {
  const earlier = (await snapshotDays(db)).filter((kept) => kept < day).at(-1);
  const record = earlier === undefined ? undefined : await snapshotOf(db, earlier);
  return record ? new SnapshotReader(record) : null;
}

/** A customer's path through tiers, RFM segments and stages over the kept days, oldest first; one snapshot read at a time. */
export async function customerPath(db: Database, key: string): Promise<PathStep[]> {
  const hashes = keyHashes(key);
  const path: PathStep[] = [];
  for (const day of await snapshotDays(db)) {
    const [record, patch] = await dayRecords(db, day);
    if (!record) continue;
    // One customer: found in the day's patch, else in its record, not the two merged.
    const inPatch = patch && new SnapshotReader(patch).standingOf(hashes);
    const standing = inPatch ?? new SnapshotReader(record).standingOf(hashes);
    if (standing) extendPath(path, inPatch ? patch : record, standing);
  }
  return path;
}
