import { concatBytes, detectEncoding, InputError, StreamDecoder, type DetectedEncoding, type Encoding } from './encoding';
import { detectDelimiter, RowSplitter, type Delimiter } from './rows';
import { ImportSession, type ImportReport, type ImportSettings } from './session';
import type { FoldedOrder } from './fold';
import { both } from '../localised';

export interface StreamSettings extends ImportSettings {
  delimiter?: Delimiter | 'auto';
  /** The bytes are a file's start (a preview): the record they stop inside is left out, not refused. */
  truncated?: boolean;
  /** The seller's choice of encoding, over the detected one. */
  encoding?: Encoding | 'auto';
  /** The shop was chosen for the file by the platform's order ids it already has (shown as such). */
  shopDetected?: boolean;
}

export interface StreamProgress {
  bytesRead: number;
  rowsRead: number;
}

export interface StreamResult {
  report: ImportReport;
  encoding: DetectedEncoding;
  delimiter: Delimiter;
}

/** A file with a header and nothing under it; the preview of a file's start may be one too. */
export class HeaderOnlyError extends InputError {
  constructor(readonly result: StreamResult) {
    super(both('The file has a header but no order rows.', '文件只有表头，没有订单行。'));
  }
}

/** Bytes needed before encoding and delimiter are guessed. */
const SNIFF_BYTES = 64 * 1024;
/**
 * Bytes decoded at once. Chromium hands a file over in chunks of about 2 MB, and one character
 * beyond Latin-1 (a Chinese address) makes a chunk's whole text two-byte: decoding the bench shop's
 * 140 MB took four times as long as in 64 kB pieces, most of which stay one-byte.
 */
const DECODE_PIECE = 64 * 1024;

/**
 * The whole import path from bytes to orders, shared by the command line and the extension's
 * worker: encoding → text → rows → format → folded orders.
 */
export async function importStream(
  chunks: AsyncIterable<Uint8Array>,
  settings: StreamSettings,
  sink: (folded: FoldedOrder) => void | Promise<void>,
  onProgress?: (progress: StreamProgress) => void | Promise<void>,
): Promise<StreamResult> {
  let head: Uint8Array[] = [];
  let headSize = 0;
  let decoder = null as StreamDecoder | null;
  let splitter = null as RowSplitter | null;
  let delimiter: Delimiter = ',';
  let bytesRead = 0;
  const pending: FoldedOrder[] = [];
  const session = new ImportSession(settings, (folded) => pending.push(folded));
  const rowsOut = (rows: string[][], texts: string[]) => session.pushRows(rows, texts);

  const start = (bytes: Uint8Array): StreamDecoder => {
    // The same sample however the file arrives: a browser's file stream may hand over the whole
    // file as one chunk, and a GBK row at its end must still be refused, not decide the encoding.
    const chosen = settings.encoding && settings.encoding !== 'auto' ? settings.encoding : null;
    const detected = detectEncoding(bytes.subarray(0, SNIFF_BYTES));
    const started = new StreamDecoder(chosen ? { encoding: chosen, bom: detected.bom && detected.encoding === chosen, evidence: 'chosen by you' } : detected);
    session.encoding = started.detected.encoding;
    const text = started.decode(bytes.subarray(0, DECODE_PIECE));
    delimiter = !settings.delimiter || settings.delimiter === 'auto' ? detectDelimiter(text.slice(0, 32_768)) : settings.delimiter;
    splitter = new RowSplitter(delimiter, rowsOut);
    pushText(text);
    decodeInPieces(started, bytes.subarray(DECODE_PIECE));
    return started;
  };
  const pushText = (text: string) => {
    if (text.includes('\uFFFD')) session.checkUndecodable = true;
    splitter!.push(text);
  };
  const decodeInPieces = (from: StreamDecoder, bytes: Uint8Array) => {
    for (let at = 0; at < bytes.length; at += DECODE_PIECE) pushText(from.decode(bytes.subarray(at, at + DECODE_PIECE)));
  };
  const drain = async () => {
    for (const folded of pending.splice(0)) {
      const written = sink(folded);
      if (written) await written;
    }
  };

  // Iterated by hand: leaving a `for await` on an error awaits the source's return(), and a file
  // stream's cancel can stay pending in Chromium, so a bad byte would never be reported.
  const source = chunks[Symbol.asyncIterator]();
  try {
    for (let next = await source.next(); !next.done; next = await source.next()) {
      const chunk = next.value;
      bytesRead += chunk.length;
      if (decoder) decodeInPieces(decoder, chunk);
      else {
        // Copied: a source may read its next chunk into the same buffer (see piecesOf).
        head.push(chunk.slice());
        headSize += chunk.length;
        if (headSize >= SNIFF_BYTES) {
          decoder = start(concatBytes(...head));
          head = [];
        }
      }
      await drain();
      await onProgress?.({ bytesRead, rowsRead: session.started ? session.progress.rowsRead : 0 });
    }
  } catch (error) {
    void Promise.resolve(source.return?.()).catch(() => undefined);
    throw error;
  }
  if (!decoder) {
    if (headSize === 0) throw new InputError(both('The file is empty (0 bytes). Export the orders again and import that file.', '文件是空的（0 字节）。请重新导出订单，再导入该文件。'));
    decoder = start(concatBytes(...head));
  }
  if (settings.truncated) splitter!.discard();
  else {
    pushText(decoder!.end());
    splitter!.end();
  }
  if (!session.started) throw new InputError(both('The file has no rows: not even a header. Export the orders again and import that file.', '文件中没有任何行，连表头都没有。请重新导出订单，再导入该文件。'));
  const report = session.finish(decoder!.utf8Lines > 0 ? { lines: decoder!.utf8Lines, first: decoder!.firstUtf8Line, encoding: decoder!.detected.encoding } : null);
  await drain();
  const result = { report, encoding: decoder!.detected, delimiter };
  if (report.rowsRead === 0) throw new HeaderOnlyError(result);
  return result;
}
