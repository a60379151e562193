import { createWriteStream, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { FIXTURES, SHARED_DATA } from '../helpers';

const REAL = join(SHARED_DATA, 'shopify-steproac/orders_export.anon.csv');

/** The real Shopify export when present, else the project's own fixture. */
export function benchSource(): { path: string; real: boolean } {
  return existsSync(REAL) ? { path: REAL, real: true } : { path: join(FIXTURES, 'formats/shopify-orders-79.csv'), real: false };
}

/** The export's header, its body (ending in a line break) and how many rows the body holds. */
async function exportParts(): Promise<{ header: string; body: string; bodyRows: number }> {
  const text = readFileSync(benchSource().path, 'utf8');
  const newline = text.indexOf('\n');
  const body = text.slice(newline + 1).replace(/\n?$/, '\n');
  const bodyRows = (await import('papaparse')).default.parse(body, { skipEmptyLines: true }).data.length;
  return { header: text.slice(0, newline + 1), body, bodyRows };
}

/**
 * Copy `k` of the export's body: order names (#1234) and emails are the identities, so suffixing
 * both keeps every copy's orders and buyers its own; `orderTag` makes its orders new again.
 */
const copyOf = (body: string, k: number, orderTag = '') => body.replace(/(^|\n)(#\d+),/g, `$1$2-${k}${orderTag},`).replace(/@example\.com/g, `-${k}@example.com`);

/** Writes the header and the copies `copies` gives, waiting for the stream to drain; the bytes written. */
async function writeCopies(target: string, header: string, copies: Iterable<string>): Promise<number> {
  const out = createWriteStream(target);
  out.write(header);
  let bytes = Buffer.byteLength(header);
  for (const copy of copies) {
    bytes += Buffer.byteLength(copy);
    if (!out.write(copy)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end();
  await finished(out);
  return bytes;
}

/** A date and time as the Shopify export writes them (2023-04-09 12:34:56 -0700): the date part. */
const EXPORT_DATE = /\b(\d{4}-\d{2}-\d{2})(?= \d{2}:\d{2}:\d{2} [+-]\d{4})/g;

/**
 * The export's dates moved by whole days so that its latest is `lastDay` (YYYY-MM-DD): scored
 * today, the export as it is (its last order in April 2023) is a shop whose every customer lapsed
 * years ago, past every follow-up's window.
 */
function movedDates(body: string, lastDay: string): string {
  let latest = '';
  for (const [, day] of body.matchAll(EXPORT_DATE)) if (day! > latest) latest = day!;
  const shift = Date.parse(lastDay) - Date.parse(latest);
  const moved = new Map<string, string>();
  return body.replace(EXPORT_DATE, (day) => {
    let to = moved.get(day);
    if (to === undefined) moved.set(day, (to = new Date(Date.parse(day) + shift).toISOString().slice(0, 10)));
    return to;
  });
}

/**
 * Writes at least `rows` line-item rows by repeating the export; each copy gets its own order
 * numbers and buyers (suffix -k), so the result has as many orders and customers as it looks.
 * Copies are numbered from `firstCopy`, so a second file can hold other customers than the first.
 * With `lastDay`, every date is moved so that the latest is that day (see `movedDates`).
 */
export async function generateShopifyRows(target: string, rows: number, firstCopy = 0, lastDay?: string): Promise<{ rows: number; bytes: number; copies: number }> {
  const { header, body: asExported, bodyRows } = await exportParts();
  const body = lastDay ? movedDates(asExported, lastDay) : asExported;
  const copies = Math.ceil(rows / bodyRows);
  const bytes = await writeCopies(target, header, (function* () {
    for (let k = firstCopy; k < firstCopy + copies; k += 1) yield copyOf(body, k);
  })());
  return { rows: copies * bodyRows, bytes, copies };
}

/**
 * Writes copies of the export until the file holds at least `wanted` of what `countIn` counts in a
 * file: its buyers, their emails, its orders. One copy is written beside it and counted first;
 * every copy holds as many.
 */
export async function generateShopifyHolding(target: string, wanted: number, countIn: (path: string) => number, lastDay?: string): Promise<{ rows: number; bytes: number; copies: number }> {
  const sample = `${target}.one-copy.csv`;
  const { rows } = await generateShopifyRows(sample, 1);
  const perCopy = countIn(sample);
  rmSync(sample);
  return generateShopifyRows(target, Math.ceil((wanted / perCopy) * rows), 0, lastDay);
}

/**
 * One day's orders for about one customer in `every` of a file made by generateShopifyRows with
 * `copies` copies: every `every`-th copy again, its buyers the same, its order numbers new (`-k-tag`)
 * and every date on `day`. What a seller imports the morning after, into the shop of the big file.
 */
export async function generateShopifyDay(target: string, copies: number, options: { every: number; day: string; tag: string }): Promise<{ rows: number; copies: number }> {
  const { header, body, bodyRows } = await exportParts();
  const onDay = body.replace(/\b\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2} [+-]\d{4})/g, `${options.day}$1`);
  const picked = Array.from({ length: Math.ceil(copies / options.every) }, (_, i) => i * options.every);
  await writeCopies(target, header, picked.map((k) => copyOf(onDay, k, `-${options.tag}`)));
  return { rows: picked.length * bodyRows, copies: picked.length };
}
