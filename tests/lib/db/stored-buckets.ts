import type { ChangedStore } from '../../../lib/db/buckets';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importFile } from '../../../lib/db/importer';
import type { Database } from '../../../lib/db/schema';
import { FIXTURES, importable } from '../../helpers';

/**
 * A bucketed store's entries by bucket as its readers must see them: each record's text parsed,
 * with the changes imports kept beside it assigned over it, here and not by the store's own reader.
 * `digests` reads the customers' order digests instead of their aggregates.
 */
export async function entriesByBucket<T>(db: Database, store: ChangedStore, field: 'json' | 'digests' = 'json'): Promise<Map<number, Record<string, T>>> {
  const [records, changes] = await Promise.all([db.getAll(store), db.getAll('bucketChanges')]);
  const buckets = new Map<number, Record<string, T>>();
  for (const record of records) buckets.set(record.bucket, JSON.parse((record as { digests?: string; json: string })[field] ?? '{}') as Record<string, T>);
  for (const change of changes) {
    if (change.store === store) buckets.set(change.bucket, Object.assign(buckets.get(change.bucket) ?? {}, JSON.parse(change[field] ?? '{}') as Record<string, T>));
  }
  return buckets;
}

/** Every entry of a bucketed store, merged as above. */
export async function storedEntries<T>(db: Database, store: ChangedStore, field: 'json' | 'digests' = 'json'): Promise<Record<string, T>> {
  return Object.assign({}, ...(await entriesByBucket<T>(db, store, field)).values()) as Record<string, T>;
}

/** Imports a fixture (its path under tests/fixtures) into the store as the dashboard does, in 4 kB chunks. */
export async function importFixture(db: Database, path: string, timeZone: string, format?: 'generic'): Promise<void> {
  const bytes = new Uint8Array(readFileSync(join(FIXTURES, path)));
  await importFile(db, await importable(path.split('/').pop()!, bytes, 4096), { timeZone, ...(format && { format }) });
}
