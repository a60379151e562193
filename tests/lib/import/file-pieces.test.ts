import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunked, collected, FIXTURES, longShopifyExport } from '../../helpers';
import { piecesOf } from '../../../lib/import/file-pieces';
import { filePrint } from '../../../lib/import/encoding';
import { importStream, type StreamSettings } from '../../../lib/import/stream';
import type { FoldedOrder } from '../../../lib/import/fold';

const formatFiles = readdirSync(join(FIXTURES, 'formats')).filter((name) => /\.(csv|tsv|txt)$/.test(name));
const SETTINGS: Record<string, StreamSettings> = {
  'generic-whitespace.txt': { hasHeader: false, delimiter: 'whitespace', mapping: { customer: '1', date: '3', quantity: '4', amount: '5' }, dateFormat: 'yyyyMMdd', timeZone: 'UTC' },
};

async function imported(source: AsyncIterable<Uint8Array>, name: string) {
  const folded: FoldedOrder[] = [];
  const { report, encoding } = await importStream(source, { importId: 'import-1', ...SETTINGS[name] }, (part) => void folded.push(part));
  return { report, encoding, folded };
}

describe('a file read a piece at a time into one buffer', () => {
  it('yields every byte in order, in pieces no longer than asked, the last short', async () => {
    const bytes = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 31) & 0xff);
    const pieces: number[] = [];
    const read: number[] = [];
    for await (const piece of piecesOf(new Blob([bytes]), 4096)) {
      pieces.push(piece.length);
      read.push(...piece);
    }
    expect(pieces).toEqual([4096, 4096, 1808]);
    expect(read).toEqual([...bytes]);
    expect(await collected(piecesOf(new Blob([])))).toEqual([]);
  });

  it('reads each piece into the buffer of the one before, which a reader must not keep', async () => {
    const kept: Uint8Array[] = [];
    for await (const piece of piecesOf(new Blob([new Uint8Array(3000).fill(7)]), 1000)) kept.push(piece);
    // The read that finds the end takes the last piece's buffer too.
    expect(kept.map((piece) => piece.byteLength)).toEqual([0, 0, 0]);
  });

  it('reads a file whose stream is not a byte stream (an older browser’s) in the stream’s own chunks', async () => {
    const bytes = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7) & 0xff);
    const chunks = [bytes.slice(0, 3000), bytes.slice(3000, 9000), bytes.slice(9000)];
    const olderFile = { stream: () => new ReadableStream<Uint8Array>({ pull: (controller) => void (chunks.length > 0 ? controller.enqueue(chunks.shift()!) : controller.close()) }) } as unknown as Blob;
    const pieces = await collected(piecesOf(olderFile, 4096));
    expect(pieces.map((piece) => piece.length)).toEqual([3000, 6000, 1000]);
    expect(Buffer.concat(pieces)).toEqual(Buffer.from(bytes));
  });

  it('stops reading when its reader stops, and the file can be read again', async () => {
    const file = new Blob([new Uint8Array(50_000).fill(1)]);
    let pieces = 0;
    for await (const _ of piecesOf(file, 1000)) if ((pieces += 1) === 3) break;
    expect(pieces).toBe(3);
    let bytes = 0;
    for await (const piece of piecesOf(file, 1000)) bytes += piece.length;
    expect(bytes).toBe(50_000);
  });

  it.each([...formatFiles, 'a Shopify file of 100 kB in CRLF'])('imports %s as its bytes read whole do, in pieces of any size', async (name) => {
    const bytes: Uint8Array<ArrayBuffer> = name.endsWith('CRLF') ? longShopifyExport() : new Uint8Array(readFileSync(join(FIXTURES, 'formats', name)));
    const expected = await imported(chunked(bytes, bytes.length || 1), name);
    expect(expected.report.rowsRead).toBeGreaterThan(0);
    for (const size of [7, 4096, 65_537, 1 << 20]) {
      expect(await imported(piecesOf(new Blob([bytes]), size), name), `${name} in pieces of ${size}`).toEqual(expected);
    }
  });

  it('gives the file’s print, as read whole', async () => {
    const bytes = Uint8Array.from({ length: (9 << 20) + 5 }, (_, i) => (i * 2_654_435_761) >>> 24);
    const expected = await filePrint(chunked(bytes, 65_536));
    for (const size of [65_536, (3 << 20) + 1]) expect(await filePrint(piecesOf(new Blob([bytes]), size))).toBe(expected);
  });
});
