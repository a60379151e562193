import { daysToKeep, extendPath, keyHashes, movedCustomers, movement, SnapshotReader, type MovedCell, type PathStep, type Movement, type MovementDimension, type SnapshotRecord } from '../snapshots';
import type { Database } from './schema';

/** Keeps a rescore's snapshot (replacing one of the same day), and lets the older ones thin out as they age. */
export async function writeSnapshot(db: Database, record: SnapshotRecord): Promise<void> {
  const tx = db.transaction('snapshots', 'readwrite');
  const days = (await tx.store.getAllKeys()) as number[];
  const keep = new Set(daysToKeep([...days, record.day], record.day));
  await Promise.all([tx.store.put(record), ...days.filter((day) => !keep.has(day)).map((day) => tx.store.delete(day)), tx.done]);
}

/** The days snapshots are kept for, oldest first. */
export async function snapshotDays(db: Database): Promise<number[]> {
  return ((await db.getAllKeys('snapshots')) as number[]).sort((a, b) => a - b);
}

/** Movement between two kept days; null when either is gone. */
export async function movementBetween(db: Database, fromDay: number, toDay: number, dimension: MovementDimension): Promise<Movement | null> {
  const [from, to] = await Promise.all([db.get('snapshots', fromDay), db.get('snapshots', toDay)]);
  return from && to ? movement(from, to, dimension) : null;
}

/** The key hashes of a movement cell's customers; none when either day is no longer kept. */
export async function movedBetween(db: Database, cell: MovedCell): Promise<{ first: Uint32Array; second: Uint32Array }> {
  const [from, to] = await Promise.all([db.get('snapshots', cell.fromDay), db.get('snapshots', cell.toDay)]);
  return from && to ? movedCustomers(from, to, cell) : { first: new Uint32Array(0), second: new Uint32Array(0) };
}

/** The snapshot of the latest day before a day, to read customers' standing from; null when none is kept. */
export async function snapshotBefore(db: Database, day: number): Promise<SnapshotReader | null> {
  const earlier = (await snapshotDays(db)).filter((kept) => kept < day).at(-1);
  const record = earlier === undefined ? undefined : await db.get('snapshots', earlier);
  return record ? new SnapshotReader(record) : null;
}

/** A customer's path through tiers, RFM segments and stages over the kept days, oldest first; one snapshot read at a time. */
export async function customerPath(db: Database, key: string): Promise<PathStep[]> {
  const hashes = keyHashes(key);
  const path: PathStep[] = [];
  for (const day of await snapshotDays(db)) {
    const record = await db.get('snapshots', day);
    const standing = record && new SnapshotReader(record).standingOf(hashes);
    if (record && standing) extendPath(path, record, standing);
  }
  return path;
}
