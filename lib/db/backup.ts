import type { ShopSettings } from '../settings';
import { bucketSlices, type BucketedStore } from './slices';
import { BUCKETS } from './buckets';
import { profilesText, readProfiles } from './profile-bucket';
import { scoredAgainContext, wholeProfiles } from './profile-facts';
import { DB_VERSION, shopsOfPlatforms, type Database } from './schema';
import type { ImportRecord } from './ledger';
import { both, SellerError, type Localised } from '../localised';
import { pacer, pause } from '../pace';

/** What a backup holds: every store a rescore or an import cannot rebuild by itself, and the shop's settings. */
const BACKED_UP = ['orders', 'customers', 'aliases', 'imports', 'meta', 'profiles', 'followups', 'ruleFiles', 'shops', 'keptDates', 'customerNotes', 'abTests'] as const;
type BackedUp = (typeof BACKED_UP)[number];
const BUCKETED = new Set<BackedUp>(['orders', 'customers', 'aliases', 'profiles', 'followups']);
/** Every store, for deleting all data: the backed-up ones, an import's staging and what rescores and imports rebuild. */
const ALL_STORES = [...BACKED_UP, 'staged', 'stagedAliases', 'badgeShards', 'customerTable', 'snapshots', 'snapshotPatches', 'touched', 'rescored', 'aliasDigests', 'bucketChanges'] as const;
/** Records the next rescore writes again: the badge index's head goes with its shards, the rescore of the touched with its stores. */
const REBUILT_META = new Set(['badgeIndex', 'touched', 'rescoreBase', 'badgePatch', 'restoring']);
const rebuilt = (store: BackedUp, record: unknown) => {
  const id = store === 'meta' ? ((record as { id?: string }).id ?? '') : '';
  // A profiles' base holds the fitted models, whose typed arrays and maps a line of JSON does not carry: the restore's rescore fits them again.
  return REBUILT_META.has(id) || id.startsWith('profileBase:');
};

export const BACKUP_FORMAT = 'tiermark-backup';

/**
 * A backup file checked by `readBackupFile`: its header, how many records of each store it holds,
 * and the file to read them from when it is restored. No record is held: a million customers'
 * backup is some 2.5 GB of JSON once unpacked.
 */
export interface Backup {
  format: typeof BACKUP_FORMAT;
  /** The store's schema version the records are in. */
  schemaVersion: number;
  createdAt: number;
  settings: ShopSettings | null;
  counts: Record<BackedUp, number>;
  /** How many customers it holds, from its own count record (no bucket is parsed for it). */
  customers: number;
  file: Blob;
  fileName: string;
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
  shops: (r) => typeof r.id === 'string' && typeof r.platform === 'string',
  keptDates: (r) => typeof r.key === 'string' && Array.isArray(r.dates),
  customerNotes: (r) => typeof r.key === 'string' && typeof r.note === 'string' && Array.isArray(r.tags),
  abTests: (r) => typeof r.id === 'string' && typeof r.name === 'string' && Array.isArray(r.groups),
};
const BUCKET = both('a bucket: a whole-number "bucket" and "json" text', '一个分桶：整数 "bucket" 和文字 "json"');
const EXPECTED: Record<BackedUp, Localised> = {
  orders: BUCKET, customers: BUCKET, aliases: BUCKET, profiles: BUCKET, followups: BUCKET,
  imports: both('an import record with "id" and "hash" text', '一条导入记录：文字 "id" 和 "hash"'),
  meta: both('a record with "id" text', '一条记录：文字 "id"'),
  ruleFiles: both('a rule file with "file" and "text"', '一个规则文件："file" 和 "text"'),
  shops: both('a shop with "id" and "platform" text', '一个店铺：文字 "id" 和 "platform"'),
  keptDates: both('a customer\'s dates: "key" text and a "dates" list', '一位客户的日期：文字 "key" 和列表 "dates"'),
  customerNotes: both('a customer\'s notes: "key" and "note" text and a "tags" list', '一位客户的备注：文字 "key"、"note" 和列表 "tags"'),
  abTests: both('an A/B test: "id" and "name" text and a "groups" list', '一个 A/B 测试：文字 "id"、"name" 和列表 "groups"'),
};
/** The store version before shops: its backups restore, each import into its platform's first shop (as the v4 migration does). */
const BEFORE_SHOPS = 3;
/**
 * Whether a version's backups restore here: every one since shops (those from before kept dates or
 * notes have none; a badge index, customer table or alias digest is never in one). Versions 9 and 10
 * left 8's backups behind until this was a range: a migration that changes what a backed-up store
 * holds must say here from which version on.
 */
const restorable = (version: number) => Number.isInteger(version) && version >= BEFORE_SHOPS && version <= DB_VERSION;

/** Buckets read at a time: each read's results become objects on the page's thread. */
const SLICE = 32;

