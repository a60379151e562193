/**
 * Encoding detection from bytes, with the evidence for the choice: a BOM; strict UTF-8; a file that
 * is UTF-8 but for a few stray bytes; single-byte Latin text (Windows-1252: "Müller José") told
 * from double-byte CJK text by how its high bytes come (alone between letters, or in pairs); and
 * among GB18030, Big5 and Shift_JIS, the one that reads the sample as text. The seller can choose
 * another in the preview (or with --encoding).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { both, SellerError } from '../localised';

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030' | 'big5' | 'shift_jis' | 'windows-1252';

/** The encodings a seller can choose, in the order the preview lists them. */
export const CHOOSABLE_ENCODINGS = ['utf-8', 'gb18030', 'big5', 'shift_jis', 'windows-1252'] as const satisfies readonly Encoding[];

export interface DetectedEncoding {
  encoding: Encoding;
  bom: boolean;
  /** Why this encoding, in a few words ("BOM", "all UTF-8", "chosen by you"…), for the preview and the CLI. */
  evidence?: string;
}

/** Thrown for input that is not a text table; the message says what the seller can do. */
export class InputError extends SellerError {}

export function detectEncoding(head: Uint8Array): DetectedEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: true, evidence: 'byte order mark' };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: true, evidence: 'byte order mark' };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: true, evidence: 'byte order mark' };
  if (looksBinary(head)) {
    throw new InputError(both('This is not a text file (it contains binary data). Export the orders as CSV or TXT and import that file.', '这不是文本文件（其中有二进制数据）。请把订单导出为 CSV 或 TXT，再导入该文件。'));
  }
  const utf8 = utf8Evidence(head);
  if (utf8.invalid === 0) return { encoding: 'utf-8', bom: false, evidence: utf8.valid > 0 ? 'all UTF-8' : 'plain ASCII' };
  // Mostly UTF-8: a few stray bytes (a GBK line pasted in) are rows to name, not a reason to read every name as GBK.
  if (utf8.valid >= 4 * utf8.invalid) return { encoding: 'utf-8', bom: false, evidence: `UTF-8 but for ${utf8.invalid} stray bytes` };
  if (singleByteText(head)) return { encoding: 'windows-1252', bom: false, evidence: 'single accented letters among Latin text' };
  // GBK decodes nearly any byte pair, so the pairs themselves decide: GBK text keeps to the GB2312
  // rows; Shift_JIS puts its kana and most kanji on lead bytes below 0xA1, which Big5 never uses.
  const pairs = pairStats(head);
  if (pairs.total > 0 && pairs.gb2312 >= 0.75 * pairs.total) return { encoding: 'gb18030', bom: false, evidence: 'reads as GBK/GB18030 text' };
  if (pairs.lowLead >= 0.3 * pairs.total && decodesCleanly(head, 'shift_jis')) return { encoding: 'shift_jis', bom: false, evidence: 'reads as Shift_JIS text' };
  if (decodesCleanly(head, 'big5') && readsAsCjk(head, 'big5')) return { encoding: 'big5', bom: false, evidence: 'reads as Big5 text' };
  return { encoding: 'gb18030', bom: false, evidence: 'not UTF-8; read as GBK/GB18030, the usual encoding of Chinese exports' };
}

/** Double-byte pairs of the sample: all of them, those in GB2312's rows (lead and trail 0xA1–0xFE), and those with a lead below 0xA1. */
function pairStats(bytes: Uint8Array): { total: number; gb2312: number; lowLead: number } {
  let total = 0;
  let gb2312 = 0;
  let lowLead = 0;
  for (let i = 0; i + 1 < bytes.length; i += 1) {
    const lead = bytes[i]!;
    if (lead < 0x81 || lead === 0xff) continue;
    const trail = bytes[i + 1]!;
    total += 1;
    if (lead >= 0xa1 && lead <= 0xf7 && trail >= 0xa1 && trail <= 0xfe) gb2312 += 1;
    if (lead < 0xa1) lowLead += 1;
    i += 1;
  }
  return { total, gb2312, lowLead };
}

/**
 * Counts of well-formed multi-byte UTF-8 sequences and of bytes that cannot be UTF-8 (a sequence
 * cut at the end of the sample is neither); `firstInvalid` stops at the first bad byte.
 */
function utf8Evidence(bytes: Uint8Array, firstInvalid = false): { valid: number; invalid: number } {
  let valid = 0;
  let invalid = 0;
  for (let i = 0; i < bytes.length; ) {
    const byte = bytes[i]!;
    if (byte < 0x80) {
      i += 1;
      continue;
    }
    const length = byte >= 0xc2 && byte < 0xe0 ? 2 : byte >= 0xe0 && byte < 0xf0 ? 3 : byte >= 0xf0 && byte < 0xf5 ? 4 : 0;
    if (length === 0) {
      invalid += 1;
      if (firstInvalid) break;
      i += 1;
      continue;
    }
    if (i + length > bytes.length) break;
    let ok = true;
    for (let k = 1; k < length; k += 1) if ((bytes[i + k]! & 0xc0) !== 0x80) ok = false;
    if (ok) {
      valid += 1;
      i += length;
    } else {
      invalid += 1;
      if (firstInvalid) break;
      i += 1;
    }
  }
  return { valid, invalid };
}

/**
 * Latin text in a single-byte encoding: its high bytes stand alone between ASCII letters
 * ("M\xfcller"). In GBK, Big5 and Shift_JIS they come in pairs and runs.
 */
