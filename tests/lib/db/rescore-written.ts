import { storedBadgeIndex } from '../../../lib/db/badge-index';
import { allProfiles, type RescoreStatus } from '../../../lib/db/profiles';
import type { Database } from '../../../lib/db/schema';

/** Bytes as text, so two builds' columns compare by what they hold. */
const bytesReplacer = (_: string, value: unknown) =>
  value instanceof ArrayBuffer ? Buffer.from(value).toString('base64') : ArrayBuffer.isView(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') : value;

/**
 * Everything a whole rescore writes for pages to read, as text, with its build's name taken out.
 * `forecastDigits`: the forecasts' sums to that many significant digits, where two rescores added
 * the same fractions in another order.
 */
export async function writtenForPages(db: Database, forecastDigits?: number): Promise<Record<string, string>> {
  const status = (await db.get('meta', 'rescore')) as RescoreStatus;
  const head = (await db.get('meta', 'badgeIndex')) as { built: string };
  const text = (value: unknown) => JSON.stringify(value, bytesReplacer).replaceAll(head.built, 'BUILT');
  const [overview, due, forecasts] = await Promise.all(['overview', 'dueTally', 'forecasts'].map((id) => db.get('meta', id)));
  return {
    profiles: text(await allProfiles(db)),
    followUps: text(await db.getAll('followups')),
    table: text(await db.getAll('customerTable')),
    // As built: each build's shards are stored under keys of their own.
    badgeIndex: text(await storedBadgeIndex(db)),
    snapshots: text(await db.getAll('snapshots')),
    overview: text([overview, due]),
    forecasts: JSON.stringify(forecasts, (_, value: unknown) => (typeof value === 'number' && forecastDigits ? Number(value.toPrecision(forecastDigits)) : value)),
    status: text([status.customers, status.scored, status.followUpsOpen, status.followUpsMissed, status.firstOrderDay, status.unfitTables]),
  };
}
