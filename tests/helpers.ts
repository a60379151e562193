import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { importToMemory } from '../lib/import/collect';
import type { StreamSettings } from '../lib/import/stream';
import { summariseCustomers } from '../lib/customers';
import type { Rejection } from '../lib/import/session';
import { textIn } from '../lib/localised';
import type { ImportFile } from '../lib/db/importer';
import { sha256Hex } from '../lib/import/encoding';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = join(ROOT, 'tests/fixtures');
/** The shared real data beside the project; tests that need it skip, naming this path, when it is absent. */
export const SHARED_DATA = resolve(ROOT, '../shared/data');

export function sharedData(relative: string): { path: string; present: boolean } {
  const path = join(SHARED_DATA, relative);
  const present = existsSync(path);
  if (!present) console.warn(`skipped: ${path} is absent (the shared real data sits beside the project)`);
  return { path, present };
}

export function fixture(name: string): string {
  return join(FIXTURES, 'formats', name);
}

/**
 * The Shopify fixture's orders again and again, each copy with its own order numbers, in CRLF: past
 * the 64 kB an import reads before it guesses the encoding and starts parsing.
 */
export function longShopifyExport(copies = 40): Uint8Array<ArrayBuffer> {
  const [header, ...rows] = readFileSync(fixture('shopify-orders-73.csv'), 'utf8').trimEnd().split('\n');
  const copied = Array.from({ length: copies }, (_, copy) => rows.map((row) => row.replace(/^#(\d+)/, (_, id: string) => `#${copy}${id}`)).join('\r\n'));
  return new TextEncoder().encode(`${header}\r\n${copied.join('\r\n')}\r\n`);
}

/** Imports a file from disk the way the command line does, with items kept. */
export async function importPath(path: string, settings: StreamSettings = {}) {
  const collected = await importToMemory(createReadStream(path, { highWaterMark: 4096 }), settings);
  const customers = summariseCustomers(collected.orders.values());
  const byKey = new Map(customers.map((c) => [c.key, c]));
  return { ...collected, customers, byKey };
}

/** Everything an async iterable gives, in order (Node 20 has no Array.fromAsync). */
export async function collected<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** Bytes as an async stream in chunks of `size`, to prove chunk edges do not matter. */
export async function* chunked(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** A file to import from its bytes, read in pieces of `chunk` bytes (small ones cross a row's edge, as a browser's reads do). */
export async function importable(name: string, bytes: Uint8Array, chunk: number): Promise<ImportFile & { hash: string }> {
  return { name, size: bytes.length, hash: await sha256Hex(bytes), stream: () => chunked(bytes, chunk) };
}

/** Rejections with their reasons in English, as tests compare them. */
export function inEnglish(rejections: readonly Rejection[]): { row: number; reason: string }[] {
  return rejections.map(({ row, reason }) => ({ row, reason: textIn(reason, 'en') }));
}
