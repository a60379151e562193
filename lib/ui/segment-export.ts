import type { TableQueries } from '../db/customer-table';
import { pseudonymSecret, pseudonymsOf } from '../db/pseudonyms';
import { saveAbTest } from '../db/ab-tests';
import type { AbTest } from '../ab-test';
import { minorDigits } from '../money';
import { splitSegment, type Segment, type SegmentMember, type SplitRequest } from '../segments';
import { csvBytes, excelCsvInSlices, type CsvEncoding } from './csv-export';
import { localised, translator, type Language } from './i18n';

/**
 * A segment's customers as Excel opens them: one row each, money in the shop currency's major
 * units. With `pseudonyms` (one per row), anonymised: a pseudonymous id instead of the buyer id,
 * names, emails and phones.
 */
export function segmentCsv(rows: readonly SegmentMember[], language: Language, timeZone: string, group?: string, onProgress?: (share: number) => void, pseudonyms?: readonly string[]): Promise<string> {
  const t = translator(language);
  const date = new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short' });
  const who = pseudonyms ? [t('csv.pseudonym')] : [t('csv.buyer'), t('csv.names'), t('csv.emails'), t('csv.phones')];
  const header = [...(group ? [t('csv.group')] : []), ...who, t('colTier'), t('colOrders'), t('colSpend'), t('colAov'), t('colLastOrder'), 'RFM', t('csv.churnRisk')];
  const place = new Map(rows.map((row, i) => [row, i]));
  return excelCsvInSlices(
    header,
    rows,
    (row) => [
      ...(group ? [group] : []),
      ...(pseudonyms ? [pseudonyms[place.get(row)!]!] : [row.buyerId, row.names.join('; '), row.emails.join('; '), row.phones.join('; ')]),
      row.tier ? localised(row.tier.label, language) : '',
      row.orderCount,
      (row.monetaryMinor / 10 ** minorDigits(row.currency)).toFixed(minorDigits(row.currency)),
      row.avgOrderValue ?? '',
      date.format(row.lastOrderAt),
      row.rfmCode ?? '',
      row.churnRisk ?? '',
    ],
    onProgress,
  );
}

/** A file of an export: the group's letter in a split (none for the whole segment), its customers and its bytes. */
export interface SegmentFile {
  group: string | null;
  customers: number;
  blob: Blob;
}

export interface SegmentFilesRequest {
  language: Language;
  timeZone: string;
  encoding: CsvEncoding;
  /** Groups of these sizes drawn at random with the seed (an A/B test); none exports the whole segment. */
  split?: Pick<SplitRequest, 'seed'> & { sizes: number[] };
  /** Without names, emails or phones: a pseudonymous id per customer instead (see lib/db/pseudonyms.ts). */
  anonymous?: boolean;
  /** A split saved as an A/B test of this name; with `holdout`, the last group is sent nothing. */
  test?: { name: string; holdout: boolean };
}

/**
 * A segment's export: one file of every member, or one per group of a split. Null when the split
 * asks for more customers than the segment has.
 */
export async function segmentFiles(members: readonly SegmentMember[], request: SegmentFilesRequest, onProgress?: (share: number) => void, secret?: string): Promise<SegmentFile[] | null> {
  const { language, timeZone, encoding, split } = request;
  if (request.anonymous && secret === undefined) throw new Error('An anonymised export needs the store’s pseudonym secret');
  const pseudonymsFor = async (rows: readonly SegmentMember[]) => (request.anonymous ? pseudonymsOf(rows.map((row) => row.key), secret!) : undefined);
  if (!split) {
    const csv = await segmentCsv(members, language, timeZone, undefined, onProgress, await pseudonymsFor(members));
    return [{ group: null, customers: members.length, blob: csvBytes(csv, encoding) }];
  }
  const asked = split.sizes.reduce((a, b) => a + b, 0);
  if (asked > members.length) return null;
  const groups = splitSegment(members, { sample: asked, groups: split.sizes.length, seed: split.seed, sizes: split.sizes });
  const files: SegmentFile[] = [];
  for (const [i, group] of groups.entries()) {
    const name = String.fromCharCode(65 + i);
    const csv = await segmentCsv(group, language, timeZone, name, (share) => onProgress?.((i + share) / groups.length), await pseudonymsFor(group));
    files.push({ group: name, customers: group.length, blob: csvBytes(csv, encoding) });
  }
  return files;
}

/** A segment's export, made in the query worker: its files, with progress on the way. */
export interface SegmentRequest {
  kind: 'segment';
  id: number;
  storeVersion: string;
  segment: Pick<Segment, 'kind' | 'ref'>;
  /** The segment's name, kept with a test saved from its split. */
  label?: Segment['label'];
  shop: string | null;
  files: SegmentFilesRequest;
}

export type SegmentReply =
  /**
   * The files; null when a split asks for more customers than the segment has (`members` says how
   * many it has). `notListed`: customers an import added since the last rescore, in no file yet;
   * `doNotContact`: the segment's customers staff marked do-not-contact, in no file.
   */
  | { id: number; kind: 'files'; files: SegmentFile[] | null; members: number; notListed: number; doNotContact: number; testId?: string }
  | { id: number; kind: 'missing' }
  | { id: number; kind: 'failed'; message: string };

/** Answers an export request from the customer table (in the query worker). */
export async function exportSegment(queries: TableQueries, request: SegmentRequest, onProgress?: (share: number) => void): Promise<SegmentReply> {
  const { id, storeVersion, segment, shop, files } = request;
  try {
    const read = await queries.members(storeVersion, segment, shop);
    if (!read) return { id, kind: 'missing' };
    const secret = files.anonymous ? await pseudonymSecret(await queries.database()) : undefined;
    const made = await segmentFiles(read.members, files, onProgress, secret);
    const testId = made && files.split && files.test ? await saveSplitAsTest(queries, request, read.members, read.asOfDay) : undefined;
    return { id, kind: 'files', files: made, members: read.members.length, notListed: read.notListed, doNotContact: read.doNotContact, ...(testId && { testId }) };
  } catch (error) {
    return { id, kind: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Keeps a split as an A/B test: the same groups as its files (the same members and seed draw them),
 * started on the day the customers were scored as of (the last rescore's, today's after the daily one).
 */
async function saveSplitAsTest(queries: TableQueries, request: SegmentRequest, members: readonly SegmentMember[], startedDay: number): Promise<string> {
  const { split, test } = request.files;
  const groups = splitSegment(members, { sample: split!.sizes.reduce((a, b) => a + b, 0), groups: split!.sizes.length, seed: split!.seed, sizes: split!.sizes });
  const now = Date.now();
  const saved: AbTest = {
    id: `${now.toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    name: test!.name.trim() || split!.seed,
    segment: { kind: request.segment.kind, ref: request.segment.ref, label: request.label ?? { en: request.segment.ref, 'zh-CN': request.segment.ref } },
    shop: request.shop,
    seed: split!.seed,
    startedDay,
    createdAt: now,
    groups: groups.map((group, i) => ({ name: String.fromCharCode(65 + i), holdout: test!.holdout && i === groups.length - 1, keys: group.map((member) => member.key) })),
  };
  await saveAbTest(await queries.database(), saved);
  return saved.id;
}
