import type { Order } from '../model';
import { importToMemory } from './collect';
import { InputError, type DetectedEncoding } from './encoding';
import type { Delimiter } from './rows';
import { ColumnsError, type ImportReport } from './session';
import type { ColumnMapping, FormatId } from '../formats';
import { HeaderOnlyError, type StreamSettings } from './stream';
import type { Localised } from '../localised';

/** How much of a file the preview reads. */
export const PREVIEW_BYTES = 256 * 1024;

export type Preview =
  | {
      ok: true;
      report: ImportReport;
      encoding: DetectedEncoding;
      delimiter: Delimiter;
      orders: Order[];
      partial: boolean;
      /** The first row runs past what the preview reads: only the import can judge it. */
      firstRowTooLong: boolean;
    }
  | { ok: false; error: Localised; columns?: { format: FormatId; columns: string[]; mapping: ColumnMapping } };

/**
 * Reads the start of a file the way the import will, to show the detected format, encoding and
 * the first mapped orders before anything is saved.
 */
export async function previewBytes(head: Uint8Array, fileSize: number, settings: StreamSettings, sample = 8): Promise<Preview> {
  const partial = head.length < fileSize;
  try {
    const { report, encoding, delimiter, orders } = await importToMemory(once(head), { ...settings, truncated: partial });
    return { ok: true, report, encoding, delimiter, orders: [...orders.values()].slice(0, sample), partial, firstRowTooLong: false };
  } catch (error) {
    if (error instanceof HeaderOnlyError && partial) return { ok: true, ...error.result, orders: [], partial, firstRowTooLong: true };
    if (error instanceof ColumnsError) {
      const { format, columns, mapping } = error;
      return { ok: false, error: error.text, columns: { format, columns, mapping } };
    }
    if (error instanceof InputError) return { ok: false, error: error.text };
    throw error;
  }
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}
