/** Encoding detection from bytes: strict UTF-8 first (with or without BOM), UTF-16 by BOM, otherwise GB18030. */

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

export interface DetectedEncoding {
  encoding: Encoding;
  bom: boolean;
}

/** Thrown for input that is not a text table; the message says what the seller can do. */
export class InputError extends Error {}

export function detectEncoding(head: Uint8Array): DetectedEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: true };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: true };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: true };
  if (looksBinary(head)) {
    throw new InputError('This is not a text file (it contains binary data). Export the orders as CSV or TXT and import that file.');
  }
  // A multi-byte character may be cut at the end of the sample; drop up to 3 trailing bytes before the strict check.
  for (let cut = 0; cut <= 3 && cut < head.length; cut += 1) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length - cut));
      return { encoding: 'utf-8', bom: false };
    } catch {
      // try a shorter prefix
    }
  }
  return { encoding: 'gb18030', bom: false };
}

function looksBinary(head: Uint8Array): boolean {
  const sample = head.subarray(0, 8192);
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    if (byte < 9 || (byte > 13 && byte < 32)) control += 1;
  }
  return sample.length > 0 && control / sample.length > 0.05;
}

/**
 * Decodes a byte stream chunk by chunk. UTF-8 stays strict, so a file that turns into another
 * encoding part-way is refused with the byte where it happens, instead of importing mojibake.
 */
export class StreamDecoder {
  private readonly decoder: TextDecoder;
  private bytesSeen = 0;
  /** Line breaks before the current chunk, to name the line of a bad byte as a text editor shows it. */
  private linesSeen = 0;
  constructor(readonly detected: DetectedEncoding) {
    this.decoder = new TextDecoder(detected.encoding, { fatal: detected.encoding === 'utf-8', ignoreBOM: false });
  }
  decode(chunk: Uint8Array, final = false): string {
    const start = this.bytesSeen;
    this.bytesSeen += chunk.length;
    try {
      const text = this.decoder.decode(chunk, { stream: !final });
      this.linesSeen += countLineBreaks(chunk, chunk.length);
      return text;
    } catch {
      const offset = findInvalidUtf8(chunk);
      const line = this.linesSeen + countLineBreaks(chunk, offset) + 1;
      throw new InputError(
        `The file mixes encodings: it starts as UTF-8 but byte ${(start + offset + 1).toLocaleString('en')} (line ${line.toLocaleString('en')}) is not UTF-8 (often a GBK part pasted into a UTF-8 file). Re-export it, or save it with one encoding, and import again.`,
      );
    }
  }
  end(): string {
    return this.decode(new Uint8Array(0), true);
  }
}

function countLineBreaks(bytes: Uint8Array, end: number): number {
  let count = 0;
  for (let at = bytes.indexOf(0x0a); at >= 0 && at < end; at = bytes.indexOf(0x0a, at + 1)) count += 1;
  return count;
}

/** Index of the first byte that cannot be UTF-8; continuation bytes at the start belong to the previous chunk. */
function findInvalidUtf8(chunk: Uint8Array): number {
  let i = 0;
  while (i < 3 && i < chunk.length && (chunk[i]! & 0xc0) === 0x80) i += 1;
  while (i < chunk.length) {
    const byte = chunk[i]!;
    const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte < 0xe0 ? 2 : byte >= 0xe0 && byte < 0xf0 ? 3 : byte >= 0xf0 && byte < 0xf5 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k += 1) {
      if (i + k < chunk.length && (chunk[i + k]! & 0xc0) !== 0x80) return i;
    }
    i += length;
  }
  return chunk.length;
}

/** SHA-256 of the bytes, hex; identifies a file in the imports ledger. */
export async function sha256Hex(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as BufferSource);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
