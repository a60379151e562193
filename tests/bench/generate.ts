import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { FIXTURES, SHARED_DATA } from '../helpers';

const REAL = join(SHARED_DATA, 'shopify-steproac/orders_export.anon.csv');

/** The real Shopify export when present, else the project's own fixture. */
export function benchSource(): { path: string; real: boolean } {
  return existsSync(REAL) ? { path: REAL, real: true } : { path: join(FIXTURES, 'formats/shopify-orders-79.csv'), real: false };
}

/**
 * Writes at least `rows` line-item rows by repeating the export; each copy gets its own order
 * numbers and buyers (suffix -k), so the result has as many orders and customers as it looks.
 * Copies are numbered from `firstCopy`, so a second file can hold other customers than the first.
 */
export async function generateShopifyRows(target: string, rows: number, firstCopy = 0): Promise<{ rows: number; bytes: number; copies: number }> {
  const text = readFileSync(benchSource().path, 'utf8');
  const newline = text.indexOf('\n');
  const header = text.slice(0, newline + 1);
  const body = text.slice(newline + 1).replace(/\n?$/, '\n');
  const bodyRows = (await import('papaparse')).default.parse(body, { skipEmptyLines: true }).data.length;
  const copies = Math.ceil(rows / bodyRows);
  const out = createWriteStream(target);
  out.write(header);
  let bytes = header.length;
  for (let k = firstCopy; k < firstCopy + copies; k += 1) {
    // Order names (#1234) and emails are the identities; suffixing both keeps every copy distinct.
    const copy = body.replace(/(^|\n)(#\d+),/g, `$1$2-${k},`).replace(/@example\.com/g, `-${k}@example.com`);
    bytes += Buffer.byteLength(copy);
    if (!out.write(copy)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end();
  await finished(out);
  return { rows: copies * bodyRows, bytes, copies };
}

/**
 * One day's orders for about one customer in `every` of a file made by generateShopifyRows with
 * `copies` copies: every `every`-th copy again, its buyers the same, its order numbers new (`-k-tag`)
 * and every date on `day`. What a seller imports the morning after, into the shop of the big file.
 */
export async function generateShopifyDay(target: string, copies: number, options: { every: number; day: string; tag: string }): Promise<{ rows: number; copies: number }> {
  const text = readFileSync(benchSource().path, 'utf8');
  const newline = text.indexOf('\n');
  const body = text.slice(newline + 1).replace(/\n?$/, '\n');
  const onDay = body.replace(/\b\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2} [+-]\d{4})/g, `${options.day}$1`);
  const bodyRows = (await import('papaparse')).default.parse(body, { skipEmptyLines: true }).data.length;
  const out = createWriteStream(target);
  out.write(text.slice(0, newline + 1));
  let written = 0;
  for (let k = 0; k < copies; k += options.every) {
    const copy = onDay.replace(/(^|\n)(#\d+),/g, `$1$2-${k}-${options.tag},`).replace(/@example\.com/g, `-${k}@example.com`);
    if (!out.write(copy)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    written += 1;
  }
  out.end();
  await finished(out);
  return { rows: written * bodyRows, copies: written };
}
