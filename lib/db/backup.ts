import type { ShopSettings } from '../settings';
import { DB_VERSION, type Database } from './schema';

/** What a backup holds: every store a rescore or an import cannot rebuild by itself, and the shop's settings. */
const BACKED_UP = ['orders', 'customers', 'aliases', 'imports', 'meta', 'profiles', 'followups', 'ruleFiles'] as const;
type BackedUp = (typeof BACKED_UP)[number];
/** Every store, for deleting all data: the backed-up ones and an import's staging. */
const ALL_STORES = [...BACKED_UP, 'staged', 'stagedAliases'] as const;

export const BACKUP_FORMAT = 'tiermark-backup';

export interface Backup {
  format: typeof BACKUP_FORMAT;
  /** The store's schema version the records are in. */
  schemaVersion: number;
  createdAt: number;
  settings: ShopSettings | null;
  stores: Record<BackedUp, unknown[]>;
}

/** The key path of each store's records, to check a backup's records before any is written. */
const KEY_OF: Record<BackedUp, (record: Record<string, unknown>) => boolean> = {
  orders: (r) => Number.isInteger(r.bucket) && typeof r.json === 'string',
  customers: (r) => Number.isInteger(r.bucket) && typeof r.json === 'string',
  aliases: (r) => Number.isInteger(r.bucket) && typeof r.json === 'string',
  profiles: (r) => Number.isInteger(r.bucket) && typeof r.json === 'string',
  followups: (r) => Number.isInteger(r.bucket) && typeof r.json === 'string',
  imports: (r) => typeof r.id === 'string' && typeof r.hash === 'string',
  meta: (r) => typeof r.id === 'string',
  ruleFiles: (r) => typeof r.file === 'string' && typeof r.text === 'string',
};
const EXPECTED: Record<BackedUp, string> = {
  orders: 'a bucket: a whole-number "bucket" and "json" text',
  customers: 'a bucket: a whole-number "bucket" and "json" text',
  aliases: 'a bucket: a whole-number "bucket" and "json" text',
  profiles: 'a bucket: a whole-number "bucket" and "json" text',
  followups: 'a bucket: a whole-number "bucket" and "json" text',
  imports: 'an import record with "id" and "hash" text',
  meta: 'a record with "id" text',
  ruleFiles: 'a rule file with "file" and "text"',
};

/** Everything to restore the shop elsewhere: read in one transaction, so the stores agree. */
export async function backupOf(db: Database, settings: ShopSettings | null): Promise<Backup> {
  const tx = db.transaction([...BACKED_UP]);
  const read = await Promise.all(BACKED_UP.map((store) => tx.objectStore(store).getAll()));
  await tx.done;
  return { format: BACKUP_FORMAT, schemaVersion: DB_VERSION, createdAt: Date.now(), settings, stores: Object.fromEntries(BACKED_UP.map((store, i) => [store, read[i]!])) as Backup['stores'] };
}

/** Thrown for a file that is not a backup this Tiermark can restore; the message says where and what. */
export class BackupProblem extends Error {}

/** Checks a parsed backup completely, naming the first problem by its JSON pointer; nothing is written here. */
export function checkBackup(value: unknown, fileName: string): Backup {
  const fail = (pointer: string, message: string): never => {
    throw new BackupProblem(`${fileName}: ${pointer}: ${message}`);
  };
  if (typeof value !== 'object' || value === null || (value as { format?: unknown }).format !== BACKUP_FORMAT) {
    fail('/format', `expected "${BACKUP_FORMAT}": this is not a Tiermark backup. Choose a file made by "Back up" on this page.`);
  }
  const backup = value as Partial<Backup>;
  if (backup.schemaVersion !== DB_VERSION) {
    fail('/schemaVersion', `the backup's store version is ${String(backup.schemaVersion)}, this Tiermark's is ${DB_VERSION}. Restore it with the Tiermark version that made it, or import the order exports again.`);
  }
  if (typeof backup.stores !== 'object' || backup.stores === null) fail('/stores', 'expected the stores of the backup; the file is cut short or edited.');
  for (const store of BACKED_UP) {
    const records = (backup.stores as Record<string, unknown>)[store];
    if (!Array.isArray(records)) fail(`/stores/${store}`, 'expected a list of records; the file is cut short or edited.');
    (records as unknown[]).forEach((record, i) => {
      if (typeof record !== 'object' || record === null || !KEY_OF[store](record as Record<string, unknown>)) fail(`/stores/${store}/${i}`, `expected ${EXPECTED[store]}.`);
    });
  }
  return backup as Backup;
}

/** Replaces the whole store with a checked backup, in one transaction: all of it or, on any failure, none. */
export async function restoreBackup(db: Database, backup: Backup): Promise<void> {
  const tx = db.transaction([...ALL_STORES], 'readwrite');
  await Promise.all([
    ...ALL_STORES.map((store) => tx.objectStore(store).clear()),
    ...BACKED_UP.flatMap((store) => (backup.stores[store] as never[]).map((record) => tx.objectStore(store).put(record))),
    tx.done,
  ]);
}

/** Deletes every customer, order, score, follow-up, rule file and import record, in one transaction. */
export async function deleteAllData(db: Database): Promise<void> {
  const tx = db.transaction([...ALL_STORES], 'readwrite');
  await Promise.all([...ALL_STORES.map((store) => tx.objectStore(store).clear()), tx.done]);
}

/** A backup as one gzip file (the buckets are JSON text, which compresses about tenfold). */
export async function compressBackup(backup: Backup): Promise<Blob> {
  const stream = new Blob([JSON.stringify(backup)]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Response(stream).blob();
}

/** Reads a backup file: gunzipped, parsed and checked, or a BackupProblem saying why not. */
export async function readBackupFile(file: Blob, fileName: string): Promise<Backup> {
  let text: string;
  try {
    text = await new Response(file.stream().pipeThrough(new DecompressionStream('gzip'))).text();
  } catch {
    throw new BackupProblem(`${fileName}: not a Tiermark backup (it is not a gzip file). Choose a file made by "Back up" on this page.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BackupProblem(`${fileName}: the backup is damaged (its contents are not complete JSON). Make a new backup, or restore another one.`);
  }
  return checkBackup(parsed, fileName);
}