function singleByteText(bytes: Uint8Array): boolean {
  let alone = 0;
  let runs = 0;
  for (let i = 0; i < bytes.length; ) {
    if (bytes[i]! < 0x80) {
      i += 1;
      continue;
    }
    let end = i;
    while (end < bytes.length && bytes[end]! >= 0x80) end += 1;
    runs += 1;
    const letter = (at: number) => at >= 0 && at < bytes.length && /[A-Za-z]/.test(String.fromCharCode(bytes[at]!));
    if (end - i === 1 && (letter(i - 1) || letter(end))) alone += 1;
    i = end;
  }
  return runs > 0 && alone / runs >= 0.6;
}

function decodesCleanly(bytes: Uint8Array, encoding: Encoding): boolean {
  for (let cut = 0; cut <= 1 && cut < bytes.length; cut += 1) {
    try {
      new TextDecoder(encoding, { fatal: true }).decode(bytes.subarray(0, bytes.length - cut));
      return true;
    } catch {
      // one byte shorter: a pair cut at the end of the sample
    }
  }
  return false;
}

/** Whether the decoded sample is mostly CJK text (ideographs, kana, full-width forms) rather than symbols and rarities. */
function readsAsCjk(bytes: Uint8Array, encoding: Encoding): boolean {
  const text = new TextDecoder(encoding).decode(bytes);
  let common = 0;
  let odd = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) continue;
    if ((code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3000 && code <= 0x30ff) || (code >= 0xff00 && code <= 0xffef)) common += 1;
    else odd += 1;
  }
  return common > 0 && common >= 4 * odd;
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
 * Decodes a byte stream chunk by chunk. Bytes that are not text in the file's encoding become
 * U+FFFD, and the import refuses the rows that hold one, naming each: a file that turns into
 * another encoding part-way loses those rows, with a reason, never the whole file in silence.
 */
export class StreamDecoder {
  private readonly decoder: TextDecoder;
  /** For GBK, Big5 and Shift_JIS files: the bytes of the line a chunk ends inside, decoded with the next. */
  private readonly byLine: boolean;
  private carry = new Uint8Array(0);
  private readonly utf8 = new TextDecoder('utf-8');
  /** Lines read as UTF-8 inside a file of another encoding (a UTF-8 row pasted into a GBK export), and the first one's number. */
  utf8Lines = 0;
  firstUtf8Line = 0;
  private linesSeen = 0;

  constructor(readonly detected: DetectedEncoding) {
    this.decoder = new TextDecoder(detected.encoding, { fatal: false, ignoreBOM: false });
    this.byLine = detected.encoding === 'gb18030' || detected.encoding === 'big5' || detected.encoding === 'shift_jis';
  }

  decode(chunk: Uint8Array, final = false): string {
    if (!this.byLine) return this.decoder.decode(chunk, { stream: !final });
    const bytes = this.carry.length > 0 ? concatBytes(this.carry, chunk) : chunk;
    const cut = final ? bytes.length : bytes.lastIndexOf(0x0a) + 1;
    this.carry = bytes.slice(cut);
    let text = '';
    let run = 0;
    // Line by line: a line whose bytes are well-formed UTF-8 with a multi-byte character is UTF-8
    // (GBK and Big5 text is almost never that), so a buyer id pasted from elsewhere stays one buyer.
    // The lines between such lines are decoded together, in one call.
    for (let start = 0; start < cut; ) {
      const newline = bytes.indexOf(0x0a, start);
      const end = newline < 0 || newline >= cut ? cut : newline + 1;
      this.linesSeen += 1;
      const line = bytes.subarray(start, end);
      const evidence = utf8Evidence(line, true);
      if (evidence.valid > 0 && evidence.invalid === 0) {
        text += this.decoder.decode(bytes.subarray(run, start)) + this.utf8.decode(line);
        this.utf8Lines += 1;
        if (this.firstUtf8Line === 0) this.firstUtf8Line = this.linesSeen;
        run = end;
      }
      start = end;
    }
    return text + this.decoder.decode(bytes.subarray(run, cut));
  }

  end(): string {
    return this.decode(new Uint8Array(0), true);
  }
}

/** The bytes of several pieces as one. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** SHA-256 of the bytes, hex: how releases before prints knew a file in the imports ledger. */
export async function sha256Hex(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  return bytesToHex(sha256(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)));
}

/** The same of a file read a piece at a time, in script: asked only to know a file an earlier release imported. */
export async function sha256OfStream(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = sha256.create();
  for await (const chunk of chunks) hash.update(chunk);
  return bytesToHex(hash.digest());
}

/** Bytes per piece of a file's print. */
const PRINT_PIECE = 8 << 20;
/** Starts every print, and no SHA-256 in hex: a ledger record tells which of the two it holds. */
export const PRINT_PREFIX = 'p8m:';

/**
 * A file's print, which the imports ledger knows a file again by: the SHA-256 of the SHA-256s of
 * its 8 MiB pieces, each by WebCrypto. WebCrypto digests only bytes held whole, and a SHA-256 in
 * script took a core for 16–26 s of a million customers' import (1.3 GB) beside the parsing; this
 * takes 9 s in a quiet page, half of it the file's reading.
 */
export async function filePrint(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const piece = new Uint8Array(PRINT_PIECE);
  const digests: Uint8Array[] = [];
  let filled = 0;
  const digestPiece = async () => {
    digests.push(new Uint8Array(await crypto.subtle.digest('SHA-256', piece.subarray(0, filled))));
    filled = 0;
  };
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.length; ) {
      const taken = Math.min(chunk.length - at, PRINT_PIECE - filled);
      piece.set(chunk.subarray(at, at + taken), filled);
      filled += taken;
      at += taken;
      if (filled === PRINT_PIECE) await digestPiece();
    }
  }
  if (filled > 0) await digestPiece();
  return PRINT_PREFIX + bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(concatBytes(...digests)))));
}