/** A record as a backup line holds it: text only. */
function asBackedUp(store: BackedUp, record: unknown): unknown {
  // A customers bucket's order digests are made again from the orders by the next rescore.
  if (store === 'customers') return { ...(record as object), digests: undefined };
  // Where each entry lies in an orders or alias bucket: numbers, made again by its next write whole.
  if (store === 'orders' || store === 'aliases') return { ...(record as object), at: undefined };
  return record;
}

/** A store's records: a slice of buckets at a time (each whole, with the changes kept beside it), or all at once. */
async function* recordsOf(db: Database, store: BackedUp): AsyncGenerator<unknown[]> {
  if (!BUCKETED.has(store)) {
    yield await db.getAll(store);
    return;
  }
  if (store === 'profiles') {
    yield* wholeProfileBuckets(db);
    return;
  }
  for await (const slice of bucketSlices(db, [store as BucketedStore], SLICE)) yield Object.values(slice)[0] as unknown[];
}

/**
 * Profile buckets as text with every fact: those the whole rescore wrote without (`v: 3`) scored
 * again with its base, which a backup leaves out (see `rebuilt`). So a restored shop's cards and
 * badges are whole before its rescore, and a release before `v: 3` restores them too.
 */
async function* wholeProfileBuckets(db: Database): AsyncGenerator<unknown[]> {
  const context = await scoredAgainContext(db);
  for await (const { profiles, customers } of bucketSlices(db, ['profiles', 'customers'], SLICE)) {
    const customersOf = new Map(customers.map((stored) => [stored.bucket, stored]));
    yield profiles.map((stored) => ({ bucket: stored.bucket, json: profilesText(wholeProfiles(readProfiles(stored), customersOf.get(stored.bucket), context).values()) }));
  }
}

/**
 * Everything to restore the shop elsewhere, as JSON lines: a header, a line per record, and an end
 * line with the count per store (a file cut short has none). Made a slice of buckets at a time as
 * the file is written, yielding between slices: a million customers' lines held at once took the
 * page to 3.7 GB.
 */
export async function* backupLines(db: Database, settings: ShopSettings | null, onProgress?: (share: number) => void): AsyncGenerator<string> {
  yield `${JSON.stringify({ format: BACKUP_FORMAT, schemaVersion: DB_VERSION, createdAt: Date.now(), settings })}\n`;
  const counts = Object.fromEntries(BACKED_UP.map((store) => [store, 0])) as Record<BackedUp, number>;
  // Progress by slices of buckets, where nearly all the time goes: a million customers' orders alone
  // took a minute, which a bar moved once per store left standing.
  const slices = BUCKETED.size * Math.ceil(BUCKETS / SLICE);
  let sliced = 0;
  for (const store of BACKED_UP) {
    for await (const read of recordsOf(db, store)) {
      for (const record of read) {
        if (rebuilt(store, record)) continue;
        yield `${JSON.stringify({ store, record: asBackedUp(store, record) })}\n`;
        counts[store] += 1;
      }
      if (BUCKETED.has(store)) onProgress?.(Math.min(1, ++sliced / slices));
      await pause();
    }
  }
  onProgress?.(1);
  yield `${JSON.stringify({ end: true, counts })}\n`;
}

/** A backup as one gzip file (the buckets are JSON text, which compresses about tenfold), compressed as its lines come. */
export async function compressBackup(lines: AsyncIterable<string> | Iterable<string>): Promise<Blob> {
  const encoder = new TextEncoder();
  const pace = pacer();
  const next = Symbol.asyncIterator in lines ? lines[Symbol.asyncIterator]() : lines[Symbol.iterator]();
  const source = new ReadableStream<Uint8Array<ArrayBuffer>>({
    async pull(controller) {
      await pace();
      const line = await next.next();
      if (line.done) controller.close();
      else controller.enqueue(encoder.encode(line.value));
    },
  });
  return new Response(source.pipeThrough(new CompressionStream('gzip'))).blob();
}

/** Thrown for a file that is not a backup this Tiermark can restore; the message says where and what. */
export class BackupProblem extends SellerError {}

type BackupHeader = Pick<Backup, 'format' | 'schemaVersion' | 'createdAt' | 'settings'>;

/** A backup's line as read: its header, a record of a store, or its end. */
type BackupLine = { kind: 'header'; header: BackupHeader } | { kind: 'record'; store: BackedUp; record: Record<string, unknown> } | { kind: 'end'; counts: Record<string, number> };

/**
 * Each line of a backup file, gunzipped, parsed and checked against its store, a line at a time: a
 * BackupProblem names the file, the line and what was expected. Read once to check a file, and
 * again to restore it.
 */
async function* backupFileLines(file: Blob, fileName: string, onShare?: (share: number) => void): AsyncGenerator<BackupLine> {
  const fail = (where: string, message: Localised): never => {
    const place = where.replace(/^line (\d+)/, (_, n: string) => `第 ${n} 行`);
    throw new BackupProblem(both(`${fileName}: ${where}: ${message.en}`, `${fileName}：${place}：${message['zh-CN']}`));
  };
  const makeNew = both('Make a new backup, or restore another one.', '请重新备份，或恢复另一个备份。');
  const chooseOurs = both('Choose a file made by "Back up" on this page.', '请选择本页“备份”生成的文件。');
  let headed = false;
  let ended = false;
  let lineNumber = 0;
  const take = (line: string): BackupLine | null => {
    lineNumber += 1;
    if (line.trim() === '') return null;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      fail(`line ${lineNumber}`, both(`the backup is damaged (this line is not complete JSON). ${makeNew.en}`, `备份已损坏（这一行不是完整的 JSON）。${makeNew['zh-CN']}`));
    }
    const entry = value as Record<string, unknown>;
    if (!headed) {
      if (entry?.format !== BACKUP_FORMAT) fail('line 1: /format', both(`expected "${BACKUP_FORMAT}": this is not a Tiermark backup. ${chooseOurs.en}`, `应为 "${BACKUP_FORMAT}"：这不是 Tiermark 备份。${chooseOurs['zh-CN']}`));
      if (!restorable(entry.schemaVersion as number)) {
        const version = String(entry.schemaVersion);
        fail('line 1: /schemaVersion', both(
          `the backup's store version is ${version}, this Tiermark's is ${DB_VERSION}. Restore it with the Tiermark version that made it, or import the order exports again.`,
          `备份的数据版本是 ${version}，当前 Tiermark 的是 ${DB_VERSION}。请用生成它的 Tiermark 版本恢复，或重新导入订单报表。`,
        ));
      }
      headed = true;
      const { format, schemaVersion, createdAt, settings } = entry as unknown as BackupHeader;
      return { kind: 'header', header: { format, schemaVersion, createdAt, settings: settings ?? null } };
    }
    if (ended) fail(`line ${lineNumber}`, both('expected nothing after the end of the backup; the file was edited.', '备份结束后不应再有内容；文件被修改过。'));
    if (entry?.end === true) {
      ended = true;
      return { kind: 'end', counts: (entry.counts ?? {}) as Record<string, number> };
    }
    const store = entry?.store as BackedUp;
    if (!BACKED_UP.includes(store)) fail(`line ${lineNumber}: /store`, both(`expected one of ${BACKED_UP.join(', ')}.`, `应为 ${BACKED_UP.join('、')} 之一。`));
    const record = entry.record;
    if (typeof record !== 'object' || record === null || !KEY_OF[store](record as Record<string, unknown>)) fail(`line ${lineNumber}: /record`, both(`expected ${EXPECTED[store].en}.`, `应为${EXPECTED[store]['zh-CN']}。`));
    return { kind: 'record', store, record: record as Record<string, unknown> };
  };

  const reader = file.stream().pipeThrough(new DecompressionStream('gzip')).pipeThrough(new TextDecoderStream()).getReader();
  const pace = pacer();
  let rest = '';
  let bytes = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<string>;
    try {
      chunk = await reader.read();
    } catch {
      if (lineNumber === 0) fail('line 1', both(`not a Tiermark backup (it is not a gzip file). ${chooseOurs.en}`, `不是 Tiermark 备份（不是 gzip 文件）。${chooseOurs['zh-CN']}`));
      fail(`line ${lineNumber + 1}`, both(`the backup is cut short or damaged. ${makeNew.en}`, `备份不完整或已损坏。${makeNew['zh-CN']}`));
    }
    if (chunk!.done) break;
    bytes += chunk!.value.length;
    const lines = (rest + chunk!.value).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      const taken = take(line);
      if (taken) yield taken;
      await pace();
    }
    onShare?.(Math.min(0.99, bytes / Math.max(1, file.size * 8)));
  }
  const last = take(rest);
  if (last) yield last;
  if (!headed) fail('line 1', both(`the file is empty. ${chooseOurs.en}`, `文件是空的。${chooseOurs['zh-CN']}`));
  if (!ended) fail(`line ${lineNumber}`, both(`the backup is cut short: its end line is missing. ${makeNew.en}`, `备份不完整：缺少结尾行。${makeNew['zh-CN']}`));
}

/**
 * Checks a backup file, every line of it, holding no record: a BackupProblem names the file, the
 * line and what was expected. Nothing is written here.
 */
export async function readBackupFile(file: Blob, fileName: string, onProgress?: (share: number) => void): Promise<Backup> {
  const counts = Object.fromEntries(BACKED_UP.map((store) => [store, 0])) as Record<BackedUp, number>;
  let header: BackupHeader | null = null;
  let end: Record<string, number> = {};
  let customers = 0;
  for await (const line of backupFileLines(file, fileName, onProgress)) {
    if (line.kind === 'header') header = line.header;
    else if (line.kind === 'end') end = line.counts;
    else {
      counts[line.store] += 1;
      if (line.store === 'meta' && line.record.id === 'counts') customers = Number((line.record as { customers?: number }).customers ?? 0);
    }
  }
  for (const store of BACKED_UP) {
    // A backup from before shops has none: they are made from its imports as it is restored.
    if (store === 'shops' && header!.schemaVersion === BEFORE_SHOPS) continue;
    const expected = end[store] ?? 0;
    if (counts[store] !== expected) {
      throw new BackupProblem(both(
        `${fileName}: /counts/${store}: the backup says ${expected} records of ${store} but holds ${counts[store]}; the file was edited.`,
        `${fileName}：/counts/${store}：备份记录了 ${expected} 条 ${store}，实际只有 ${counts[store]} 条；文件被修改过。`,
      ));
    }
  }
  onProgress?.(1);
  return { ...header!, counts, customers, file, fileName };
}

/**
 * Marks a store a restore is writing: put in the transaction that empties it, deleted in the one
 * that writes its last records. Left by a restore that stopped midway (the page closed, the disk
 * full), it tells the seller the shop holds only part of a backup, and no rescore runs on it.
 */
export interface RestoreMark {
  id: 'restoring';
  fileName: string;
  startedAt: number;
  records: number;
}

/** Text of records written per transaction as a backup is restored: some megabytes, not the whole file at once. */
const RESTORE_BATCH_CHARS = 16 * 1024 * 1024;

/**
 * Replaces the whole store with a checked backup, read from its file again a line at a time and
 * written a batch of records per transaction: a million customers' records put in one transaction
 * were all held by the page. A restore that stops midway leaves its mark (see RestoreMark).
 */
export async function restoreBackup(db: Database, backup: Backup, onProgress?: (share: number) => void, batchChars = RESTORE_BATCH_CHARS): Promise<void> {
  const lines = backupFileLines(backup.file, backup.fileName);
  // The file read again and still the backup checked, before anything here is emptied.
  const first = await lines.next();
  if (first.done || first.value.kind !== 'header' || first.value.header.createdAt !== backup.createdAt) {
    throw new BackupProblem(both(`${backup.fileName}: the file changed since it was checked. Choose it again.`, `${backup.fileName}：文件在检查之后被改动了。请重新选择该文件。`));
  }
  const total = BACKED_UP.reduce((sum, store) => sum + backup.counts[store], 0);
  const mark: RestoreMark = { id: 'restoring', fileName: backup.fileName, startedAt: Date.now(), records: total };
  const emptied = db.transaction([...ALL_STORES], 'readwrite');
  await Promise.all([...ALL_STORES.map((store) => emptied.objectStore(store).clear()), emptied.objectStore('meta').put(mark), emptied.done]);
  // A backup from before shops: its imports are put last, each into its platform's first shop.
  const heldImports: ImportRecord[] = [];
  let batch: Array<{ store: BackedUp; record: unknown }> = [];
  let chars = 0;
  let written = 0;
  const write = async (last: boolean) => {
    const tx = db.transaction([...BACKED_UP], 'readwrite');
    const puts: Array<Promise<unknown>> = batch.map(({ store, record }) => tx.objectStore(store).put(record as never));
    if (last) {
      const { records, shops } = shopsOfPlatforms(heldImports);
      puts.push(...records.map((record) => tx.objectStore('imports').put(record)), ...shops.map((shop) => tx.objectStore('shops').put(shop)), tx.objectStore('meta').delete('restoring'));
    }
    await Promise.all([...puts, tx.done]);
    written += batch.length;
    onProgress?.(written / Math.max(1, total));
    batch = [];
    chars = 0;
  };
  for await (const line of lines) {
    if (line.kind !== 'record') continue;
    if (line.store === 'imports' && backup.schemaVersion === BEFORE_SHOPS) {
      heldImports.push(line.record as unknown as ImportRecord);
      continue;
    }
    batch.push(line);
    chars += typeof line.record.json === 'string' ? line.record.json.length : 256;
    if (chars >= batchChars) await write(false);
  }
  await write(true);
}

/** The mark of a restore that stopped midway, if one did (see RestoreMark). */
export const unfinishedRestore = async (db: Database): Promise<RestoreMark | undefined> => (await db.get('meta', 'restoring')) as RestoreMark | undefined;

/** Deletes every customer, order, score, follow-up, rule file and import record, in one transaction. */
export async function deleteAllData(db: Database): Promise<void> {
  const tx = db.transaction([...ALL_STORES], 'readwrite');
  await Promise.all([...ALL_STORES.map((store) => tx.objectStore(store).clear()), tx.done]);
}
